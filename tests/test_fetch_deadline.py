"""A fetch honours its total time limit: one wall-clock deadline across connecting, redirects, the
headers and every read, however slowly the server trickles its bytes, reported as "no answer within
N s". Servers on 127.0.0.x (allowed by FACTCHECK_FETCH_ALLOW_HOSTS), addressed by IP; the wall time
is bounded generously (limit + 3 s): what a person waiting on the request would notice.
"""

import time

import pytest

from annotations.fetching.fetcher import FetchFailed

from . import test_fetching
from .test_fetching import fetch, post_and_run

# The fetching tests' servers and settings, as fixtures of this module too.
sites = test_fetching.sites
fetch_settings = test_fetching.fetch_settings


def _trickle(handler, data: bytes, every_s: float = 0.4) -> None:
    """Write `data` one byte at a time: each byte comes well within the socket timeout, the whole never."""
    try:
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(every_s)
    except OSError:
        pass  # the fetcher hung up, as it should


def test_a_body_trickled_byte_by_byte_is_cut_off_at_the_total_time_limit(sites):
    news, _, _ = sites

    def trickling(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        _trickle(handler, b"<html><body><p>" + b"x" * 200)

    news.routes["/trickle"] = (200, {}, trickling)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"^no answer within 1.5 s$"):
        fetch(news.base + "/trickle", timeout_s=1.5)
    assert time.monotonic() - started < 1.5 + 3


def test_headers_trickled_byte_by_byte_are_cut_off_at_the_total_time_limit(sites):
    news, _, _ = sites

    def trickling(handler):
        _trickle(handler, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"y" * 200)

    news.routes["/slow-headers"] = (200, {}, trickling)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"^no answer within 1.5 s$"):
        fetch(news.base + "/slow-headers", timeout_s=1.5)
    assert time.monotonic() - started < 1.5 + 3


def test_redirects_share_one_time_limit(sites):
    news, _, _ = sites

    def slow_redirect(handler):
        time.sleep(0.6)
        handler.send_response(302)
        handler.send_header("Location", f"/hop{int(handler.path[4:] or 0) + 1}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    for hop in range(6):
        news.routes[f"/hop{hop}"] = (302, {}, slow_redirect)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"^no answer within 1.5 s$"):
        fetch(news.base + "/hop0", timeout_s=1.5)
    assert time.monotonic() - started < 1.5 + 3


@pytest.mark.django_db
def test_a_trickling_page_fails_the_job_as_timed_out_within_the_limit(
    api, editor, sites, fetch_settings, django_capture_on_commit_callbacks
):
    news, _, _ = sites

    def trickling(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        _trickle(handler, b"<html><body>" + b"z" * 200, every_s=0.5)

    news.routes["/trickle"] = (200, {}, trickling)
    started = time.monotonic()
    response, _ = post_and_run(api, editor, {"url": news.base + "/trickle"}, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 2 + 3
    job = api(editor).get(f"/api/v1/articles/fetches/{response.json()['id']}/").json()
    assert (job["status"], job["error"]) == ("failed", "no answer within 2 s")
