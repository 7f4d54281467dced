"""The served Web Annotation collection pages by keyset: its `next` and `prev` links carry cursors.

Walking the links gives every annotation once, in export order, with exact `startIndex`; pages
do not shift when verdicts are published meanwhile; a deep page costs the queries the second
does; a cursor that is not one of the collection's links is refused naming `page`.
"""

import base64
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import review, versioning
from annotations.exports import webannotation
from annotations.exports.csv import Progress
from annotations.exports.filters import parse_filters
from annotations.exports.webannotation import write_webannotation
from annotations.models import Annotation

from .factories import ClaimFactory, UserFactory, make_annotation, publish
from .test_export_w3c import failed_assertions

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/webannotation.jsonld"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(webannotation, "PAGE_SIZE", 2)


@pytest.fixture
def seven_verdicts(editor, reviewer):
    """Seven claims with published verdicts, in claim order."""
    claims = [ClaimFactory(claimant=f"Speaker {n}") for n in range(7)]
    for claim in claims:
        publish(make_annotation(claim, reviewer, key="false"), editor)
    return claims


def get(client, link_or_params) -> dict:
    """The document at a link (followed as it is) or at the endpoint with these params."""
    link = isinstance(link_or_params, str)
    response = client.get(link_or_params) if link else client.get(URL, link_or_params)
    assert response.status_code == 200, response.content
    return json.loads(b"".join(response.streaming_content))


def cursor_of(link: str) -> str:
    return link.rsplit("page=", 1)[1]


def sources(page: dict) -> list[str]:
    """The target of each item: its claim's article (one article per claim here)."""
    return [item["target"]["source"] for item in page["items"]]


def walk_forward(client, params=None) -> list[dict]:
    """The collection's pages from the first, following `next`: the embedded first page, then the rest."""
    collection = get(client, params or {})
    pages = [collection["first"]]
    while "next" in pages[-1]:
        pages.append(get(client, pages[-1]["next"]))
    return pages


def item_ids(pages: list[dict]) -> list[str]:
    return [item["id"] for page in pages for item in page["items"]]


def test_following_next_gives_every_annotation_once_in_order_with_its_start_index(
    api, editor, seven_verdicts, small_pages
):
    client = api(editor)
    pages = walk_forward(client)
    collection = get(client, {"page": 1})
    assert collection["total"] == 7
    assert [len(page["items"]) for page in pages] == [2, 2, 2, 1]
    assert [page["startIndex"] for page in pages] == [0, 2, 4, 6]
    assert [source for page in pages for source in sources(page)] == [claim.article.url for claim in seven_verdicts]
    assert all(page["partOf"]["id"] == collection["id"] and "total" not in page["partOf"] for page in pages[1:])
    assert all(failed_assertions("page", page) == [] for page in pages[1:])


def test_the_pages_hold_the_items_of_the_whole_file_in_its_order(api, editor, seven_verdicts, small_pages):
    out = io.BytesIO()
    write_webannotation(parse_filters({}), out.write, connection=connection, progress=Progress())
    whole = json.loads(out.getvalue())["first"]["items"]
    assert item_ids(walk_forward(api(editor))) == [item["id"] for item in whole]


def test_following_prev_walks_back_through_the_same_pages(api, editor, seven_verdicts, small_pages):
    client = api(editor)
    forward = walk_forward(client)
    backward = [forward[-1]]
    while "prev" in backward[-1]:
        link = backward[-1]["prev"]
        if cursor_of(link) == "1":
            backward.append(get(client, {"page": 1})["first"])  # the collection's own first page
        else:
            backward.append(get(client, link))
    backward.reverse()
    assert [page["items"] for page in backward] == [page["items"] for page in forward]
    assert [page["startIndex"] for page in backward] == [0, 2, 4, 6]
    assert "prev" not in forward[0] and all("prev" in page for page in forward[1:])


def test_the_second_page_links_back_to_the_collection_first_page(api, editor, seven_verdicts, small_pages):
    client = api(editor)
    collection = get(client, {})
    second = get(client, collection["first"]["next"])
    assert second["prev"] == collection["first"]["id"]
    assert collection["first"]["next"] == second["id"]


