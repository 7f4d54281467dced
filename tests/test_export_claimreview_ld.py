"""ClaimReview read as linked data: expanded with pyld against schema.org's own context (vendored, offline).

A term schema.org does not define would still expand (the context has an `@vocab`), so the test
also checks every predicate and type against the terms the context defines.
"""

import io
import json
from pathlib import Path

import pytest
from django.db import connection
from pyld import jsonld

from annotations.exports.claimreview import write_claimreview
from annotations.exports.csv import Progress
from annotations.exports.filters import parse_filters

from .factories import ArticleFactory, ClaimFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

CONTEXT_FILE = Path(__file__).parent / "vendor" / "schemaorg" / "schemaorgcontext-30.0.jsonld"
CONTEXT = json.loads(CONTEXT_FILE.read_text())
SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def offline_loader(url, options=None):
    """schema.org's context from the vendored file; any other URL is refused (tests stay on loopback)."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org", "https://schema.org/docs/jsonldcontext.jsonld"):
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}
    raise jsonld.JsonLdError(f"No network in tests: {url}", "jsonld.LoadDocumentError", code="loading document failed")


def triples(document: dict) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) with blank nodes named by their type, for comparison."""
    dataset = jsonld.to_rdf(document, {"documentLoader": offline_loader})
    quads = dataset["@default"]
    types = {q["subject"]["value"]: q["object"]["value"] for q in quads if q["predicate"]["value"] == RDF_TYPE}

    def name(node):
        value = node["value"]
        return f"_:{types.get(value, '?').removeprefix(SCHEMA)}" if node["type"] == "blank node" else value

    return {(name(q["subject"]), q["predicate"]["value"].removeprefix(SCHEMA), name(q["object"])) for q in quads}


@pytest.fixture
def reviews(editor, reviewer):
    article = ArticleFactory(title="Council vote", url="https://news.example.org/vote", language="en")
    pasted = ArticleFactory(title="Pasted", url="", body="Nothing to see here, they said twice.", language="it")
    rated = ClaimFactory(article=article, exact="voted 31 to 12", claimant="Mayor Rossi", claim_date="2024-03-05")
    unrated = ClaimFactory(article=pasted, exact="Nothing to see", claimant="")
    publish(make_annotation(rated, reviewer, key="mostly-false", rationale="It was 30 to 12."), editor)
    publish(make_annotation(unrated, reviewer, key="unproven", rationale="No record."), editor)
    return rated, pasted


def export(**kwargs) -> dict:
    out = io.BytesIO()
    write_claimreview(parse_filters({}), out.write, connection=connection, progress=Progress(), **kwargs)
    return json.loads(out.getvalue())


def test_claimreview_expands_to_the_expected_schema_org_triples(reviews, settings):
    rated, _ = reviews
    settings.FACTCHECK = {**settings.FACTCHECK, "ORGANIZATION_URL": "https://checks.example/"}
    found = triples(export())
    review = f"https://checks.example/claims/{rated.pk}/"
    # The review is named by its url only through `url`, so its triples hang on a blank node.
    expected = {
        ("_:ClaimReview", "url", review),
        ("_:ClaimReview", "claimReviewed", "voted 31 to 12"),
        ("_:ClaimReview", "reviewRating", "_:Rating"),
        ("_:ClaimReview", "itemReviewed", "_:Claim"),
        ("_:ClaimReview", "author", "_:Organization"),
        ("_:ClaimReview", "reviewBody", "It was 30 to 12."),
        ("_:Rating", "alternateName", "Mostly false"),
        ("_:Rating", "ratingValue", "2"),
        ("_:Rating", "bestRating", "5"),
        ("_:Rating", "worstRating", "1"),
        ("_:Claim", "author", "_:Person"),
        ("_:Person", "name", "Mayor Rossi"),
        ("_:Claim", "datePublished", "2024-03-05"),
        ("_:Claim", "appearance", "_:CreativeWork"),
        ("_:CreativeWork", "url", "https://news.example.org/vote"),
    }
    assert expected <= found


def test_claimreview_uses_only_terms_schema_org_defines(reviews):
    defined = {term for term in CONTEXT["@context"] if not term.startswith("@")}
    for document in (export(), export(feed=True)):
        found = triples(document)
        predicates = {p for _, p, _ in found if p != RDF_TYPE}
        types = {o.removeprefix(SCHEMA) for _, p, o in found if p == RDF_TYPE}
        assert predicates <= defined, predicates - defined
        assert types <= defined, types - defined


def test_every_verdict_has_a_rating_value_and_bounds(reviews):
    ratings = [review["reviewRating"] for review in export()["@graph"]]
    assert [(r["ratingValue"], r["bestRating"], r["worstRating"]) for r in ratings] == [(2, 5, 1), (-1, -1, -1)]


def test_a_pasted_article_appears_at_its_page_under_the_public_url(reviews, settings):
    _, pasted = reviews
    settings.FACTCHECK = {**settings.FACTCHECK, "PUBLIC_URL": "https://desk.example/factcheck/"}
    appearance = export()["@graph"][1]["itemReviewed"]["appearance"]
    assert appearance["url"] == f"https://desk.example/factcheck/articles/{pasted.pk}/"


def test_the_feed_is_a_data_feed_of_claim_reviews(reviews):
    feed = export(feed=True)
    assert feed["@type"] == "DataFeed"
    assert [element["@type"] for element in feed["dataFeedElement"]] == ["ClaimReview", "ClaimReview"]
    assert all(element["@context"] == "https://schema.org" for element in feed["dataFeedElement"])
