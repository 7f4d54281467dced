"""The desk's counters (`DailyTally`, `BacklogTally`, `WaitingAnnotation`), kept by
the services through annotations.derived in the same transaction as the work, and rebuilt from
the history by `recount` (see desk.definitions for what they count)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Lower

from ..desk.definitions import (
    ANNOTATED,
    DAY,
    MONTH,
    PUBLISHED,
    SERIES_METRICS,
    SUBMITTED,
    TOTAL,
    UNANNOTATED,
    UTC,
    WAITING,
    raw_daily_rows,
)
from ..desk.figures import StatsFilters, backlog_of_article
from ..models import (
    Annotation,
    Article,
    BacklogTally,
    Claim,
    DailyTally,
    Publication,
    ReviewTransition,
    WaitingAnnotation,
)

Status = Annotation.Status
# In the order the services write them (record_review: waiting annotations, then the daily and backlog
# upserts), so that rebuild's LOCK TABLE, which takes them one by one, meets writers in the same order.
TABLES = (WaitingAnnotation, DailyTally, BacklogTally)


@transaction.atomic
def recount() -> int:
    """Rebuild every counter from the rows themselves (after a bulk load that bypassed the services);
    returns the number of counter rows written."""
    for model in TABLES:
        model.objects.all().delete()
    DailyTally.objects.bulk_create(
        (
            DailyTally(grain=g, day=d, language=lang, metric=m, reviewer_id=r, verdict_id=v, count=n)
            for g, d, lang, m, r, v, n in _merged(_grains(raw_daily_rows()))
        ),
        batch_size=5000,
    )
    # Waiting since it was last sent for review: an editor's note on a submitted annotation (a words
    # decision recorded as submitted -> submitted) does not restart its wait.
    submitted_at = ReviewTransition.objects.filter(annotation_id=OuterRef("pk"), to_status=Status.SUBMITTED).exclude(
        from_status=Status.SUBMITTED
    )
    WaitingAnnotation.objects.bulk_create(
        (
            WaitingAnnotation(annotation_id=row["pk"], language=row["lang"], since=row["since"] or row["updated_at"])
            for row in Annotation.objects.filter(status=Status.SUBMITTED).values(
                "pk",
                "updated_at",
                lang=Lower("claim__article__language"),
                since=Subquery(submitted_at.order_by("-created_at", "-id").values("created_at")[:1]),
            )
        ),
        batch_size=5000,
    )
    unannotated = (
        Claim.objects.filter(annotations__isnull=True)
        .values(lang=Lower("article__language"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    waiting = (
        Annotation.objects.filter(status=Status.SUBMITTED)
        .values(lang=Lower("claim__article__language"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    BacklogTally.objects.bulk_create(
        [BacklogTally(language=row["lang"], metric=UNANNOTATED, count=row["n"]) for row in unannotated]
        + [BacklogTally(language=row["lang"], metric=WAITING, count=row["n"]) for row in waiting]
    )
    return sum(model.objects.count() for model in TABLES)


def _add(daily: Iterable[tuple] = (), backlog: Iterable[tuple] = ()) -> None:
    """Add deltas: daily (day, language, metric, reviewer_id, verdict_id, delta), backlog (language, metric,
    delta). Rows are upserted in key order, so concurrent transactions lock them in the same order."""
    daily, backlog = _merged(_grains(daily)), _merged(backlog)
    with connection.cursor() as cursor:
        if daily:
            table = DailyTally._meta.db_table
            cursor.execute(
                f"INSERT INTO {table} (grain, day, language, metric, reviewer_id, verdict_id, count) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(daily))
                + " ON CONFLICT (grain, day, language, metric, reviewer_id, verdict_id)"
                f" DO UPDATE SET count = {table}.count + excluded.count",
                [value for row in daily for value in row],
            )
        if backlog:
            table = BacklogTally._meta.db_table
            cursor.execute(
                f"INSERT INTO {table} (language, metric, count) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(backlog))
                + f" ON CONFLICT (language, metric) DO UPDATE SET count = {table}.count + excluded.count",
                [value for row in backlog for value in row],
            )


def _grains(rows: Iterable[tuple]) -> Iterable[tuple]:
    """Each day's delta also counts in its month's row and, for the daily series, in the day's total."""
    for day, language, metric, reviewer, verdict, delta in rows:
        yield DAY, day, language, metric, reviewer, verdict, delta
        yield MONTH, day.replace(day=1), language, metric, reviewer, verdict, delta
        if metric in SERIES_METRICS:
            yield TOTAL, day, language, metric, 0, 0, delta


