"""The W3C Web Annotation test suite's MUST assertions (tests/vendor/web-annotation-tests) on our exports.

Each assertion is a JSON schema with an `expectedResult` ("valid": the document must pass it). The
annotation assertions run on every item alone, the collection ones on the collection and the page
ones on each AnnotationPage: the one embedded as `first` and a page served on its own.
"""

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations.exports import webannotation
from annotations.exports.csv import Progress
from annotations.exports.filters import parse_filters
from annotations.exports.webannotation import write_webannotation

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

SUITE = Path(__file__).parent / "vendor" / "web-annotation-tests"
MUST_TESTS = {
    "annotation": "annotations/annotationMusts.test",
    "collection": "collections/collectionMusts.test",
    "page": "collections/pages/pageMusts.test",
}


def _registry() -> Registry:
    """Every schema under the name it gives itself in `id` (their `$ref`s name each other that way)."""
    resources = []
    for path in SUITE.rglob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def assertions(group: str) -> list[tuple[str, dict]]:
    listed = json.loads((SUITE / MUST_TESTS[group]).read_text())["assertions"]
    return [(Path(name).stem, json.loads((SUITE / name).read_text())) for name in listed]


def failed_assertions(group: str, document: dict) -> list[str]:
    failed = []
    for name, schema in assertions(group):
        valid = jsonschema.Draft4Validator(schema, registry=REGISTRY).is_valid(document)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failed.append(f"{name}: {schema.get('errorMessage', '')}")
    return failed


@pytest.fixture
def verdicts(editor, reviewer):
    article = ArticleFactory(title="Council vote", url="https://news.example.org/vote", language="en")
    pasted = ArticleFactory(title="Pasted", url="", body="Nothing to see here, they said twice.", language="it")
    evidence = [{"url": "https://stats.example.org/vote", "title": "Minutes", "stance": "refutes"}]
    for claim, key in (
        (ClaimFactory(article=article, exact="voted 31 to 12", claimant="Mayor Rossi"), "mostly-false"),
        (ClaimFactory(article=pasted, exact="Nothing to see", claimant=""), "unproven"),
    ):
        publish(make_annotation(claim, reviewer, key=key, rationale="Checked.", evidence=evidence), editor)


def export(page=None) -> dict:
    """The whole collection (page None, as a job writes it), or the page `page`: 1 or a link's cursor."""
    filters = parse_filters({})
    served = None
    if page is not None:
        cursor = None if page == 1 else webannotation.decode_page(filters, page)
        served = webannotation.read_page(filters, connection, cursor)
    out = io.BytesIO()
    write_webannotation(
        filters, out.write, connection=connection, progress=Progress(), page=served, page_value=page or 1
    )
    return json.loads(out.getvalue())


def cursor_of(link: str) -> str:
    return link.rsplit("page=", 1)[1]


def test_every_annotation_passes_the_w3c_must_assertions_alone(verdicts):
    items = export()["first"]["items"]
    assert len(items) == 2
    assert {item["id"]: failed_assertions("annotation", item) for item in items} == {item["id"]: [] for item in items}


def test_the_collection_passes_the_w3c_must_assertions(verdicts):
    assert failed_assertions("collection", export()) == []


def test_the_first_page_passes_the_w3c_must_assertions(verdicts):
    assert failed_assertions("page", export()["first"]) == []


def test_a_later_page_passes_the_w3c_must_assertions(verdicts, monkeypatch):
    monkeypatch.setattr(webannotation, "PAGE_SIZE", 1)
    page = export(page=cursor_of(export(page=1)["first"]["next"]))
    assert page["type"] == "AnnotationPage" and len(page["items"]) == 1
    assert failed_assertions("page", page) == []


def test_the_suite_catches_the_old_verdict_body_with_an_id_and_a_purpose(verdicts):
    """The suite runs for real: a TextualBody with an `id` and a `purpose` fails 3.3.5-bodyEWRNoPurpose."""
    item = export()["first"]["items"][0]
    item["body"][0]["id"] = "https://example.org/verdicts/mostly-false"
    assert [name.split(":")[0] for name in failed_assertions("annotation", item)] == ["3.3.5-bodyEWRNoPurpose"]


