"""List and export filters with values that can tell right from wrong: dates a day apart, published
and unpublished claims, two languages, articles published on different days."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from annotations import review

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
WEDNESDAY = datetime.datetime(2026, 3, 4, 15, 0, tzinfo=datetime.UTC)


def at(monkeypatch, instant: datetime.datetime) -> None:
    """Make the services' clock read `instant` (they stamp rows with django.utils.timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: instant)


def export(client, **params) -> list[dict]:
    response = client.get("/api/v1/exports/verdicts.csv", params)
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def annotated_monday_approved_wednesday(monkeypatch, editor, reviewer):
    claim = ClaimFactory()
    at(monkeypatch, MONDAY)
    annotation = make_annotation(claim, reviewer, key="false")
    review.submit(annotation, actor=reviewer)
    at(monkeypatch, WEDNESDAY)
    review.approve(annotation, actor=editor)
    monkeypatch.undo()
    return annotation


def test_published_export_filters_on_the_approval_day_not_the_annotation_day(
    api, editor, annotated_monday_approved_wednesday
):
    client = api(editor)
    assert [row["approved_at"] for row in export(client, date_from="2026-03-04", date_to="2026-03-04")] == [
        "2026-03-04T15:00:00.000000Z"
    ]
    assert export(client, date_from="2026-03-02", date_to="2026-03-02") == []


def test_all_versions_export_filters_on_the_annotation_day_not_the_approval_day(
    api, editor, annotated_monday_approved_wednesday
):
    client = api(editor)
    rows = export(client, versions="all", date_from="2026-03-02", date_to="2026-03-02")
    assert [row["annotated_at"] for row in rows] == ["2026-03-02T10:00:00.000000Z"]
    assert export(client, versions="all", date_from="2026-03-04", date_to="2026-03-04") == []


def test_date_range_with_instants_cuts_inside_a_day(api, editor, annotated_monday_approved_wednesday):
    client = api(editor)
    assert len(export(client, date_from="2026-03-04T14:59:00Z", date_to="2026-03-04T15:01:00Z")) == 1
    assert export(client, date_from="2026-03-04T15:00:01Z") == []


def test_claims_published_filter_splits_published_from_unpublished(api, viewer, editor, reviewer):
    article = ArticleFactory()
    published = ClaimFactory(article=article, exact="voted 31 to 12")
    publish(make_annotation(published, reviewer), editor)
    draft = ClaimFactory(article=article, exact="fully funded")
    make_annotation(draft, reviewer)
    bare = ClaimFactory(article=article, exact="on Tuesday")
    client = api(viewer)

    yes = client.get("/api/v1/claims/", {"published": "true"}).json()["results"]
    no = client.get("/api/v1/claims/", {"published": "false"}).json()["results"]
    assert [item["id"] for item in yes] == [published.pk]
    assert sorted(item["id"] for item in no) == sorted([draft.pk, bare.pk])


def test_claims_language_filter_follows_the_articles_language(api, viewer):
    english = ClaimFactory(article=ArticleFactory(language="en"))
    italian = ClaimFactory(
        article=ArticleFactory(language="it", body="Nel 2017 sono stati spesi 94mil dollari."),
        exact="94mil dollari",
    )
    client = api(viewer)
    assert [c["id"] for c in client.get("/api/v1/claims/", {"language": "it"}).json()["results"]] == [italian.pk]
    assert [c["id"] for c in client.get("/api/v1/claims/", {"language": "en"}).json()["results"]] == [english.pk]


def test_article_date_filters_pick_articles_by_publication_instant(api, viewer):
    early = ArticleFactory(title="Early", published_at=MONDAY)
    late = ArticleFactory(title="Late", published_at=WEDNESDAY)
    ArticleFactory(title="Undated", published_at=None)
    client = api(viewer)

    def titles(**params):
        return sorted(a["title"] for a in client.get("/api/v1/articles/", params).json()["results"])

    assert titles(published_after="2026-03-03T00:00:00Z") == ["Late"]
    assert titles(published_before="2026-03-03T00:00:00Z") == ["Early"]
    assert titles(published_after=MONDAY.isoformat(), published_before=WEDNESDAY.isoformat()) == ["Early"]
    assert early.pk != late.pk
