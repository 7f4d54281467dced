"""Keyset paging: constant queries whatever the page size or depth, stable under inserts, honest links."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import assignments, comments, review, versioning

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parent.parent / "README.md"
BODY = " ".join(f"Figure {n:02d} rose." for n in range(30))


def claims_in(article, count: int):
    return [ClaimFactory(article=article, exact=f"Figure {n:02d}") for n in range(count)]


def queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


def walk(client, url: str) -> list[dict]:
    """Every page of a list from `url`, following `next`."""
    items = []
    while url:
        body = client.get(url).json()
        items.extend(body["results"])
        url = body["next"]
    return items


@pytest.fixture
def populated(editor, reviewer):
    """Sixteen articles, each with a claim whose annotation is published (so every list has rows to join)."""
    for n in range(16):
        article = ArticleFactory(body=BODY, title=f"Tram report {n}")
        publish(make_annotation(ClaimFactory(article=article, exact="Figure 01"), reviewer), editor)


@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/annotations/"])
def test_list_queries_are_the_same_for_one_row_a_full_page_and_a_deep_page(api, editor, populated, path):
    client = api(editor)
    client.get(path)  # warm the per-user role cache
    one, _ = queries(client, f"{path}?page_size=1")
    five, first = queries(client, f"{path}?page_size=5")
    second = client.get(first["next"]).json()
    deep, third = queries(client, second["next"])
    assert one == five == deep
    assert len(first["results"]) == len(third["results"]) == 5


def test_claim_pages_skip_and_repeat_nothing_while_claims_are_added(api, viewer):
    article = ArticleFactory(body=BODY)
    original = [claim.pk for claim in claims_in(article, 10)]
    client, seen, url, added = api(viewer), [], "/api/v1/claims/?page_size=3", 0
    while url:
        body = client.get(url).json()
        seen.extend(item["id"] for item in body["results"])
        url = body["next"]
        ClaimFactory(article=article, exact=f"Figure {10 + added:02d}")  # lands after the cursor
        added += 1
    assert len(seen) == len(set(seen))
    assert [pk for pk in seen if pk in original] == original
    assert len(seen) == 10 + added - 1  # every claim added before the last page was read is on a later page


def test_article_pages_skip_and_repeat_nothing_while_articles_are_added(api, viewer):
    original = [ArticleFactory(title=f"Old {n}").pk for n in range(10)][::-1]  # newest first
    client, seen, url = api(viewer), [], "/api/v1/articles/?page_size=4"
    while url:
        body = client.get(url).json()
        seen.extend(item["id"] for item in body["results"])
        url = body["next"]
        ArticleFactory(title="Newer than every page")  # lands before the cursor: never shifts the pages
    assert seen == original


def test_previous_link_gives_back_the_page_before(api, viewer):
    ArticleFactory.create_batch(7)
    client = api(viewer)
    first = client.get("/api/v1/articles/?page_size=3").json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [item["id"] for item in back["results"]] == [item["id"] for item in first["results"]]
    assert back["previous"] is None and back["next"] is not None


@pytest.mark.parametrize(
    ("query", "field"),
    [("cursor=not-a-cursor", "cursor"), ("page_size=0", "page_size"), ("page_size=201", "page_size"),
     ("page_size=ten", "page_size")],
)  # fmt: skip
def test_bad_paging_parameters_are_refused_naming_the_parameter(api, viewer, query, field):
    response = api(viewer).get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_browser_review_queue_pages_later_and_back(browser_client, editor, reviewer, monkeypatch):
    from annotations import selectors

    monkeypatch.setattr(selectors, "QUEUE_PER_PAGE", 2)
    article = ArticleFactory(body=BODY)
    for claim in claims_in(article, 5):
        review.submit(make_annotation(claim, reviewer), actor=reviewer)
    client = browser_client(editor)
    first = client.get("/review/")
    later = client.get(f"/review/?{first.context['pager']['next']}")
    back = client.get(f"/review/?{later.context['pager']['previous']}")
    assert [a.pk for a in back.context["page"]] == [a.pk for a in first.context["page"]]
    assert not set(a.pk for a in later.context["page"]) & set(a.pk for a in first.context["page"])
    assert "5 annotations waiting" in first.content.decode()


def test_browser_totals_past_the_cap_say_more_than(browser_client, reviewer, monkeypatch):
    from annotations import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for n in range(5):
        ArticleFactory(title=f"Tram {n}")
    page = browser_client(reviewer).get("/", {"q": "tram"}).content.decode()
    assert "More than 3 articles" in page


def test_browser_invalid_page_link_is_a_400(browser_client, reviewer):
    assert browser_client(reviewer).get("/", {"cursor": "%%%"}).status_code == 400


# ---------------------------------------------------------------- the README says how lists page


def readme_cursor_lists() -> list[str]:
    """The paths listed in the README's "Paging" table."""
    text = README.read_text()
    section = text.split("### Paging", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `GET /api/v1(/[^`]*)` \|", section, re.M)


def test_readme_names_every_api_list_and_each_pages_by_cursor(api, editor, reviewer):
    article = ArticleFactory(body=BODY)
    ArticleFactory()
    first, _second = claims_in(article, 2)
    annotation = make_annotation(first, reviewer)
    make_annotation(first, UserFactory(role="reviewer", username="second-reviewer"))
    versioning.append_version(annotation, based_on=1, author=reviewer, confidence=10)
    review.submit(annotation, actor=reviewer)
    review.reject(annotation, actor=editor)
    # Two of each team list: assignments (the editor's own among them), comments, the editor's notifications.
    assignments.assign(actor=editor, reviewers=["editor", "reviewer"], claims=[first.pk, _second.pk])
    for text in ("@editor one", "@editor two"):
        comments.add_comment(first, author=reviewer, body=text)
    client = api(editor)
    for _ in range(2):
        assert client.post("/api/v1/exports/", {"format": "csv"}, format="json").status_code == 202
    ids = {"{article}": article.pk, "{claim}": first.pk, "{annotation}": annotation.pk}
    documented = readme_cursor_lists()
    assert len(documented) >= 9
    schema = client.get("/api/schema/?format=json").json()["paths"]
    for path in documented:
        url = "/api/v1" + re.sub(r"\{\w+\}", lambda match: str(ids[match.group(0)]), path)
        body = client.get(url, {"page_size": 1}).json()
        assert set(body) == {"next", "previous", "results"}, path
        assert body["next"] is not None and "cursor=" in body["next"], (path, body)
        operation = schema["/api/v1" + re.sub(r"\{(\w+)\}", _schema_name, path)]["get"]
        assert "cursor" in {parameter["name"] for parameter in operation["parameters"]}, path


def _schema_name(match) -> str:
    return {"article": "{id}", "annotation": "{id}", "claim": "{claim_pk}"}[match.group(1)]
