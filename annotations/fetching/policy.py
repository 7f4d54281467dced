"""Which URLs article fetching may reach, as pure functions (the resolver is passed in).

`ipaddress` alone is not enough: `::ffff:127.0.0.1` is not `is_loopback`, NAT64, 6to4 and
Teredo addresses embed IPv4 ones, and `http://2130706433/` or `http://0x7f.1/` are 127.0.0.1
to a resolver. So every address is unwrapped to the IPv4 it carries and checked against an
explicit block list, and the host is parsed the way resolvers (inet_aton) read it.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local (cloud metadata)
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and broadcast
        "::/128",
        "::1/128",
        "::ffff:0:0/96",  # IPv4-mapped (checked again as the IPv4 it carries)
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments (Teredo 2001::/32 included)
        "2001:db8::/32",
        "2002::/16",  # 6to4
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)

# Query parameters that only track the reader; dropped when URLs are compared.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src"}

Resolver = Callable[[str, int], Iterable[str]]


class Refused(ValueError):
    """A URL or address that fetching must not reach; the message says why in words."""


def system_resolver(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def parse_ipv4_spelling(host: str) -> ipaddress.IPv4Address | None:
    """Read `host` as inet_aton does: 1 to 4 parts, each decimal, 0x hex or 0 octal
    (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`). None when it is not such a number."""
    parts = host.split(".")
    if host.endswith("."):
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        try:
            if part.lower().startswith("0x"):
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10) if part.isdigit() else int("x"))
        except ValueError:
            return None
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for n in leading:
        value = value * 256 + n
    value = value * 256 ** (5 - len(numbers)) + last
    return ipaddress.IPv4Address(value)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries: mapped, compatible, NAT64, 6to4 or Teredo."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    packed = int(address)
    if address in ipaddress.ip_network("64:ff9b::/96") or packed >> 32 == 0:  # NAT64, IPv4-compatible
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def address_refusal(address: str) -> str | None:
    """Why `address` (an IP literal) must not be reached, in words; None when it may be."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None and address_refusal(str(inner)):
            return _("the address %(address)s is private (it carries %(inner)s)") % {"address": address, "inner": inner}
    if ip.is_multicast:
        return _("the address %(address)s is multicast") % {"address": address}
    if any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version) or not ip.is_global:
        return _("the address %(address)s is private") % {"address": address}
    return None


def _allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    return host.lower().strip("[]") in {h.strip().lower().strip("[]") for h in allow_hosts if h.strip()}


def literal_address(host: str) -> str | None:
    """The IP address a host names literally (any IPv4 spelling, or IPv6), else None."""
    host = host.strip("[]")
    try:
        return str(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        pass
    ipv4 = parse_ipv4_spelling(host)
    return str(ipv4) if ipv4 is not None else None


def check_url(url: str, *, allow_hosts: Iterable[str] = ()) -> tuple[str, int, str | None]:
    """Check what can be checked without the network: scheme, host, a literal address.

    Returns (host, port, literal address or None); raises Refused with the reason.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused(_("the URL is not valid (%(error)s)") % {"error": error}) from error
    if parts.scheme not in ("http", "https"):
        raise Refused(
            _("only http and https addresses can be fetched, not %(scheme)s")
            % {"scheme": parts.scheme or _("no scheme")}
        )
    host = parts.hostname  # after any userinfo: http://good@bad/ goes to bad
    if not host:
        raise Refused(_("the URL names no host"))
    port = port or (443 if parts.scheme == "https" else 80)
    allow_hosts = list(allow_hosts)
    if (host == "localhost" or host.endswith(".localhost")) and not _allowed(host, allow_hosts):
        raise Refused(_("the host %(host)s is private") % {"host": host})
    literal = literal_address(host)
    if literal is not None and not (_allowed(host, allow_hosts) or _allowed(literal, allow_hosts)):
        reason = address_refusal(literal)
        if reason:
            raise Refused(reason)
    return host, port, literal


def resolve_checked(url: str, *, allow_hosts: Iterable[str] = (), resolver: Resolver = system_resolver) -> str:
    """The address to connect to for `url`: every address its host resolves to must pass
    (a name with one private address among public ones is refused). Raises Refused."""
    host, port, literal = check_url(url, allow_hosts=allow_hosts)
    allow_hosts = list(allow_hosts)
    if literal is not None:
        return literal
    try:
        addresses = list(dict.fromkeys(resolver(host, port)))
    except OSError as error:
        raise Refused(_("the host %(host)s could not be found") % {"host": host}) from error
    if not addresses:
        raise Refused(_("the host %(host)s could not be found") % {"host": host})
    if _allowed(host, allow_hosts):
        return addresses[0]
    for address in addresses:
        if _allowed(address, allow_hosts):
            continue
        reason = address_refusal(address)
        if reason:
            raise Refused(reason)
    return addresses[0]


def normalise_url(url: str) -> str:
    """The form URLs are compared in: lower-case scheme and host, no default port, no fragment,
    no tracking parameters (utm_*, fbclid, ...), the rest of the query sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