def test_a_paged_collection_links_its_pages_in_order(verdicts, monkeypatch):
    monkeypatch.setattr(webannotation, "PAGE_SIZE", 1)
    collection = export(page=1)
    second = export(page=cursor_of(collection["first"]["next"]))
    assert collection["total"] == 2 and len(collection["first"]["items"]) == 1
    assert collection["first"]["next"] == second["id"]
    assert second["prev"] == collection["first"]["id"] and "next" not in second
    assert second["partOf"]["id"] == collection["id"] and second["startIndex"] == 1


def served(client, **params) -> dict:
    response = client.get("/api/v1/exports/webannotation.jsonld", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(b"".join(response.streaming_content))


def test_the_served_collection_links_to_its_next_page_which_passes_the_suite(api, editor, verdicts, monkeypatch):
    monkeypatch.setattr(webannotation, "PAGE_SIZE", 1)
    client = api(editor)
    collection = served(client)
    next_url = collection["first"]["next"]
    assert next_url.startswith("http://testserver/api/v1/exports/webannotation.jsonld")
    second = served(client, page=next_url.rsplit("page=", 1)[1])
    assert failed_assertions("collection", collection) == []
    assert failed_assertions("page", second) == []
    assert [collection["first"]["items"][0]["id"], second["items"][0]["id"]] != [None, None]


def test_pages_of_one_language_count_and_link_only_its_claims(api, editor, reviewer, monkeypatch):
    monkeypatch.setattr(webannotation, "PAGE_SIZE", 1)
    italian = []
    for language in ["it", "en", "it-CH", "it", "en-GB", "it"]:
        claim = ClaimFactory(article=ArticleFactory(language=language), exact="voted 31 to 12")
        annotation = publish(make_annotation(claim, reviewer), editor)
        if language.startswith("it"):
            italian.append(f"{annotation.pk}/versions/1")
    client = api(editor)

    def page(link):
        return served(client, language="it", page=link.rsplit("page=", 1)[1])

    collection = served(client, language="it")
    pages = [collection["first"]]
    while "next" in pages[-1]:
        pages.append(page(pages[-1]["next"]))
    backwards = [pages[-1]]
    while backwards[-1]["prev"] != collection["first"]["id"]:
        backwards.append(page(backwards[-1]["prev"]))
    assert collection["total"] == 4
    assert [p["items"][0]["id"].split("/annotations/", 1)[1] for p in pages] == italian
    assert [p["items"] for p in backwards[::-1]] == [p["items"] for p in pages[1:]]


def test_the_collections_total_counts_what_each_filter_leaves(api, editor, reviewer):
    other = UserFactory(role="reviewer", username="other-reviewer")
    for who, key, language in [(reviewer, "false", "it"), (reviewer, "true", "en"), (other, "false", "en-GB")]:
        claim = ClaimFactory(article=ArticleFactory(language=language), exact="voted 31 to 12")
        publish(make_annotation(claim, who, key=key), editor)
    client = api(editor)

    def total(**params):
        return served(client, **params)["total"]

    assert total() == 3
    assert total(verdict="false") == 2
    assert total(reviewer="other-reviewer") == 1
    assert total(language="en") == 2
    assert total(language="en", verdict="false", reviewer="other-reviewer") == 1
    assert total(language="it", reviewer="other-reviewer") == 0


def test_a_page_number_past_1_is_refused_naming_page(api, editor, verdicts):
    """Pages after the first are reached by their links' cursors, never by number (an OFFSET walk)."""
    response = api(editor).get("/api/v1/exports/webannotation.jsonld", {"page": 2})
    assert response.status_code == 400
    assert "next" in response.json()["page"][0]


def test_a_page_that_is_not_a_number_is_refused_naming_it(api, editor):
    response = api(editor).get("/api/v1/exports/webannotation.jsonld", {"page": "last"})
    assert response.status_code == 400
    assert "page" in response.json()
