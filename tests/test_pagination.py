"""Lists longer than a page: following `next` from the first page reaches every row once, and the
last page says there is no next one."""

import pytest

from .factories import ArticleFactory, ClaimFactory, make_annotation

pytestmark = pytest.mark.django_db

ROWS = 53  # more than one page of 50


def flat(pages: list[list[int]]) -> list[int]:
    return sorted(item for page in pages for item in page)


def walk(client, url: str) -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["id"] for item in body["results"]])
        url = body["next"]
    return pages


def test_article_list_pages_through_every_article_once(api, viewer):
    ids = {ArticleFactory().pk for _ in range(ROWS)}
    pages = walk(api(viewer), "/api/v1/articles/")
    assert [len(page) for page in pages] == [50, 3]
    assert flat(pages) == sorted(ids)


def test_claim_and_annotation_lists_page_through_every_row_once(api, editor, reviewer):
    article = ArticleFactory(body=" ".join(f"word{n:03d}" for n in range(ROWS)))
    claims = [ClaimFactory(article=article, exact=f"word{n:03d}") for n in range(ROWS)]
    annotations = [make_annotation(claim, reviewer) for claim in claims]
    client = api(editor)

    claim_pages = walk(client, "/api/v1/claims/")
    assert [len(page) for page in claim_pages] == [50, 3]
    assert flat(claim_pages) == sorted(claim.pk for claim in claims)

    annotation_pages = walk(client, "/api/v1/annotations/")
    assert [len(page) for page in annotation_pages] == [50, 3]
    assert flat(annotation_pages) == sorted(annotation.pk for annotation in annotations)
