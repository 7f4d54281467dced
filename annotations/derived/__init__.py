"""The one home of derived data: every table computed from the history is updated here, and only here.

Derived from the history: the per-article counters (`counters`), the desk's tallies (`tallies`), whether
assigned work is done (`assignment_work`),
the published export rows (`export_rows`) and the claims' search fields (`search_fields`). The
services call one function of this module per domain event, inside the transaction that makes the
change; each function updates every derived table that the event touches, so no writer can forget
one. `rebuild` recomputes all of them from the history (after a bulk load, or to repair).

A rule that is checked: no module outside this package writes a derived table
(tests/test_layers.py), and a property test drives random sequences of domain operations and
compares every derived table with a rebuild (tests/test_derived.py).
"""

import datetime

from ..models import Annotation, Article, Claim
from . import assignment_work, counters, export_rows, search_fields, tallies


def claim_created(claim: Claim, article: Article) -> None:
    counters.claim_added(article.pk)
    tallies.record_claim_created(claim, article.language)


def claim_deleted(claim: Claim, *, language: str) -> None:
    counters.claim_removed(claim.article_id, published=claim.published_version_id is not None)
    tallies.record_claims_deleted(language, 1)


def article_deleted(article: Article, *, claims: int) -> None:
    """The article's own row (and its counters) went with it; the desk's backlog loses its claims."""
    tallies.record_claims_deleted(article.language, claims)


def article_language_changed(article: Article, *, old_language: str) -> None:
    search_fields.sync_article_language(article)
    if article.language.lower() != old_language.lower():
        tallies.record_language_changed(article.pk, old_language)


def annotation_started(annotation: Annotation) -> None:
    tallies.record_annotation_started(annotation)


def annotation_reopened(claim_id: int, now: datetime.datetime, *, reviewer_id: int | None = None) -> None:
    """An approved or rejected annotation was edited back to draft."""
    tallies.record_reopened(claim_id, now)
    if reviewer_id is not None:
        assignment_work.reopened(claim_id, reviewer_id)


def review_transition(
    claim: Claim,
    annotation: Annotation,
    *,
    from_status: str,
    to_status: str,
    published_before: int | None,
    replaced: list[int],
    now: datetime.datetime,
) -> None:
    """A review transition of `annotation` (and of the `replaced` annotations, ids, put back from approved
    to submitted). `claim` carries its published version after the transition, `published_before` the
    id of the one before it."""
    counters.publication_changed(
        claim.article_id,
        was_published=published_before is not None,
        is_published=claim.published_version_id is not None,
    )
    if claim.published_version_id != published_before:
        export_rows.refresh_claim(claim.pk)
        search_fields.sync_published_rationale(claim)
    tallies.record_review(
        claim, annotation, from_status=from_status, to_status=to_status,
        published_before=published_before, replaced=replaced, now=now,
    )  # fmt: skip
    assignment_work.review_changed(annotation, to_status, now)


def rebuild(article_ids: range | None = None) -> dict[str, int]:
    """Recompute every derived table from the history; returns rows written per table.

    `article_ids`: a bulk load's contiguous article ids, whose counters are recounted (None: all).
    """
    return {
        "article counters": counters.recount_articles(article_ids),
        "published export rows": export_rows.rebuild(),
        "search fields": search_fields.rebuild(),
        "desk tallies": tallies.recount(),
        "assignments done": assignment_work.rebuild(),
    }
