"""Every derived table equals a full rebuild from the history after any sequence of domain operations.

One property test drives random sequences of what the desk does (claims created and deleted,
annotations started, edited, reverted, submitted, approved, rejected, re-opened and edited back to
draft, editors' decisions on changed words,
body revisions, article title and language changes, article deletions) through the services, and
compares every table that annotations.derived keeps with what annotations.derived.rebuild computes.
"""

import contextlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import articles, claims, derived, review, versioning, words
from annotations.anchoring import SelectorError
from annotations.exceptions import DomainConflict, NotAllowed, StaleVersion
from annotations.models import (
    AgreementTally,
    Annotation,
    Article,
    BacklogTally,
    Claim,
    DailyTally,
    PairedClaim,
    PublishedExportRow,
    WaitingAnnotation,
)

from .factories import ArticleFactory, ClaimFactory, UserFactory, make_annotation, verdict

pytestmark = pytest.mark.django_db

SPANS = ["voted 31 to 12", "The mayor said", "fully funded"]
BODIES = [
    "The council voted 31 to 12 on Tuesday. The mayor said the project is fully funded.",
    "Late news. The council voted 31 to 12 on Tuesday. The mayor said the project is fully funded.",
    "The council voted 32 to 12 on Tuesday. The mayor said the project is fully funded.",
]
KEYS = ["true", "false", "mixed"]
RATIONALES = ["", "=SUM(A1)", "budget figures 🙂"]
LANGUAGES = ["en", "it", "en-GB"]

# article, claim span, reviewer: few of each, so that steps meet on the same claims and annotations
WHERE = (st.sampled_from([0, 0, 0, 1]), st.sampled_from([0, 0, 1]), st.integers(0, 1))
review_step = st.tuples(
    st.sampled_from(["submit", "approve", "reject", "reopen", "create claim", "delete claim"]), *WHERE
)
# An editor's decision on a claim whose words changed under its verdict (annotations.words).
words_step = st.tuples(st.sampled_from(["words hold", "words reopen", "words withdraw"]), *WHERE)
annotate_step = st.tuples(st.sampled_from(["annotate", "annotate and submit"]), *WHERE, st.integers(0, len(KEYS) - 1))
# Branches repeated to weigh them: the review workflow most, an article's deletion (which ends most
# of what can follow) least.
step = st.one_of(
    review_step,
    review_step,
    words_step,
    annotate_step,
    annotate_step,
    st.tuples(st.just("edit"), *WHERE, st.integers(0, len(KEYS) - 1), st.integers(0, len(RATIONALES) - 1)),
    st.tuples(st.just("revert"), *WHERE, st.integers(1, 3)),
    st.tuples(st.just("body"), *WHERE, st.integers(0, len(BODIES) - 1)),
    st.tuples(st.just("article"), *WHERE, st.sampled_from(["=Renamed", "Plain"]), st.integers(0, len(LANGUAGES) - 1)),
    st.tuples(st.just("delete article"), st.just(1), *WHERE[1:]),
)


def derived_state() -> dict:
    """Every derived table and field, in a comparable form (a zero counter is no counter)."""

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields))

    return {
        "article counters": rows(Article.objects, "pk", "claim_count", "unreviewed_count"),
        "claim search fields": rows(Claim.objects, "pk", "search_config", "published_rationale"),
        "daily tallies": rows(
            DailyTally.objects.exclude(count=0),
            "grain",
            "day",
            "language",
            "metric",
            "reviewer_id",
            "verdict_id",
            "count",
        ),
        "backlog tallies": rows(BacklogTally.objects.exclude(count=0), "language", "metric", "count"),
        "waiting annotations": rows(WaitingAnnotation.objects, "annotation_id", "language", "since"),
        "paired claims": sorted(
            (p.claim_id, p.language, p.updated_at, p.size, p.spread, p.disagreeing, sorted(p.votes.items()))
            for p in PairedClaim.objects.all()
        ),
        "agreement tallies": rows(
            AgreementTally.objects, "day", "language", "size", "verdict_id", "units", "spread", "disagreeing", "votes"
        ),
        "published export rows": sorted(tuple(sorted(row.items())) for row in PublishedExportRow.objects.values()),
    }


