"""List endpoints run the same number of queries for one item as for a full page of fifty."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, publish

pytestmark = pytest.mark.django_db

PAGE = 50
BODY = " ".join(f"Figure {n:02d} rose." for n in range(PAGE))


def queries_for(reader, path: str, expected_count: int) -> int:
    client = reader()
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected_count
    return len(context.captured_queries)


def add_claims(article, numbers, reviewer, editor) -> None:
    """Claims on `Figure NN`, each with a published verdict so the list has something to join."""
    for n in numbers:
        claim = ClaimFactory(article=article, exact=f"Figure {n:02d}", claimant=f"Source {n}")
        publish(make_annotation(claim, reviewer, key="mostly-true"), editor)


@pytest.fixture
def reader(api):
    """A client for a fresh copy of the reading user, so each request looks its roles up, as in production."""
    UserFactory(username="reader", role="viewer")
    return lambda: api(get_user_model().objects.get(username="reader"))


@pytest.fixture
def writers():
    reviewer = UserFactory(username="r", role="reviewer")
    return reviewer, UserFactory(username="e", role="editor")


def test_article_list_queries_do_not_grow_with_the_page(reader):
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, exact="Figure 00")
    one = queries_for(reader, "/api/v1/articles/", 1)
    for _ in range(PAGE - 1):
        ClaimFactory(article=ArticleFactory(body=BODY), exact="Figure 00")
    assert queries_for(reader, "/api/v1/articles/", PAGE) == one


def test_filtered_article_search_queries_do_not_grow_with_the_page(reader):
    ArticleFactory(body=BODY, language="it")
    one = queries_for(reader, "/api/v1/articles/?language=it&search=article", 1)
    ArticleFactory.create_batch(PAGE - 1, body=BODY, language="it")
    assert queries_for(reader, "/api/v1/articles/?language=it&search=article", PAGE) == one


def test_claim_list_queries_do_not_grow_with_the_page(reader, writers):
    article = ArticleFactory(body=BODY)
    add_claims(article, [0], *writers)
    one = queries_for(reader, "/api/v1/claims/", 1)
    add_claims(article, range(1, PAGE), *writers)
    assert queries_for(reader, "/api/v1/claims/", PAGE) == one


def test_article_claims_list_queries_do_not_grow_with_the_page(reader, writers):
    article = ArticleFactory(body=BODY)
    add_claims(article, [0], *writers)
    one = queries_for(reader, f"/api/v1/articles/{article.pk}/claims/", 1)
    add_claims(article, range(1, PAGE), *writers)
    assert queries_for(reader, f"/api/v1/articles/{article.pk}/claims/", PAGE) == one
    last = reader().get(f"/api/v1/articles/{article.pk}/claims/").json()["results"][-1]
    assert last["published_verdict"]["verdict"] == "mostly-true"


def test_a_search_with_prior_fact_checks_runs_the_same_queries_for_a_full_page(reader, writers):
    from annotations.priors.importing import import_items

    from .test_prior_import import review

    def add_priors(numbers) -> None:
        items = [(n, review(n, claimReviewed=f"Figure {n:02d} rose, said the minister")) for n in numbers]
        import_items(items, source_kind="file", source="test")

    path = "/api/v1/claims/?q=figure&include=prior"
    article = ArticleFactory(body=BODY)
    add_claims(article, [0], *writers)
    add_priors([0])
    two = queries_for(reader, path, 2)
    add_claims(article, range(1, PAGE // 2), *writers)
    add_priors(range(1, PAGE // 2))
    assert queries_for(reader, path, PAGE) == two
