"""The one home of derived data: every table computed from the history is updated here, and only here.

Derived from the history: the per-article counters (`counters`), the desk's tallies (`tallies`),
the published export rows (`export_rows`), the claims' search fields (`search_fields`), agreement's
sums (`agreement`) and whether assigned work is done (`assignment_work`). The
services call one function of this module per domain event, inside the transaction that makes the
change; each function updates every derived table that the event touches, so no writer can forget
one. `rebuild` recomputes all of them from the history (after a bulk load, or to repair).

A rule that is checked: no module outside this package writes a derived table
(tests/test_layers.py), and a property test drives random sequences of domain operations and
compares every derived table with a rebuild (tests/test_derived.py).
"""

import datetime
import time

from django.db import connection, transaction

from ..agreement import SUBMITTED_STATUSES
from ..models import AgreementTally, Annotation, Article, Assignment, Claim, PairedClaim, PublishedExportRow
from . import agreement, assignment_work, counters, export_rows, search_fields, tallies


def new_claim_fields(article: Article) -> dict:
    """The derived fields a claim is created with (its search configuration, from its article)."""
    return search_fields.new_claim_fields(article)


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
        agreement.refresh_article(article.pk)


def annotation_started(annotation: Annotation) -> None:
    tallies.record_annotation_started(annotation)


def version_appended(annotation_id: int, claim_id: int, *, status: str, reopened: bool, reviewer_id: int) -> None:
    """A new version of an annotation; `reopened`: it was approved or rejected and is a draft again."""
    if reopened or status in SUBMITTED_STATUSES:  # its counted verdict, or whether it counts, changed
        agreement.refresh_claims([claim_id])
    if reopened:
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
    agreement.refresh_claims([claim.pk])
    assignment_work.review_changed(annotation, to_status, now)


def claim_words_decided(claim: Claim) -> None:
    """An editor decided on a claim whose words changed under its verdict (annotations.words): its
    published row carries the words that are published now (the judged ones, or the current ones)."""
    export_rows.refresh_claim(claim.pk)


# What `rebuild` recomputes, in order: a name, the tables it writes (locked while it runs), and how.
# Each step is one transaction that first locks its tables in EXCLUSIVE mode: readers go on reading
# the committed rows (never a half-rebuilt table: the new rows appear at commit), while writers, whose
# services update these tables in their own transactions, wait for the step and then apply their
# change on top of the rebuilt rows, so no concurrent update is lost. A writer that already changed
# one of the tables has committed before the lock is granted, and the step reads the history only
# after that, so its change is in the rebuild.
STEPS = (
    ("article counters", (Article,), counters.recount_articles),
    ("published export rows", (PublishedExportRow,), export_rows.rebuild),
    ("search fields", (Claim,), search_fields.rebuild),
    ("desk tallies", tallies.TABLES, tallies.recount),
    ("agreement", (PairedClaim, AgreementTally), agreement.rebuild),
    ("assignments done", (Assignment,), assignment_work.rebuild),
)


def rebuild(article_ids: range | None = None, *, progress=None) -> dict[str, int]:
    """Recompute every derived table from the history; returns rows written per table. Idempotent.

    `article_ids`: a bulk load's contiguous article ids, whose counters are recounted (None: all).
    `progress(name, rows, seconds)` is called after each table.
    """
    written = {}
    for name, tables, step in STEPS:
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {', '.join(t._meta.db_table for t in tables)} IN EXCLUSIVE MODE")
            written[name] = step(article_ids) if step is counters.recount_articles else step()
        if progress is not None:
            progress(name, written[name], time.perf_counter() - started)
    return written
