"""Importing prior fact-checks from each way in: files (DataFeed, JSON Lines, CSV), fact-check pages and
feeds served by test servers on 127.0.0.x, the scheduled refresh's conditional GET (called directly, and
sent by a real `celery beat` to a real worker), and a huge feed streamed in flat memory."""

import io
import json
import tempfile
import tracemalloc

import pytest

from annotations.models import PriorFactCheck, PriorFactCheckChange, PriorImportJob
from annotations.priors import jobs, readers
from annotations.priors.importing import import_items
from annotations.priors.samples import write_datafeed

from .test_export_jobs import wait_for
from .test_fetching import ALLOWED, _free_site

ITALIAN_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://pagella.example.it/fact-checking/ponte-94-milioni",
    "claimReviewed": "Nel 2017 la regione ha speso 94 milioni di euro per il ponte",
    "author": {"@type": "Organization", "name": "Pagella Example", "url": "https://pagella.example.it"},
    "datePublished": "2023-05-02",
    "reviewRating": {"@type": "Rating", "alternateName": "Falso", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Mario Rossi"},
        "datePublished": "2023-04-30",
        "appearance": [{"@type": "CreativeWork", "url": "https://social.example/post/1"}],
    },
}


def review(number: int, **changes) -> dict:
    item = {
        "@type": "ClaimReview",
        "url": f"https://checker.example.org/check/{number}",
        "claimReviewed": f"The council spent {number} million on the harbour tunnel",
        "author": {"@type": "Organization", "name": "Checker Example"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "inLanguage": "en",
    }
    item.update(changes)
    return item


def datafeed(*items) -> bytes:
    feed = {"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": [i]} for i in items]}
    return json.dumps(feed).encode()


def run_file(content: bytes, name: str):
    kind = readers.detect_format(content[: readers.SNIFF_BYTES], name=name)
    return import_items(readers.read_items(io.BytesIO(content), kind), source_kind="file", source=name)


@pytest.mark.django_db
def test_a_datafeed_file_imports_every_claimreview_with_its_published_rating():
    counts = run_file(datafeed(ITALIAN_REVIEW, review(1)), "feed.json")
    prior = PriorFactCheck.objects.get(url=ITALIAN_REVIEW["url"])
    assert (counts.new, counts.refused) == (2, 0)
    assert (prior.rating_name, prior.rating_value, prior.best_rating, prior.worst_rating) == ("Falso", 1, 5, 1)
    assert (prior.publisher_name, prior.claim_author, str(prior.claim_date)) == (
        "Pagella Example", "Mario Rossi", "2023-04-30",
    )  # fmt: skip
    assert prior.appearance_urls == ["https://social.example/post/1"]


@pytest.mark.django_db
def test_a_missing_language_is_detected_from_the_claim():
    run_file(datafeed(ITALIAN_REVIEW), "feed.json")
    prior = PriorFactCheck.objects.get()
    assert (prior.language, prior.language_detected) == ("it", True)


@pytest.mark.django_db
def test_a_malformed_item_is_refused_with_its_reason_and_the_rest_are_imported():
    no_claim = review(2)
    del no_claim["claimReviewed"]
    counts = run_file(datafeed(review(1), no_claim, review(3, url="ftp://x"), review(4)), "feed.json")
    assert (counts.new, counts.refused) == (2, 2)
    assert [e["reason"] for e in counts.errors] == ["claimReviewed: missing", "url: not an http(s) URL (ftp://x)"]


@pytest.mark.django_db
def test_json_lines_import_refuses_a_broken_line_alone():
    lines = b"\n".join([json.dumps(review(1)).encode(), b"{not json", json.dumps(review(2)).encode()])
    counts = run_file(lines, "items.jsonl")
    assert (counts.new, counts.refused) == (2, 1)
    assert counts.errors[0]["item"] == 2


