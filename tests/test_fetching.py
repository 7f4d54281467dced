"""Fetching articles by URL, against HTTP servers this test starts on 127.0.0.x (never beyond loopback).

127.0.0.2 and 127.0.0.3 stand for news sites (allowed by FACTCHECK_FETCH_ALLOW_HOSTS, as an
intranet CMS would be); 127.0.0.9 stands for a private host that must never receive a request,
not directly, not through a redirect, not under another spelling of its address.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from annotations.fetching import jobs
from annotations.fetching.extraction import extract_article
from annotations.fetching.fetcher import FetchFailed, fetch_page
from annotations.models import Article, FetchJob

from .factories import ClaimFactory

PAGES = Path(__file__).parent / "pages"
NEWS_HTML = (PAGES / "news.html").read_bytes()
ITALIAN_HTML = (PAGES / "italian.html").read_bytes()
ALLOWED = ["127.0.0.2", "127.0.0.3"]


class Site:
    """A tiny HTTP server: `routes[path] = (status, headers, body or callable)`; records every request."""

    def __init__(self, address: str, port: int):
        self.routes: dict[str, tuple] = {}
        self.requests: list[tuple[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append((self.path, self.headers.get("Host", "")))
                status, headers, body = site.routes.get(
                    self.path.split("?")[0], (404, {"Content-Type": "text/plain"}, b"none")
                )
                if callable(body):
                    body(self)
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, client: None  # a client hanging up mid-page is expected
        self.base = f"http://{address}:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, body: bytes = NEWS_HTML, content_type: str = "text/html; charset=utf-8", status=200):
        self.routes[path] = (status, {"Content-Type": content_type}, body)
        return self.base + path

    def redirect(self, path: str, location: str, status: int = 302):
        self.routes[path] = (status, {"Location": location}, b"")
        return self.base + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _free_site(address: str, ports=range(8200, 8300)) -> Site:
    for port in ports:
        try:
            return Site(address, port)
        except OSError:
            continue
    raise RuntimeError(f"no free port in 8200-8299 on {address}")


@pytest.fixture
def sites():
    news, other, private = _free_site("127.0.0.2"), _free_site("127.0.0.3"), _free_site("127.0.0.9")
    private.page("/", b"<html><body><p>secret internal page</p></body></html>")
    private.page("/admin", b"<html><body><p>secret internal page</p></body></html>")
    yield news, other, private
    assert private.requests == [], "the private host was reached"
    for site in (news, other, private):
        site.close()


def fetch(url, **options):
    return fetch_page(url, **{"allow_hosts": ALLOWED, "timeout_s": 2, "max_bytes": 200_000, **options})


def test_fetches_an_html_page_from_an_allowed_host(sites):
    news, _, _ = sites
    page = fetch(news.page("/story"))
    assert page.html == NEWS_HTML
    assert len(page.sha256) == 64


def test_private_host_is_refused_before_any_request(sites):
    _, _, private = sites
    with pytest.raises(FetchFailed, match=r"the address 127\.0\.0\.9 is private"):
        fetch(private.base + "/admin")


@pytest.mark.parametrize(
    "spelling", ["2130706441", "0x7f000009", "0177.0.0.011", "127.0.9", "[::ffff:127.0.0.9]", "[::ffff:7f00:9]"]
)
def test_private_host_under_another_spelling_is_refused(sites, spelling):
    _, _, private = sites
    port = private.base.rsplit(":", 1)[1]
    with pytest.raises(FetchFailed, match="is private"):
        fetch(f"http://{spelling}:{port}/admin")


def test_redirect_to_the_private_host_is_refused(sites):
    news, _, private = sites
    with pytest.raises(FetchFailed, match=r"127\.0\.0\.9 is private"):
        fetch(news.redirect("/moved", private.base + "/admin"))


def test_redirect_to_another_spelling_of_the_private_host_is_refused(sites):
    news, other, private = sites
    port = private.base.rsplit(":", 1)[1]
    hop = other.redirect("/hop", f"http://2130706441:{port}/admin", status=301)
    with pytest.raises(FetchFailed, match="is private"):
        fetch(news.redirect("/start", hop))


def test_redirects_between_allowed_hosts_are_followed(sites):
    news, other, _ = sites
    target = other.page("/final")
    page = fetch(news.redirect("/a", target))
    assert page.url == target


def test_more_than_five_redirects_fail(sites):
    news, _, _ = sites
    for index in range(7):
        news.redirect(f"/r{index}", f"/r{index + 1}")
    with pytest.raises(FetchFailed, match="more than 5 redirects"):
        fetch(news.base + "/r0")


def test_a_name_is_connected_at_the_checked_address_with_its_own_host_header(sites):
    news, _, _ = sites
    port = news.base.rsplit(":", 1)[1]
    news.page("/named")
    fetch_page(
        f"http://coastal-ledger.test:{port}/named",
        allow_hosts=["127.0.0.2"],
        timeout_s=2,
        resolver=lambda host, p: ["127.0.0.2"],
    )
    assert news.requests[-1] == ("/named", f"coastal-ledger.test:{port}")


def test_a_name_resolving_to_the_private_host_is_refused(sites):
    _, _, private = sites
    port = private.base.rsplit(":", 1)[1]
    with pytest.raises(FetchFailed, match=r"127\.0\.0\.9 is private"):
        fetch(f"http://intranet.test:{port}/admin", resolver=lambda host, p: ["127.0.0.9"])


def test_pdf_is_refused_as_not_html(sites):
    news, _, _ = sites
    with pytest.raises(FetchFailed, match=r"^not an HTML page \(application/pdf\)$"):
        fetch(news.page("/report.pdf", b"%PDF-1.7", "application/pdf"))


def test_page_over_the_byte_limit_fails_in_words(sites):
    news, _, _ = sites
    with pytest.raises(FetchFailed, match=r"^the page is larger than 5 MB$"):
        fetch(news.page("/big", b"<p>" + b"x" * 6_000_000), max_bytes=5_000_000)


def test_page_without_length_is_cut_off_at_the_limit(sites):
    news, _, _ = sites

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(1000):
                handler.wfile.write(b"<p>" + b"y" * 10_000 + b"</p>")
        except OSError:
            pass

    news.routes["/stream"] = (200, {}, endless)
    with pytest.raises(FetchFailed, match=r"larger than 0\.1 MB"):
        fetch(news.base + "/stream", max_bytes=100_000)


def test_silent_server_times_out_in_words(sites):
    news, _, _ = sites

    def silent(handler):
        time.sleep(2)

    news.routes["/slow"] = (200, {}, silent)
    with pytest.raises(FetchFailed, match=r"^no answer within 0.5 s$"):
        fetch(news.base + "/slow", timeout_s=0.5)


def test_server_error_is_reported(sites):
    news, _, _ = sites
    with pytest.raises(FetchFailed, match="the server answered 404"):
        fetch(news.base + "/missing")


# ---------------------------------------------------------------- extraction


def test_news_page_text_leaves_navigation_cookie_banner_related_links_and_footer_out():
    article = extract_article(NEWS_HTML, "https://www.coastal-ledger.example/tram")
    assert "The city council voted 31 to 12 on Tuesday" in article.body
    assert "autumn of 2029" in article.body
    for chrome in ("cookies", "Politics", "Related stories", "Bus fares", "Copyright", "Privacy policy"):
        assert chrome not in article.body


def test_json_ld_graph_gives_title_author_publisher_date_and_language():
    article = extract_article(NEWS_HTML, "https://www.coastal-ledger.example/tram")
    assert article.title == "Council approves tram extension after late-night vote"
    assert article.author == "Maria Keane"
    assert article.publisher == "The Coastal Ledger"
    assert article.language == "en-GB"
    assert article.published_at.isoformat() == "2026-03-14T09:30:00+01:00"
    assert article.canonical_url == "https://www.coastal-ledger.example/2026/03/tram-extension"


def test_italian_page_without_a_language_tag_is_detected_as_italian():
    article = extract_article(ITALIAN_HTML, "https://gazzetta.example/campagna")
    assert article.language == "it"
    assert "sono stati spesi 94 milioni di dollari" in article.body
    assert article.publisher == "Gazzetta di Valdora"
    assert "Prima pagina" not in article.body


# ---------------------------------------------------------------- fetch jobs and the API

FETCH = "/api/v1/articles/fetch/"


@pytest.fixture
def fetch_settings(settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED, "FETCH_TIMEOUT_S": 2}
    return settings


def post_and_run(api, user, payload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api(user).post(FETCH, payload, format="json")
    if response.status_code == 202:
        jobs.run_fetch_job(response.json()["id"])
    return response, callbacks


@pytest.mark.django_db
def test_fetch_by_url_creates_the_article_from_the_page(
    api, editor, sites, fetch_settings, django_capture_on_commit_callbacks
):
    news, _, _ = sites
    url = news.page("/tram") + "?utm_source=newsletter"
    response, callbacks = post_and_run(api, editor, {"url": url}, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert len(callbacks) == 1  # the task is enqueued once the job is committed
    job = api(editor).get(f"/api/v1/articles/fetches/{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job
    article = Article.objects.get(pk=job["article"])
    assert article.title == "Council approves tram extension after late-night vote"
    assert article.language == "en-GB"
    assert article.url == "https://www.coastal-ledger.example/2026/03/tram-extension"
    (revision,) = article.revisions.all()
    assert revision.source == "fetched"
    assert len(revision.html_sha256) == 64


@pytest.mark.django_db
def test_a_literal_private_address_is_refused_at_once_with_400(api, editor, sites, fetch_settings):
    _, _, private = sites
    response = api(editor).post(FETCH, {"url": private.base + "/admin"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"url": ["the address 127.0.0.9 is private"]}
    assert not FetchJob.objects.exists()


@pytest.mark.django_db
def test_a_non_http_scheme_is_refused_with_400(api, editor):
    response = api(editor).post(FETCH, {"url": "ftp://files.example/article.html"}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()


@pytest.mark.django_db
def test_a_url_already_imported_is_409_naming_the_article(api, editor):
    claim = ClaimFactory()
    article = claim.article
    response = api(editor).post(FETCH, {"url": article.url + "?utm_campaign=x&fbclid=1"}, format="json")
    assert response.status_code == 409
    assert response.json()["article"] == article.pk
    assert response.json()["field"] == "url"


@pytest.mark.django_db
def test_a_page_whose_canonical_url_is_already_imported_fails_naming_the_article(
    api, editor, sites, fetch_settings, django_capture_on_commit_callbacks
):
    news, _, _ = sites
    first, _ = post_and_run(api, editor, {"url": news.page("/one")}, django_capture_on_commit_callbacks)
    second, _ = post_and_run(api, editor, {"url": news.page("/two")}, django_capture_on_commit_callbacks)
    article_id = FetchJob.objects.get(pk=first.json()["id"]).article_id
    job = FetchJob.objects.get(pk=second.json()["id"])
    assert job.status == "failed"
    assert f"article {article_id}" in job.error
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_fetch_says_why_and_creates_nothing(
    api, editor, sites, fetch_settings, django_capture_on_commit_callbacks
):
    news, _, _ = sites
    url = news.page("/report.pdf", b"%PDF-1.7", "application/pdf")
    response, _ = post_and_run(api, editor, {"url": url}, django_capture_on_commit_callbacks)
    job = api(editor).get(f"/api/v1/articles/fetches/{response.json()['id']}/").json()
    assert (job["status"], job["error"], job["article"]) == ("failed", "not an HTML page (application/pdf)", None)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_refetch_of_a_changed_page_adds_a_revision_and_reanchors(
    api, editor, sites, fetch_settings, django_capture_on_commit_callbacks
):
    news, _, _ = sites
    response, _ = post_and_run(api, editor, {"url": news.page("/tram")}, django_capture_on_commit_callbacks)
    article = Article.objects.get(pk=FetchJob.objects.get(pk=response.json()["id"]).article_id)
    claim = ClaimFactory(article=article, exact="voted 31 to 12")
    news.page(
        "/tram", NEWS_HTML.replace(b"<p>The city council", b"<p>Update: the vote was confirmed.</p><p>The city council")
    )
    article.url = news.base + "/tram"
    article.save()
    with django_capture_on_commit_callbacks():
        refetch = api(editor).post(f"/api/v1/articles/{article.pk}/refetch/")
    assert refetch.status_code == 202
    jobs.run_fetch_job(refetch.json()["id"])
    job = FetchJob.objects.get(pk=refetch.json()["id"])
    assert (job.status, job.revision) == ("succeeded", 2)
    claim.refresh_from_db()
    assert claim.anchor_status == "moved"
    assert Article.objects.get(pk=article.pk).body[claim.start : claim.end] == "voted 31 to 12"


@pytest.mark.django_db
def test_reviewers_cannot_fetch_articles(api, reviewer):
    assert api(reviewer).post(FETCH, {"url": "https://news.example/a"}, format="json").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_fetch_job_runs_on_a_real_worker(api, editor, sites, settings, celery_workers):
    news, _, _ = sites
    settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED}
    celery_workers(FACTCHECK_FETCH_ALLOW_HOSTS=",".join(ALLOWED))
    response = api(editor).post(FETCH, {"url": news.page("/worker")}, format="json")
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    job = response.json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = api(editor).get(f"/api/v1/articles/fetches/{job['id']}/").json()
    assert job["status"] == "succeeded", job
    assert Article.objects.get(pk=job["article"]).revisions.get().source == "fetched"
