"""Every kind of bad input is answered with a 4xx naming the field, and nothing is written."""

import datetime

import pytest

from annotations.models import Article, Claim

from .factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

GOOD_ARTICLE = {
    "title": "Council approves tram extension",
    "body": "The council voted 31 to 12 on Tuesday.",
    "url": "https://news.example.org/tram",
    "language": "en",
    "published_at": "2026-03-14T09:30:00Z",
}
MISSING = object()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", MISSING),
        ("title", ""),
        ("title", "   \n"),
        ("title", None),
        ("title", ["a", "list"]),
        ("title", "x" * 501),
        ("body", MISSING),
        ("body", ""),
        ("body", " \n\t "),
        ("body", "NUL \x00 byte"),
        ("language", MISSING),
        ("language", ""),
        ("language", "english"),
        ("language", "xx-YY"),
        ("url", "not a url"),
        ("url", "javascript:alert(1)"),
        ("publisher", "p" * 201),
        ("published_at", "yesterday"),
        ("published_at", "2026-13-45"),
        ("published_at", "2999-01-01T00:00:00Z"),
        ("published_at", 20260314),
    ],
)
def test_bad_article_field_is_refused_with_400_naming_it(api, editor, field, value):
    payload = {**GOOD_ARTICLE, field: value}
    if value is MISSING:
        del payload[field]
    response = api(editor).post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()[field]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", " "), ("body", ""), ("language", "klingon!"), ("url", "ftp//x"), ("published_at", "soon")],
)
def test_bad_article_update_is_refused_and_nothing_changes(api, editor, field, value):
    article = ArticleFactory()
    before = Article.objects.values().get(pk=article.pk)
    response = api(editor).patch(f"/api/v1/articles/{article.pk}/", {field: value, "publisher": "New"}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Article.objects.values().get(pk=article.pk) == before


POSITION = "TextPositionSelector"
QUOTE = "TextQuoteSelector"


@pytest.mark.parametrize(
    ("selector", "field"),
    [
        (MISSING, "selector"),
        ("voted 31 to 12", "selector"),
        (42, "selector"),
        (None, "selector"),
        ([], "selector"),
        ([42], "selector[0].type"),
        ([{"exact": "voted"}], "selector[0].type"),
        ([{"type": "XPathSelector", "value": "/p[1]"}], "selector[0].type"),
        ([{"type": QUOTE, "exact": "council"}, {"type": QUOTE, "exact": "voted"}], "selector[1].type"),
        ([{"type": POSITION, "start": -1, "end": 3}], "selector.start"),
        ([{"type": POSITION, "start": "0", "end": 3}], "selector.start"),
        ([{"type": POSITION, "start": True, "end": 3}], "selector.start"),
        ([{"type": POSITION, "start": 1.5, "end": 3}], "selector.start"),
        ([{"type": POSITION, "start": 0}], "selector.end"),
        ([{"type": POSITION, "start": 5, "end": 5}], "selector.end"),
        ([{"type": POSITION, "start": 5, "end": 2}], "selector.end"),
        ([{"type": POSITION, "start": 0, "end": 10_000}], "selector.end"),
        ([{"type": POSITION, "start": 10**30, "end": 10**30 + 1}], "selector.end"),
        ([{"type": QUOTE}], "selector.exact"),
        ([{"type": QUOTE, "exact": "  "}], "selector.exact"),
        ([{"type": QUOTE, "exact": ["voted"]}], "selector.exact"),
        ([{"type": QUOTE, "exact": "voted", "prefix": 3}], "selector.prefix"),
        ([{"type": QUOTE, "exact": "not in the text"}], "selector.exact"),
        ([{"type": POSITION, "start": 0, "end": 3}, {"type": QUOTE, "exact": "voted"}], "selector"),
    ],
)
def test_bad_selector_is_refused_with_400_naming_it(api, reviewer, selector, field):
    article = ArticleFactory()
    payload = {"claimant": "City council"} if selector is MISSING else {"selector": selector}
    response = api(reviewer).post(f"/api/v1/articles/{article.pk}/claims/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("claim_date", "last week"), ("claim_date", "2026-02-30"), ("claimant", "c" * 301), ("statement", "a\x00b")],
)
def test_bad_claim_field_is_refused_with_400_naming_it(api, reviewer, field, value):
    article = ArticleFactory()
    payload = {"selector": [{"type": QUOTE, "exact": "voted 31 to 12"}], field: value}
    response = api(reviewer).post(f"/api/v1/articles/{article.pk}/claims/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Claim.objects.exists()


def test_bad_claim_update_is_refused_and_nothing_changes(api, editor):
    claim = ClaimFactory()
    response = api(editor).patch(
        f"/api/v1/claims/{claim.pk}/", {"claimant": "Mayor", "claim_date": "not a date"}, format="json"
    )
    assert response.status_code == 400
    assert "claim_date" in response.json()
    claim.refresh_from_db()
    assert claim.claimant == "City council"


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status"),
    [
        ("/api/v1/articles/", b"{not json", "application/json", 400),
        ("/api/v1/articles/", b"title=x&body=y", "text/csv", 415),
        ("/api/v1/articles/", b"<article/>", "application/xml", 415),
        ("/api/v1/articles/import/", b"{not json", "application/json", 400),
        ("/api/v1/articles/import/", b"<articles/>", "application/xml", 415),
        ("/api/v1/articles/import/", b"\xff\xfe\x00bad", "application/x-ndjson", 400),
        ("/api/v1/articles/import/", b"[1, 2]", "application/json", 400),
        ("/api/v1/articles/import/", b'[{"title": "x"', "application/x-ndjson", 400),
    ],
)
def test_unreadable_request_bodies_are_refused_with_a_reason(api, editor, path, body, content_type, status):
    response = api(editor).post(path, body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not Article.objects.exists()


def test_unreadable_claim_body_is_refused_with_400(api, reviewer):
    article = ArticleFactory()
    response = api(reviewer).post(f"/api/v1/articles/{article.pk}/claims/", b"[{", content_type="application/json")
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_import_record_that_is_not_an_object_is_named(api, editor):
    response = api(editor).post("/api/v1/articles/import/", [GOOD_ARTICLE, "just text"], format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 2, "field": "record", "message": "Expected a JSON object."}]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/articles/?published_after=someday", "published_after"),
        ("/api/v1/claims/?article=abc", "article"),
    ],
)
def test_bad_filter_values_are_refused_with_400_naming_them(api, viewer, path, param):
    response = api(viewer).get(path)
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize("path", ["/api/v1/articles/abc/", "/api/v1/articles/abc/claims/", "/api/v1/claims/abc/"])
def test_non_numeric_ids_are_404(api, editor, path):
    assert api(editor).get(path).status_code == 404


def test_instant_with_an_offset_postgresql_refuses_is_compared_in_utc(api, viewer):
    """Python accepts offsets up to 24 hours, PostgreSQL only up to 15:59: found by schemathesis as a 500."""
    ArticleFactory(published_at=datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC))

    later = api(viewer).get("/api/v1/articles/", {"published_after": "2026-03-14T11:14:39-21:17"})
    csv = api(viewer).get("/api/v1/exports/verdicts.csv", {"as_of": "2026-03-14T11:14:39-21:17"})

    assert (later.status_code, len(later.json()["results"])) == (200, 1)
    assert csv.status_code == 200
    csv.close()  # a streamed export holds its slot until closed
