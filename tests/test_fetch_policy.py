"""The address policy of article fetching, as pure functions: every spelling of a private address is refused.

The addresses below are only ever parsed: this module forbids opening any socket, so a policy that
tried to connect to (or look up) an address would fail here instead of sending traffic anywhere.
"""

import re
import socket

import pytest

from annotations.fetching.policy import (
    Refused,
    address_refusal,
    check_url,
    normalise_url,
    parse_ipv4_spelling,
    resolve_checked,
)


def no_dns(host, port):
    raise AssertionError(f"no name lookup expected for {host}")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the address policy must not open a connection or look a name up")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# Every spelling of a loopback address in a URL, the way an attacker would write it.
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.2:8080/",
        "http://localhost.localdomain.invalid@127.0.0.1/",  # userinfo: the host is after the @
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/",  # hex
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",  # octal
        "http://127.1/",  # short form
        "http://127.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:7f00:1]/",
        "http://[::127.0.0.1]/",  # IPv4-compatible
        "http://[64:ff9b::7f00:1]/",  # NAT64
        "http://[2002:7f00:1::]/",  # 6to4 carrying 127.0.0.1
    ],
)
def test_loopback_spellings_in_a_url_are_refused_without_a_lookup(url):
    with pytest.raises(Refused, match=r"is private"):
        resolve_checked(url, resolver=no_dns)


# The other ranges no fetch may reach, given to the address policy itself (a pure function of the
# address): private, link-local, shared, unspecified, multicast, reserved, documentation, and IPv6
# addresses that carry one of them.
@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata (link-local)
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "192.0.2.10",  # documentation range
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::",
        "64:ff9b::a00:1",  # NAT64 carrying 10.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
    ],
)
def test_addresses_outside_the_public_internet_are_refused(address):
    assert re.search(r"is private|is multicast", address_refusal(address) or "")


def test_a_public_address_is_not_refused():
    assert address_refusal("93.184.215.14") is None


def test_refusal_names_the_address_in_words():
    with pytest.raises(Refused) as refused:
        check_url("http://127.0.0.2/")
    assert str(refused.value) == "the address 127.0.0.2 is private"


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)", "//x"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(Refused, match="only http and https"):
        check_url(url)


def test_public_address_passes():
    assert resolve_checked("https://93.184.215.14/news", resolver=no_dns) == "93.184.215.14"


def test_name_resolving_to_a_private_address_is_refused():
    with pytest.raises(Refused, match=r"10\.1\.2\.3 is private"):
        resolve_checked("https://intranet.example/", resolver=lambda host, port: ["10.1.2.3"])


def test_name_with_one_private_address_among_public_ones_is_refused():
    with pytest.raises(Refused, match=r"127\.0\.0\.1"):
        resolve_checked("https://mixed.example/", resolver=lambda host, port: ["93.184.215.14", "127.0.0.1"])


def test_name_resolving_to_a_mapped_loopback_is_refused():
    with pytest.raises(Refused, match=r"carries 127\.0\.0\.1"):
        resolve_checked("https://sneaky.example/", resolver=lambda host, port: ["::ffff:127.0.0.1"])


def test_userinfo_does_not_hide_the_real_host():
    seen = []
    resolve_checked(
        "http://trusted.example@news.example/", resolver=lambda host, port: seen.append(host) or ["8.8.8.8"]
    )
    assert seen == ["news.example"]


def test_allowed_host_may_be_private():
    assert resolve_checked("http://127.0.0.2:8201/", allow_hosts=["127.0.0.2"], resolver=no_dns) == "127.0.0.2"
    address = resolve_checked("http://cms.intranet/", allow_hosts=["cms.intranet"], resolver=lambda h, p: ["10.0.0.7"])
    assert address == "10.0.0.7"


def test_allowing_one_loopback_address_does_not_allow_another_spelling_of_a_different_one():
    with pytest.raises(Refused):
        resolve_checked("http://2130706441/", allow_hosts=["127.0.0.2"], resolver=no_dns)  # 127.0.0.9


@pytest.mark.parametrize(
    ("spelling", "address"),
    [("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0177.0.0.01", "127.0.0.1"), ("10.1", "10.0.0.1"),
     ("192.168.257", "192.168.1.1"), ("8.8.8.8", "8.8.8.8")],
)  # fmt: skip
def test_ipv4_spellings_are_read_as_resolvers_read_them(spelling, address):
    assert str(parse_ipv4_spelling(spelling)) == address


@pytest.mark.parametrize("host", ["news.example", "1.2.3.4.5", "0x1g", "256.1.1.1", "example.123abc"])
def test_names_are_not_mistaken_for_addresses(host):
    assert parse_ipv4_spelling(host) is None


def test_normalised_url_drops_tracking_parameters_fragment_and_default_port():
    url = "HTTPS://News.Example:443/story?utm_source=x&b=2&fbclid=abc&a=1#comments"
    assert normalise_url(url) == "https://news.example/story?a=1&b=2"


@pytest.mark.parametrize("url", ["http://localhost:8000/", "https://admin.localhost/", "http://LOCALHOST/"])
def test_localhost_names_are_refused_without_a_lookup(url):
    with pytest.raises(Refused, match="is private"):
        check_url(url)