def _merged(rows: Iterable[tuple]) -> list[tuple]:
    """One row per key (an upsert may touch a row once), sorted, without zero deltas."""
    totals: dict[tuple, int] = defaultdict(int)
    for *key, delta in rows:
        totals[tuple(key)] += delta
    return [(*key, delta) for key, delta in sorted(totals.items()) if delta]


def _day(instant: datetime.datetime) -> datetime.date:
    return instant.astimezone(UTC).date()


def _language_of_claim(claim_id: int) -> str:
    return Article.objects.filter(claims=claim_id).values_list(Lower("language"), flat=True).get()


def record_claim_created(claim: Claim, language: str) -> None:
    _add(backlog=[(language.lower(), UNANNOTATED, 1)])


def record_claims_deleted(language: str, count: int) -> None:
    """Claims are deleted only while nobody has annotated them (annotations protect them)."""
    _add(backlog=[(language.lower(), UNANNOTATED, -count)])


def record_language_changed(article_id: int, old_language: str) -> None:
    """An article's language changed: its share of the counters moves to the new language."""
    old_language = old_language.lower()
    moved = raw_daily_rows(article=article_id)
    daily = [row for d, lang, m, r, v, n in moved for row in ((d, old_language, m, r, v, -n), (d, lang, m, r, v, n))]
    new_language = Article.objects.filter(pk=article_id).values_list(Lower("language"), flat=True).get()
    backlog = backlog_of_article(StatsFilters(datetime.date.min, datetime.date.min, article=article_id))
    _add(
        daily=daily,
        backlog=[
            (old_language, UNANNOTATED, -backlog["unannotated_claims"]),
            (new_language, UNANNOTATED, backlog["unannotated_claims"]),
            (old_language, WAITING, -backlog["waiting"]),
            (new_language, WAITING, backlog["waiting"]),
        ],
    )
    WaitingAnnotation.objects.filter(annotation__claim__article_id=article_id).update(language=new_language)


def record_annotation_started(annotation: Annotation) -> None:
    """Version 1 of a reviewer's annotation: counted for the day; the claim leaves the unannotated backlog
    if this is its first annotation (the claim row lock makes concurrent first annotations count once)."""
    Claim.objects.select_for_update().filter(pk=annotation.claim_id).values_list("pk").get()
    language = _language_of_claim(annotation.claim_id)
    first = not Annotation.objects.filter(claim_id=annotation.claim_id).exclude(pk=annotation.pk).exists()
    _add(
        daily=[(_day(annotation.created_at), language, ANNOTATED, annotation.reviewer_id, 0, 1)],
        backlog=[(language, UNANNOTATED, -1 if first else 0)],
    )


def record_review(
    claim: Claim,
    annotation: Annotation,
    *,
    from_status: str,
    to_status: str,
    published_before: int | None,
    replaced: list[int],
    now: datetime.datetime,
) -> None:
    """A review transition of `annotation` (and the `replaced` annotations, ids, put back from approved to
    submitted); `claim` carries its published version after the transition, `published_before` the one
    before it."""
    language = _language_of_claim(claim.pk)
    day = _day(now)
    daily, waiting = [], len(replaced)
    if to_status == Status.SUBMITTED:
        daily.append((day, language, SUBMITTED, annotation.reviewer_id, 0, 1))
        waiting += 1
    else:
        if to_status != Status.DRAFT:  # an editor's re-open is not one of the daily metrics
            daily.append((day, language, to_status, annotation.reviewer_id, 0, 1))
        waiting -= from_status == Status.SUBMITTED
    if from_status == Status.SUBMITTED:
        WaitingAnnotation.objects.filter(annotation_id=annotation.pk).delete()
    back = [*replaced, annotation.pk] if to_status == Status.SUBMITTED else replaced
    WaitingAnnotation.objects.bulk_create(
        [WaitingAnnotation(annotation_id=pk, language=language, since=now) for pk in back]
    )
    if claim.published_version_id != published_before:
        if published_before is not None:
            previous = (
                Publication.objects.filter(claim=claim, version_id=published_before)
                .order_by("-created_at", "-id")
                .values_list("created_at", "version__verdict_id")
                .first()
            )
            if previous is not None:
                daily.append((_day(previous[0]), language, PUBLISHED, 0, previous[1], -1))
        if claim.published_version is not None:
            daily.append((day, language, PUBLISHED, 0, claim.published_version.verdict_id, 1))
    _add(daily=daily, backlog=[(language, WAITING, waiting)])