@pytest.mark.django_db
def test_fact_check_insights_csv_rows_are_imported_by_their_dotted_columns():
    csv_text = (
        "id,url,claimReviewed,reviewRating.alternateName,author.name,itemReviewed.author.name,datePublished\n"
        "a1,https://checker.example.org/csv/1,Vaccines contain microchips,Pants on Fire,PolitiFact Example,"
        "A blog,2021-02-03\n"
    )
    run_file(csv_text.encode(), "insights.csv")
    prior = PriorFactCheck.objects.get()
    assert (prior.rating_name, prior.publisher_name, prior.claim_author) == (
        "Pants on Fire", "PolitiFact Example", "A blog",
    )  # fmt: skip


@pytest.mark.django_db
def test_reimporting_the_same_feed_changes_nothing():
    run_file(datafeed(review(1), review(2)), "feed.json")
    counts = run_file(datafeed(review(1), review(2)), "feed.json")
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 2)
    assert PriorFactCheck.objects.count() == 2


@pytest.mark.django_db
def test_a_reimport_updates_the_fact_check_and_keeps_what_changed():
    run_file(datafeed(review(1)), "feed.json")
    counts = run_file(datafeed(review(1, reviewRating={"alternateName": "Mostly false"})), "feed.json")
    prior = PriorFactCheck.objects.get()
    assert (counts.updated, prior.rating_name) == (1, "Mostly false")
    assert PriorFactCheckChange.objects.get(prior=prior).changes == {"rating_name": ["False", "Mostly false"]}


@pytest.mark.django_db
def test_the_same_fact_check_url_with_tracking_parameters_is_one_fact_check():
    run_file(datafeed(review(1)), "feed.json")
    counts = run_file(datafeed(review(1, url="https://checker.example.org/check/1?utm_source=feed")), "feed.json")
    assert PriorFactCheck.objects.count() == 1
    assert counts.new == 0


@pytest.mark.django_db
def test_a_huge_feed_is_streamed_in_flat_memory():
    """Python's peak allocation importing 8,000 items (four batches) is about the same as importing 2,000
    (one): the feed is read element by element and stored batch by batch (bench/prior_import.py: 100,000)."""

    def peak(count: int) -> int:
        with tempfile.TemporaryFile("w+b") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8")
            write_datafeed(text, count)
            text.flush()
            text.detach()
            raw.seek(0)
            tracemalloc.start()
            counts = import_items(readers.read_items(raw, "datafeed"), source_kind="file", source="big.json")
            _, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert (counts.items, counts.refused) == (count, 0)
        return top

    small, large = peak(2_000), peak(8_000)
    assert large < small * 1.5 + 2_000_000, (small, large)


# ---------------------------------------------------------------- pages and feeds over HTTP

