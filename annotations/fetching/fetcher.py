"""Fetch one web page safely: every hop checked by the address policy and pinned to the checked address.

Built on requests-hardened's design (its IPFilterAdapter): the connection goes to the IP
address that was checked, not to a second DNS answer, while the Host header and the TLS
server name stay the URL's host. Its own filter is replaced by `policy.resolve_checked`,
which checks every address a name resolves to (not only the first), unwraps embedded IPv4
forms, and honours FACTCHECK_FETCH_ALLOW_HOSTS. Redirects are followed here, one at a
time, each checked the same way; the body is streamed and cut off at the byte limit.

The time limit is one wall-clock deadline for the whole fetch: connecting, every redirect, the
headers and every read. Socket timeouts alone only bound the wait for the next byte, so a server
that trickles one byte every few seconds held a fetch (and, with eager Celery, the web request)
for minutes; a watchdog (`_Deadline`) shuts the fetch's sockets down when the deadline passes,
which ends any read in progress, and the fetch reports "no answer within N s".
"""

import contextlib
import contextvars
import hashlib
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests_hardened.ip_filter_adapter import IPFilterAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from . import policy

MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "factcheck-article-fetcher/1.0 (+https://example.org/factcheck)"


class FetchFailed(Exception):
    """The page could not be fetched; the message says why, in words a person can act on."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    html: bytes
    encoding: str | None
    sha256: str


class _Deadline:
    """The wall-clock limit of one fetch: when it passes, every socket the fetch opened is shut down."""

    def __init__(self, timeout_s: float):
        self.at = time.monotonic() + timeout_s
        self.message = f"no answer within {timeout_s:g} s"  # why the fetch failed when this passes
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout_s, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.001)

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    # shutdown() wakes a recv() blocked in another thread (close() would not); the plain socket's
    # method, since the TLS socket's own would first try a TLS goodbye on a connection that is stuck.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


# The deadline of the fetch running in this thread (or task), for the connections it opens.
_deadline: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar("fetch_deadline", default=None)


class _Watched:
    """A connection whose socket is handed to the running fetch's deadline once connected.

    The connect itself (and a TLS handshake) is bounded by the socket timeout, set to the time left."""

    def connect(self):
        super().connect()
        deadline = _deadline.get()
        if deadline is not None:
            deadline.watch(self.sock)


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class PinnedAddressAdapter(IPFilterAdapter):
    """requests-hardened's adapter with this project's address policy and the fetch's deadline."""

    def __init__(self, *, is_https: bool, allow_hosts: Iterable[str], resolver: policy.Resolver):
        super().__init__(is_https_proto=is_https)
        self.allow_hosts = list(allow_hosts)
        self.resolver = resolver

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = HTTPAdapter.build_connection_pool_key_attributes(self, request, verify, cert)
        request.headers = CaseInsensitiveDict(request.headers or {})
        hostname, port = host_params["host"], host_params["port"]
        host_header = f"[{hostname}]" if ":" in hostname else hostname
        request.headers["Host"] = host_header + (f":{port}" if port is not None else "")
        if self._is_https_proto:
            pool_kwargs["assert_hostname"] = hostname
            pool_kwargs["server_hostname"] = hostname
        try:
            address = policy.resolve_checked(request.url, allow_hosts=self.allow_hosts, resolver=self.resolver)
        except policy.Refused as refused:
            raise FetchFailed(str(refused)) from refused
        host_params["host"] = f"[{address}]" if ":" in address else address
        return host_params, pool_kwargs


def _session(allow_hosts: list[str], resolver: policy.Resolver) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the pinned address is the one reached
    session.mount("http://", PinnedAddressAdapter(is_https=False, allow_hosts=allow_hosts, resolver=resolver))
    session.mount("https://", PinnedAddressAdapter(is_https=True, allow_hosts=allow_hosts, resolver=resolver))
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9"
    return session


def _megabytes(count: int) -> str:
    return f"{count / 1_000_000:g} MB"


def fetch_page(
    url: str,
    *,
    allow_hosts: Iterable[str] = (),
    timeout_s: float = 10,
    max_bytes: int = 5_000_000,
    resolver: policy.Resolver = policy.system_resolver,
) -> FetchedPage:
    """GET an HTML page, following at most MAX_REDIRECTS redirects, each re-checked, all within
    `timeout_s` seconds of wall-clock time. Raises FetchFailed."""
    with open_checked(url, allow_hosts=allow_hosts, timeout_s=timeout_s, resolver=resolver) as opened:
        return _read(opened.response, opened.url, opened.deadline, max_bytes)


@dataclass
class Opened:
    """An answer being read: the response (streamed), the URL it came from after redirects, and the
    fetch's deadline, which the reader checks between chunks."""

    response: requests.Response
    url: str
    deadline: _Deadline


@contextlib.contextmanager
def open_checked(
    url: str,
    *,
    allow_hosts: Iterable[str] = (),
    timeout_s: float = 10,
    resolver: policy.Resolver = policy.system_resolver,
    headers: dict[str, str] | None = None,
) -> Iterator[Opened]:
    """GET `url` with every address and every redirect (at most MAX_REDIRECTS) checked by the policy,
    all within `timeout_s` seconds of wall-clock time: when it passes, the fetch's sockets are shut.
    The one door for fetching from the web (articles, prior fact-check feeds and pages). Raises FetchFailed."""
    allow_hosts = list(allow_hosts)
    deadline = _Deadline(timeout_s)
    token = _deadline.set(deadline)
    session = _session(allow_hosts, resolver)
    session.headers.update(headers or {})
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                policy.check_url(url, allow_hosts=allow_hosts)
            except policy.Refused as refused:
                raise FetchFailed(str(refused)) from refused
            if deadline.passed():
                raise FetchFailed(deadline.message)
            wait = min(timeout_s, deadline.remaining())
            try:
                response = session.get(url, allow_redirects=False, stream=True, timeout=(wait, wait))
            except requests.Timeout as error:
                raise FetchFailed(deadline.message) from error
            except requests.ConnectionError as error:
                if isinstance(error.__context__, FetchFailed):
                    raise error.__context__ from None
                if deadline.passed():
                    raise FetchFailed(deadline.message) from error
                raise FetchFailed(f"the server of {url} could not be reached") from error
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                url = urljoin(url, location)
                continue
            with response:
                yield Opened(response, url, deadline)
            return
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")
    finally:
        deadline.cancel()
        _deadline.reset(token)
        session.close()


def _read(response, url: str, deadline: _Deadline, max_bytes: int) -> FetchedPage:
    if response.status_code >= 400:
        raise FetchFailed(f"the server answered {response.status_code} {response.reason or ''}".rstrip())
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind not in HTML_TYPES:
        raise FetchFailed(f"not an HTML page ({kind or 'no content type'})")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"the page is larger than {_megabytes(max_bytes)}")
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchFailed(f"the page is larger than {_megabytes(max_bytes)}")
            if deadline.passed():
                raise FetchFailed(deadline.message)
            chunks.append(chunk)
    except requests.RequestException as error:
        if deadline.passed() or isinstance(error, requests.Timeout):
            raise FetchFailed(deadline.message) from error
        raise FetchFailed(f"the server of {url} broke off the page") from error
    # A page read to the end of the connection ends early, and looks whole, when the watchdog shut it.
    if deadline.passed():
        raise FetchFailed(deadline.message)
    html = b"".join(chunks)
    return FetchedPage(url=url, html=html, encoding=response.encoding, sha256=hashlib.sha256(html).hexdigest())