def test_a_verdict_published_meanwhile_before_the_edge_does_not_shift_the_next_page(api, editor, reviewer, small_pages):
    early = ClaimFactory(claimant="Published late")  # first in claim order, published after page 1 was read
    claims = [ClaimFactory(claimant=f"Speaker {n}") for n in range(5)]
    for claim in claims:
        publish(make_annotation(claim, reviewer), editor)
    client = api(editor)
    collection = get(client, {})
    assert sources(collection["first"]) == [claims[0].article.url, claims[1].article.url]
    publish(make_annotation(early, reviewer), editor)
    second = get(client, collection["first"]["next"])
    assert sources(second) == [claims[2].article.url, claims[3].article.url]
    assert second["startIndex"] == 2
    later = ClaimFactory(claimant="Published at the end")
    publish(make_annotation(later, reviewer), editor)
    third = get(client, second["next"])
    assert sources(third) == [claims[4].article.url, later.article.url]


def test_a_deep_page_costs_the_queries_of_the_second_and_neither_counts_nor_offsets(
    api, editor, seven_verdicts, small_pages
):
    client = api(editor)
    pages = walk_forward(client)

    def queries_for(page: dict) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            get(client, page["id"])
        return [query["sql"] for query in captured.captured_queries]

    second, last = queries_for(pages[1]), queries_for(pages[-1])
    assert len(second) == len(last)
    assert not [sql for sql in second + last if "COUNT(" in sql.upper() or "OFFSET %" in sql or " OFFSET 1" in sql]


def test_versions_pages_walk_every_version_once_in_claim_annotation_version_order(api, editor, reviewer, small_pages):
    other = UserFactory(role="reviewer", username="second-reviewer")
    for n in range(3):
        claim = ClaimFactory(claimant=f"Speaker {n}")
        for who in (reviewer, other):
            annotation = make_annotation(claim, who)
            _edit(annotation, who)
    client = api(editor)
    pages = walk_forward(client, {"versions": "all"})
    ids = item_ids(pages)
    assert len(ids) == len(set(ids)) == 12
    assert [page["startIndex"] for page in pages] == list(range(0, 12, 2))
    order = [(int(i.split("/annotations/")[1].split("/")[0]), int(i.rsplit("/", 1)[1])) for i in ids]
    assert order == sorted(order)  # annotations of one claim by id; claims created in id order too


def test_a_page_whose_rows_are_gone_is_404_naming_page(api, editor, seven_verdicts, small_pages):
    client = api(editor)
    pages = walk_forward(client)
    for annotation in _published_annotations(seven_verdicts[6:]):
        review.reject(annotation, actor=editor)
    response = client.get(URL, {"page": cursor_of(pages[-2]["next"])})
    assert response.status_code == 404
    assert response.json()["field"] == "page"


def test_a_tampered_cursor_is_refused_naming_page(api, editor, seven_verdicts, small_pages):
    client = api(editor)
    token = cursor_of(get(client, {})["first"]["next"])
    payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["i"] = 0
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=") + "." + signature
    for value in (forged, token[:-2], "not-a-cursor", "2", "%00", token + "x" * 5000):
        response = client.get(URL, {"page": value})
        assert response.status_code == 400, value
        assert list(response.json()) == ["page"]


def test_a_cursor_followed_with_other_filters_is_refused_naming_page(api, editor, seven_verdicts, small_pages):
    client = api(editor)
    token = cursor_of(get(client, {})["first"]["next"])
    response = client.get(URL, {"page": token, "verdict": "false"})
    assert response.status_code == 400
    assert "other filters" in response.json()["page"][0]


def test_a_cursor_of_the_published_collection_is_refused_for_versions(api, editor, seven_verdicts, small_pages):
    client = api(editor)
    token = cursor_of(get(client, {})["first"]["next"])
    assert client.get(URL, {"page": token, "versions": "all"}).status_code == 400


def _edit(annotation, author):
    versioning.append_version(annotation, based_on=1, author=author, rationale="Second look.")


def _published_annotations(claims):
    return list(Annotation.objects.filter(claim__in=claims, status=Annotation.Status.APPROVED))