class Desk:
    """Two articles, three reviewers and an editor; steps look their objects up by position."""

    def __init__(self) -> None:
        self.editor = UserFactory(role="editor", username="derived-editor")
        self.reviewers = [UserFactory(role="reviewer", username=f"derived-reviewer-{n}") for n in range(3)]
        self.articles = [ArticleFactory(body=BODIES[0]), ArticleFactory(body=BODIES[0], language="it")]
        # Claims by (article, span), by id: a revision may change a claim's words.
        self.claims = {
            (index, 0): ClaimFactory(article=article, exact=SPANS[0]).pk for index, article in enumerate(self.articles)
        }
        # and a claim that both reviewers have submitted a verdict on (agreement counts it).
        for who, key in enumerate(("true", "false")):
            annotation = make_annotation(self.claim(0, 0), self.reviewers[who], key=key)
            review.submit(annotation, actor=self.reviewers[who])

    def article(self, index: int) -> Article | None:
        return Article.objects.filter(pk=self.articles[index].pk).first()

    def claim(self, index: int, span: int) -> Claim | None:
        return Claim.objects.filter(pk=self.claims.get((index, span))).first()

    def annotation(self, index: int, span: int, reviewer: int) -> Annotation | None:
        return Annotation.objects.filter(
            claim_id=self.claims.get((index, span)), reviewer=self.reviewers[reviewer]
        ).first()

    def apply(self, kind: str, index: int, span: int, who: int, *more) -> None:
        article, claim, annotation = self.article(index), self.claim(index, span), self.annotation(index, span, who)
        reviewer = self.reviewers[who]
        if kind == "create claim" and article is not None and claim is None:
            self.claims[index, span] = ClaimFactory(article=article, exact=SPANS[span]).pk
        elif kind == "delete claim" and claim is not None:
            claims.delete_claim(claim)
        elif kind.startswith("annotate") and claim is not None and annotation is None:
            annotation = make_annotation(claim, reviewer, key=KEYS[more[0]])
            if kind == "annotate and submit":
                review.submit(annotation, actor=reviewer)
        elif kind == "edit" and annotation is not None:
            versioning.append_version(annotation, based_on=annotation.version, author=reviewer,
                                      verdict=verdict(KEYS[more[0]]), rationale=RATIONALES[more[1]])  # fmt: skip
        elif kind == "revert" and annotation is not None and more[0] <= annotation.version:
            versioning.revert(annotation, to=more[0], based_on=annotation.version, author=reviewer)
        elif kind == "submit" and annotation is not None:
            review.submit(annotation, actor=reviewer)
        elif kind in ("approve", "reject", "reopen") and annotation is not None:
            getattr(review, kind)(annotation, actor=self.editor)
        elif kind.startswith("words") and claim is not None:
            decision = "holds" if kind == "words hold" else "reopen"
            words.decide(claim, decision=decision, actor=self.editor, withdraw=kind == "words withdraw")
        elif kind == "body" and article is not None:
            articles.update_article(article, body=BODIES[more[0]])
        elif kind == "article" and article is not None:
            articles.update_article(article, title=more[0], language=LANGUAGES[more[1]])
        elif kind == "delete article" and article is not None:
            articles.delete_article(article)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=8, max_size=24))
def test_every_derived_table_equals_a_rebuild_after_any_sequence_of_operations(steps):
    with transaction.atomic():
        desk = Desk()
        for kind, *where in steps:
            with (
                contextlib.suppress(DomainConflict, NotAllowed, StaleVersion, ProtectedError, SelectorError),
                transaction.atomic(),
            ):
                desk.apply(kind, *where)  # a step the workflow refuses changes nothing
        kept = derived_state()
        derived.rebuild()
        rebuilt = derived_state()
        for name in kept:  # table by table, so that a failure names the table
            assert (name, kept[name]) == (name, rebuilt[name])
        transaction.set_rollback(True)


def test_rebuild_repairs_derived_tables_written_around_the_services():
    desk = Desk()
    claim = desk.claim(0, 0)
    kept = derived_state()
    Article.objects.filter(pk=claim.article_id).update(claim_count=9)
    PairedClaim.objects.all().delete()
    AgreementTally.objects.update(votes=99)
    WaitingAnnotation.objects.all().delete()
    output = io.StringIO()
    call_command("rebuild_derived", stdout=output)
    assert derived_state() == kept
    assert "[5/6] agreement" in output.getvalue()


def test_rebuild_twice_changes_nothing():
    desk = Desk()
    claim = ClaimFactory(article=desk.articles[1], exact=SPANS[1])
    annotation = make_annotation(claim, desk.reviewers[0])
    review.submit(annotation, actor=desk.reviewers[0])
    review.approve(annotation, actor=desk.editor)
    derived.rebuild()
    once = derived_state()
    derived.rebuild()
    assert derived_state() == once


def test_derived_state_sees_a_wrong_counter():
    desk = Desk()
    ClaimFactory(article=desk.articles[0], exact=SPANS[2])
    kept = derived_state()
    Article.objects.filter(pk=desk.articles[0].pk).update(unreviewed_count=5)
    assert derived_state() != kept


def test_agreement_keeps_the_first_submissions_when_a_later_version_changes_the_verdict(api):
    desk = Desk()
    claim = ClaimFactory(article=desk.articles[0], exact=SPANS[1])
    first, second = (make_annotation(claim, reviewer, key="true") for reviewer in desk.reviewers[:2])
    for annotation in (first, second):
        review.submit(annotation, actor=annotation.reviewer)
    versioning.append_version(second, based_on=1, author=desk.editor, verdict=verdict("false"))
    body = api(desk.editor).get("/api/v1/agreement/", {"article": desk.articles[0].pk}).json()
    assert claim.pk not in [disagreement["claim"] for disagreement in body["disagreements"]]
    assert body["basis"] == "first_submissions"
