"""Per-article counters (claims, claims without a published verdict): shown in lists, repaired by a
recount. That they always equal a recount is tests/test_derived.py's property test."""

import pytest

from annotations import review
from annotations.derived import counters
from annotations.models import Article

from .factories import ArticleFactory, ClaimFactory, make_annotation

pytestmark = pytest.mark.django_db

SPANS = [f"Figure {n:02d}" for n in range(6)]
BODY = " ".join(f"{span} rose." for span in SPANS)


def stored(article: Article) -> tuple[int, int]:
    article.refresh_from_db()
    return article.claim_count, article.unreviewed_count


def test_counters_are_shown_in_the_article_list(api, viewer, reviewer, editor):
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, exact=SPANS[0])
    published = make_annotation(ClaimFactory(article=article, exact=SPANS[1]), reviewer)
    review.submit(published, actor=reviewer)
    review.approve(published, actor=editor)
    (item,) = api(viewer).get("/api/v1/articles/").json()["results"]
    assert (item["claim_count"], item["unreviewed_count"]) == (2, 1)


def test_recount_repairs_counters_written_around_the_services():
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, exact=SPANS[0])
    Article.objects.filter(pk=article.pk).update(claim_count=7, unreviewed_count=7)
    counters.recount_articles([article.pk])
    assert stored(article) == (1, 1)
