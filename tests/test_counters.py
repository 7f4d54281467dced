"""Per-article counters (claims, claims without a published verdict) always equal a recount."""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import claims, review
from annotations.derived import counters
from annotations.exceptions import DomainConflict
from annotations.models import Annotation, Article

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation

pytestmark = pytest.mark.django_db

SPANS = [f"Figure {n:02d}" for n in range(6)]
BODY = " ".join(f"{span} rose." for span in SPANS)

# (action, which claim span, which of two reviewers)
steps = st.lists(
    st.tuples(
        st.sampled_from(["create", "delete", "approve", "withdraw"]),
        st.integers(0, len(SPANS) - 1),
        st.integers(0, 1),
    ),
    max_size=25,
)


def recount(article: Article) -> tuple[int, int]:
    rows = article.claims.all()
    return rows.count(), rows.filter(published_version__isnull=True).count()


def stored(article: Article) -> tuple[int, int]:
    article.refresh_from_db()
    return article.claim_count, article.unreviewed_count


def apply(step, article, reviewers, editor) -> None:
    action, span, which = step
    claim = article.claims.filter(exact=SPANS[span]).first()
    if action == "create" and claim is None:
        ClaimFactory(article=article, exact=SPANS[span])
    elif action == "delete" and claim is not None:
        with contextlib.suppress(DomainConflict):  # annotated claims stay
            claims.delete_claim(claim)
    elif action == "approve" and claim is not None:
        reviewer = reviewers[which]
        annotation = Annotation.objects.filter(claim=claim, reviewer=reviewer).first()
        if annotation is None:
            annotation = make_annotation(claim, reviewer)
        if annotation.status in ("draft", "rejected"):
            review.submit(annotation, actor=reviewer)
            annotation.refresh_from_db()
        if annotation.status == "submitted":
            review.approve(annotation, actor=editor)  # may replace the other reviewer's published verdict
    elif action == "withdraw" and claim is not None:
        published = Annotation.objects.filter(claim=claim, status="approved").first()
        if published is not None:
            review.reject(published, actor=editor)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_counters_equal_a_recount_after_any_sequence_of_claim_changes(steps, db):
    editor = UserFactory(role="editor", username="counter-editor")
    reviewers = [UserFactory(role="reviewer", username=f"counter-reviewer-{n}") for n in range(2)]
    article = ArticleFactory(body=BODY)
    for step in steps:
        apply(step, article, reviewers, editor)
        assert stored(article) == recount(article), step


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
