"""Download a feed (JSON, JSON Lines, CSV) or a fact-check page to a temporary file, safely.

The connection is made by the article fetcher's pinned-address session (annotations.fetching.fetcher):
every address and every redirect is checked by the same policy. Unlike an article, a feed is not HTML
and may be hundreds of MB, so it is streamed to disk under its own limits; a conditional GET sends the
validators of the last answer (ETag, Last-Modified) and a 304 is reported as such.
"""

import os
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import requests

from ..fetching import policy
from ..fetching.fetcher import MAX_REDIRECTS, FetchFailed, _session

ACCEPT = "application/ld+json, application/json, application/x-ndjson, text/csv, text/html;q=0.9, */*;q=0.5"


@dataclass
class Download:
    path: str | None  # None: not modified (304)
    url: str
    content_type: str
    etag: str
    last_modified: str


def download(
    url: str,
    *,
    allow_hosts,
    timeout_s: float,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
    resolver: policy.Resolver = policy.system_resolver,
) -> Download:
    """GET `url` into a temporary file (the caller deletes it). Raises FetchFailed with the reason."""
    allow_hosts = list(allow_hosts)
    deadline = time.monotonic() + timeout_s
    session = _session(allow_hosts, resolver)
    session.headers["Accept"] = ACCEPT
    if etag:
        session.headers["If-None-Match"] = etag
    if last_modified:
        session.headers["If-Modified-Since"] = last_modified
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                policy.check_url(url, allow_hosts=allow_hosts)
            except policy.Refused as refused:
                raise FetchFailed(str(refused)) from refused
            try:
                response = session.get(url, allow_redirects=False, stream=True, timeout=(timeout_s, timeout_s))
            except requests.Timeout as error:
                raise FetchFailed(f"no answer within {timeout_s:g} s") from error
            except requests.ConnectionError as error:
                if isinstance(error.__context__, FetchFailed):
                    raise error.__context__ from None
                raise FetchFailed(f"the server of {url} could not be reached") from error
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                url = urljoin(url, location)
                continue
            with response:
                return _save(response, url, deadline, timeout_s, max_bytes)
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")
    finally:
        session.close()


def _save(response, url: str, deadline: float, timeout_s: float, max_bytes: int) -> Download:
    headers = response.headers
    validators = {"etag": headers.get("ETag", ""), "last_modified": headers.get("Last-Modified", "")}
    if response.status_code == 304:
        return Download(path=None, url=url, content_type="", **validators)
    if response.status_code >= 400:
        raise FetchFailed(f"the server answered {response.status_code} {response.reason or ''}".rstrip())
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"the file is larger than {max_bytes / 1_000_000:g} MB")
    size = 0
    with tempfile.NamedTemporaryFile(prefix="prior-feed-", delete=False) as out:
        try:
            for chunk in response.iter_content(chunk_size=256 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"the file is larger than {max_bytes / 1_000_000:g} MB")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"no complete answer within {timeout_s:g} s")
                out.write(chunk)
        except (requests.Timeout, requests.ConnectionError) as error:
            os.unlink(out.name)
            raise FetchFailed(f"no complete answer within {timeout_s:g} s") from error
        except FetchFailed:
            os.unlink(out.name)
            raise
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    return Download(path=out.name, url=url, content_type=content_type, **validators)
