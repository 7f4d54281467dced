"""JSON Lines, schema.org ClaimReview and W3C Web Annotation exports."""

import io
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from annotations.exports.claimreview import write_claimreview
from annotations.exports.csv import Progress
from annotations.exports.filters import parse_filters
from annotations.exports.jsonl import write_jsonl
from annotations.exports.webannotation import write_webannotation
from annotations.models import Publication

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

EVIDENCE = [{"url": "https://stats.example.org/vote", "title": "Minutes", "stance": "refutes"}]


@pytest.fixture
def published(editor, reviewer):
    article = ArticleFactory(title="Council vote", url="https://news.example.org/vote", language="en")
    claim = ClaimFactory(article=article, exact="voted 31 to 12", claimant="=Mayor Rossi", claim_date="2024-03-05")
    annotation = make_annotation(claim, reviewer, key="mostly-false", rationale="It was 30 to 12.", evidence=EVIDENCE)
    publish(annotation, editor)
    return claim


def export(writer, **params) -> bytes:
    out = io.BytesIO()
    writer(parse_filters(params), out.write, connection=connection, progress=Progress())
    return out.getvalue()


@override_settings(
    FACTCHECK={
        **settings.FACTCHECK,
        "ORGANIZATION_NAME": "Porthaven Checks",
        "ORGANIZATION_URL": "https://checks.example/",
    }
)
def test_claimreview_has_the_schema_org_fields(published):
    document = json.loads(export(write_claimreview))
    (review,) = document["@graph"]
    publication = Publication.objects.get(claim=published)

    assert document["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "voted 31 to 12"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["author"]["name"] == "=Mayor Rossi"  # JSON is not a spreadsheet: no apostrophe
    assert review["itemReviewed"]["datePublished"] == "2024-03-05"
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example.org/vote"
    assert review["author"] == {"@type": "Organization", "name": "Porthaven Checks", "url": "https://checks.example/"}
    assert review["url"] == f"https://checks.example/claims/{published.pk}/"
    assert review["datePublished"] == publication.created_at.date().isoformat()
    assert review["inLanguage"] == "en"


def test_jsonl_has_one_typed_object_per_published_verdict(published):
    (line,) = export(write_jsonl).decode().splitlines()
    record = json.loads(line)
    assert record["claim_id"] == published.pk
    assert record["verdict"] == "mostly-false" and record["rating_value"] == 2
    assert record["claimant"] == "=Mayor Rossi"
    assert record["evidence_urls"] == ["https://stats.example.org/vote"]
    assert record["evidence"][0]["title"] == "Minutes"
    assert record["approved_by"] == "editor"


def test_web_annotation_targets_the_claim_with_both_selectors(published):
    document = json.loads(export(write_webannotation))
    (annotation,) = document["first"]["items"]
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection" and document["total"] == 1
    assert annotation["type"] == "Annotation" and annotation["motivation"] == "assessing"
    assert annotation["target"]["source"] == "https://news.example.org/vote"
    position, quote = annotation["target"]["selector"]
    assert position == {"type": "TextPositionSelector", "start": published.start, "end": published.end}
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "voted 31 to 12"
    assert quote["prefix"] == published.prefix and quote["suffix"] == published.suffix
    purposes = [body.get("purpose") for body in annotation["body"]]
    assert purposes == ["assessing", "classifying", "commenting", "linking"]
    assert annotation["body"][0]["value"] == "Mostly false"


def test_claimreview_job_for_all_versions_is_refused(api, editor):
    response = api(editor).post(
        "/api/v1/exports/", {"format": "claimreview", "filters": {"versions": "all"}}, format="json"
    )
    assert response.status_code == 400
    assert "versions" in response.json()["filters"]


def test_empty_claimreview_export_is_valid_json(db):
    assert json.loads(export(write_claimreview))["@graph"] == []