JSON_LD_PAGE = (
    "<html><head><script type='application/ld+json'>"
    + json.dumps({"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, [ITALIAN_REVIEW]]})
    + "</script></head><body><p>Fact-check</p></body></html>"
).encode()

MICRODATA_PAGE = b"""<html><body>
<div itemscope itemtype="https://schema.org/ClaimReview">
  <link itemprop="url" href="https://checker.example.org/micro/1">
  <span itemprop="claimReviewed">The tunnel cost 2 billion pounds</span>
  <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
    <span itemprop="name">Micro Checks</span></div>
  <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
    <span itemprop="alternateName">Misleading</span></div>
</div></body></html>"""

RDFA_PAGE = b"""<html><body vocab="https://schema.org/">
<div typeof="ClaimReview" resource="https://checker.example.org/rdfa/1">
  <a property="url" href="https://checker.example.org/rdfa/1">link</a>
  <span property="claimReviewed">Unemployment fell to 3 percent in 2019</span>
  <div property="reviewRating" typeof="Rating"><span property="alternateName">True</span></div>
  <div property="author" typeof="Organization"><span property="name">RDFa Checks</span></div>
</div></body></html>"""


@pytest.fixture
def site():
    server = _free_site("127.0.0.2")
    yield server
    server.close()


@pytest.fixture
def import_settings(settings):
    settings.FACTCHECK = {**settings.FACTCHECK, "FETCH_ALLOW_HOSTS": ALLOWED, "PRIOR_FEED_TIMEOUT_S": 5}
    return settings


def run_url(url: str, django_capture_on_commit_callbacks, **kwargs) -> PriorImportJob:
    with django_capture_on_commit_callbacks():
        job = jobs.start_import(created_by=None, url=url, **kwargs)
    jobs.run_import_job(str(job.pk))
    return PriorImportJob.objects.get(pk=job.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "url", "claim"),
    [
        (JSON_LD_PAGE, ITALIAN_REVIEW["url"], ITALIAN_REVIEW["claimReviewed"]),
        (MICRODATA_PAGE, "https://checker.example.org/micro/1", "The tunnel cost 2 billion pounds"),
        (RDFA_PAGE, "https://checker.example.org/rdfa/1", "Unemployment fell to 3 percent in 2019"),
    ],
    ids=["json-ld-graph", "microdata", "rdfa"],
)
def test_a_fact_check_page_is_read_from_its_markup(
    site, import_settings, django_capture_on_commit_callbacks, page, url, claim
):
    job = run_url(site.page("/check", page), django_capture_on_commit_callbacks)
    assert (job.status, job.new, job.error) == ("succeeded", 1, "")
    prior = PriorFactCheck.objects.get()
    assert (prior.url, prior.claim_reviewed, prior.source_kind) == (url, claim, "page")


@pytest.mark.django_db
def test_a_page_without_claimreview_fails_the_job_saying_so(site, import_settings, django_capture_on_commit_callbacks):
    job = run_url(
        site.page("/plain", b"<html><body><p>No markup</p></body></html>"), django_capture_on_commit_callbacks
    )
    assert (job.status, job.error) == ("failed", "the page has no ClaimReview markup")


@pytest.mark.django_db
def test_a_feed_url_is_imported_as_a_feed(site, import_settings, django_capture_on_commit_callbacks):
    url = site.page("/feed.json", datafeed(review(1), review(2)), content_type="application/json")
    job = run_url(url, django_capture_on_commit_callbacks)
    assert (job.status, job.new) == ("succeeded", 2)
    assert set(PriorFactCheck.objects.values_list("source_kind", flat=True)) == {"feed"}


@pytest.mark.django_db
def test_a_private_feed_address_is_refused_before_any_request(import_settings):
    from annotations.fetching.policy import Refused

    with pytest.raises(Refused):
        jobs.start_import(created_by=None, url="http://127.0.0.9/feed.json")


class ConditionalFeed:
    """A feed route (`site.routes[path] = (200, {}, feed)`) that answers a conditional GET as a web server
    does (RFC 9110): 304 while the client's If-None-Match names the current ETag or, when it sends none,
    its If-Modified-Since is the current Last-Modified. An empty `etag` sends none. Records each request's
    validators."""

    def __init__(self, body: bytes, *, etag: str, last_modified: str) -> None:
        self.requests: list[tuple[str | None, str | None]] = []  # (If-None-Match, If-Modified-Since)
        self.publish(body, etag=etag, last_modified=last_modified)

    def publish(self, body: bytes, *, etag: str, last_modified: str) -> None:
        self.current = (body, etag, last_modified)  # one assignment: a request sees one version or the next

    def __call__(self, handler) -> None:
        body, etag, last_modified = self.current
        validators = (handler.headers.get("If-None-Match"), handler.headers.get("If-Modified-Since"))
        self.requests.append(validators)
        if_none_match, if_modified_since = validators
        not_modified = if_none_match == etag if if_none_match else if_modified_since == last_modified
        handler.send_response(304 if not_modified else 200)
        if etag:
            handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", last_modified)
        if not_modified:
            handler.end_headers()
            return
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


MONDAY, TUESDAY = "Mon, 01 Jan 2024 08:00:00 GMT", "Tue, 02 Jan 2024 08:00:00 GMT"


@pytest.mark.django_db
def test_the_scheduled_refresh_sends_the_validators_and_a_304_imports_nothing(
    site, import_settings, django_capture_on_commit_callbacks
):
    feed = ConditionalFeed(datafeed(review(1)), etag='"v1"', last_modified=MONDAY)
    site.routes["/daily.json"] = (200, {}, feed)
    import_settings.FACTCHECK = {**import_settings.FACTCHECK, "PRIOR_FEEDS": [site.base + "/daily.json"]}
    for _ in range(2):
        with django_capture_on_commit_callbacks():
            (job,) = jobs.start_feed_refresh()
        jobs.run_import_job(str(job.pk))
    first, second = PriorImportJob.objects.order_by("created_at")
    assert feed.requests == [(None, None), ('"v1"', MONDAY)]
    assert (first.new, first.not_modified) == (1, False)
    assert (second.status, second.new, second.not_modified) == ("succeeded", 0, True)


@pytest.mark.django_db
def test_a_feed_that_drops_its_etag_is_asked_by_its_date_and_not_by_the_stale_etag(
    site, import_settings, django_capture_on_commit_callbacks
):
    feed = ConditionalFeed(datafeed(review(1)), etag='"v1"', last_modified=MONDAY)
    site.routes["/daily.json"] = (200, {}, feed)
    import_settings.FACTCHECK = {**import_settings.FACTCHECK, "PRIOR_FEEDS": [site.base + "/daily.json"]}

    def refresh() -> PriorImportJob:
        with django_capture_on_commit_callbacks():
            (job,) = jobs.start_feed_refresh()
        jobs.run_import_job(str(job.pk))
        return PriorImportJob.objects.get(pk=job.pk)

    refresh()
    feed.publish(datafeed(review(1), review(2)), etag="", last_modified=TUESDAY)
    assert refresh().new == 1
    assert refresh().not_modified
    assert feed.requests[-1] == (None, TUESDAY)


def imported_fact_checks() -> list[tuple]:
    return list(PriorFactCheck.objects.values_list("url", "rating_name", "content_hash", "updated_at"))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_celery_beat_refreshes_the_feed_and_only_a_changed_feed_changes_the_fact_checks(
    site, celery_workers, celery_beat
):
    """No one calls anything: a real `celery beat` (every half second) and a real worker keep the feed current."""
    feed = ConditionalFeed(datafeed(review(1), review(2)), etag='"v1"', last_modified=MONDAY)
    site.routes["/daily.json"] = (200, {}, feed)
    env = {"FACTCHECK_PRIOR_FEEDS": site.base + "/daily.json", "FACTCHECK_FETCH_ALLOW_HOSTS": ",".join(ALLOWED),
           "FACTCHECK_PRIOR_FEED_TIMEOUT_S": 5}  # fmt: skip
    beat = celery_beat(ready=False, FACTCHECK_PRIOR_FEEDS_REFRESH_S=0.5, **env)
    celery_workers(**env)  # the refreshes beat sends meanwhile wait for it in the broker
    beat.wait_ready()

    first = wait_for(lambda: PriorImportJob.objects.filter(status="succeeded", new=2).first(), timeout=30)
    imported = imported_fact_checks()
    assert [url for url, *_ in imported] == [review(1)["url"], review(2)["url"]]

    wait_for(lambda: PriorImportJob.objects.filter(status="succeeded", not_modified=True).exists(), timeout=30)
    assert feed.requests[0] == (None, None)
    assert ('"v1"', MONDAY) in feed.requests
    assert imported_fact_checks() == imported
    refreshed = PriorImportJob.objects.exclude(pk=first.pk).filter(finished_at__isnull=False)
    assert set(refreshed.values_list("status", "new", "updated", "not_modified")) == {("succeeded", 0, 0, True)}

    feed.publish(datafeed(review(1, reviewRating={"alternateName": "Mostly false"}), review(2)),
                 etag='"v2"', last_modified=TUESDAY)  # fmt: skip
    changed = wait_for(lambda: PriorImportJob.objects.filter(status="succeeded", updated=1).first(), timeout=30)
    assert (changed.new, changed.unchanged) == (0, 1)
    prior = PriorFactCheck.objects.get(url=review(1)["url"])
    assert PriorFactCheckChange.objects.get().changes == {"rating_name": ["False", "Mostly false"]}
    assert prior.rating_name == "Mostly false"
    wait_for(lambda: ('"v2"', TUESDAY) in feed.requests, timeout=30)  # the next refresh asks with the new ETag
    assert list(PriorImportJob.objects.filter(updated__gt=0)) == [changed]
