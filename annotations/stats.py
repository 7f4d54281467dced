"""The desk at a glance: published verdicts, reviewers' work, daily throughput, agreement and backlog.

Figures are by UTC day. Over a date range (at most MAX_DAYS days) they are read
from counters that the review and versioning services keep in the same
transaction as the work (`DailyTally`, `BacklogTally`, `PairedClaim`), so a
request costs the same at a thousand claims as at a million. Restricted to one
article they are computed from the article's own rows (bounded by its size),
with the same definitions as the counters (`raw_daily_rows`); `recount()`
rebuilds every counter from those definitions (after bulk loads).

Definitions, for a day d:
- annotated: annotations started on d (version 1), by reviewer;
- submitted / approved / rejected: review transitions made on d, counted for the
  annotation's reviewer (submitted: sent for review by its reviewer, not put back
  when another annotation replaced it as the published one);
- published (the verdicts chart): claims whose standing published verdict was
  published on d, by verdict. A replaced or withdrawn verdict leaves the count
  of the day it was published, so the sum over all days is what stands now.
  The daily series' `published` is approvals made on d (throughput).
- backlog (now, whatever the range): claims with no annotation, annotations
  submitted and waiting for an editor, the oldest waiting one's age.
- agreement: Krippendorff's alpha (nominal) over the claims whose set of two or
  more submitted annotations last changed in the range, the AGREEMENT_MAX_CLAIMS
  most recent of them (`limited` says when there were more).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from .agreement import SUBMITTED_STATUSES, nominal_alpha
from .instants import is_bare_date, parse_instant
from .models import (
    Annotation,
    Article,
    BacklogTally,
    Claim,
    DailyTally,
    PairedClaim,
    Publication,
    ReviewTransition,
    Verdict,
    WaitingAnnotation,
)

Status = Annotation.Status
MAX_DAYS = 366
DEFAULT_DAYS = 30
AGREEMENT_MAX_CLAIMS = 2000

ANNOTATED, SUBMITTED, APPROVED, REJECTED, PUBLISHED = "annotated", "submitted", "approved", "rejected", "published"
UNANNOTATED, WAITING = "unannotated", "waiting"
# DailyTally grains: a day's row; its month's row (first day of the month); the day's total of a
# daily-series metric over every reviewer.
DAY, MONTH, TOTAL = "day", "month", "total"
SERIES_METRICS = (ANNOTATED, APPROVED)
UTC = datetime.UTC


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class StatsFilters:
    date_from: datetime.date
    date_to: datetime.date  # inclusive
    language: str | None = None
    article: int | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date_from, datetime.time(), tzinfo=UTC)

    @property
    def end(self) -> datetime.datetime:
        """Exclusive."""
        return datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=UTC)


@dataclass
class DeskStats:
    filters: StatsFilters
    verdicts: list[dict]
    reviewers: list[dict]
    daily: list[dict]
    agreement: dict
    backlog: dict
    totals: dict = field(default_factory=dict)


def parse_filters(params, *, today: datetime.date | None = None) -> StatsFilters:
    """Read `date_from`, `date_to` (dates or instants, UTC days, both inclusive), `language`, `article`.

    Raises ValidationError({field: message}). Without dates: the last DEFAULT_DAYS days.
    """
    today = today or timezone.now().astimezone(UTC).date()
    errors = {}
    days = {}
    for name in ("date_from", "date_to"):
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            instant = parse_instant(raw)
        except ValueError as error:
            errors[name] = str(error)
            continue
        days[name] = instant.date() if is_bare_date(raw) else instant.astimezone(UTC).date()
    date_to = days.get("date_to") or today
    date_from = days.get("date_from") or date_to - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if not errors and date_to < date_from:
        errors["date_to"] = "date_to is before date_from."
    elif not errors and (date_to - date_from).days + 1 > MAX_DAYS:
        errors["date_from"] = f"The range covers more than {MAX_DAYS} days; choose a shorter one."
    language = (params.get("language") or "").strip().lower() or None
    if language is not None and len(language) > 35:
        errors["language"] = "A BCP 47 language tag has at most 35 characters."
    article = (params.get("article") or "").strip() or None
    if article is not None:
        if not article.isdigit():
            errors["article"] = "Expected an article id."
        elif not Article.objects.filter(pk=int(article)).exists():
            errors["article"] = f"There is no article {article}."
    if errors:
        raise ValidationError(errors)
    return StatsFilters(date_from, date_to, language, int(article) if article else None)


def desk_stats(filters: StatsFilters) -> DeskStats:
    """Every figure of the dashboard for `filters`, in a fixed number of queries."""
    verdicts = list(Verdict.objects.order_by("position", "id").values_list("id", "key", "label", "colour"))
    if filters.article is None:
        sums, days = _tally_sums(filters), _tally_days(filters)
        backlog = _backlog_from_tallies(filters)
    else:
        rows = raw_daily_rows(article=filters.article, start=filters.start, end=filters.end, usernames=True)
        rows = [row for row in rows if not filters.language or row[1] == filters.language]
        sums = [(metric, verdict, username, count) for _d, _l, metric, _r, verdict, count, username in rows]
        days = [(day, metric, count) for day, _l, metric, _r, _v, count, _u in rows]
        backlog = _backlog_of_article(filters)
    return _shape(filters, verdicts, sums, days, backlog, _agreement(filters))


def languages() -> list[str]:
    """The languages the counters know (for a filter control), from the small backlog table."""
    return list(BacklogTally.objects.order_by("language").values_list("language", flat=True).distinct())


def _shape(filters: StatsFilters, verdicts, sums, days, backlog: dict, agreement: dict) -> DeskStats:
    """sums: (metric, verdict_id, username, count) over the range; days: (day, metric, count)."""
    by_verdict: dict[int, int] = defaultdict(int)
    by_reviewer: dict[str, dict] = {}
    for metric, verdict_id, username, count in sums:
        if metric == PUBLISHED:
            by_verdict[verdict_id] += count
        else:
            person = by_reviewer.setdefault(username, {ANNOTATED: 0, SUBMITTED: 0, APPROVED: 0, REJECTED: 0})
            person[metric] += count
    daily = {filters.date_from + datetime.timedelta(days=n): {ANNOTATED: 0, APPROVED: 0} for n in range(filters.days)}
    for day, metric, count in days:
        if metric in (ANNOTATED, APPROVED) and day in daily:
            daily[day][metric] += count
    verdict_rows = [
        {"verdict": key, "label": label, "colour": colour, "count": by_verdict.get(pk, 0)}
        for pk, key, label, colour in verdicts
    ]
    reviewer_rows = sorted(
        (
            {
                "reviewer": username,
                "annotations": counts[ANNOTATED],
                "submitted": counts[SUBMITTED],
                "approved": counts[APPROVED],
                "rejected": counts[REJECTED],
            }
            for username, counts in by_reviewer.items()
            if any(counts.values())
        ),
        key=lambda row: (-row["annotations"], -row["submitted"], row["reviewer"]),
    )
    daily_rows = [{"date": day, "annotated": d[ANNOTATED], "published": d[APPROVED]} for day, d in daily.items()]
    totals = {
        "published": sum(row["count"] for row in verdict_rows),
        "annotated": sum(row["annotated"] for row in daily_rows),
        "approved": sum(row["published"] for row in daily_rows),
    }
    return DeskStats(filters, verdict_rows, reviewer_rows, daily_rows, agreement, backlog, totals)


def _months_within(first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The whole calendar months inside [first, last] as (first day of the first, first day after the last),
    or None when there is none."""
    start = first if first.day == 1 else _next_month(first)
    after = _next_month(last) if _next_month(last) - datetime.timedelta(days=1) == last else last.replace(day=1)
    return (start, after) if start < after else None


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _tally_sums(filters: StatsFilters) -> list[tuple]:
    """Per reviewer and per verdict over the range: whole months from month rows, the days at either
    edge from day rows (at most ~60 days of rows, whatever the range)."""
    User = get_user_model()
    months = _months_within(filters.date_from, filters.date_to)
    if months is None:
        span = Q(grain=DAY, day__gte=filters.date_from, day__lte=filters.date_to)
    else:
        start, after = months
        span = (
            Q(grain=MONTH, day__gte=start, day__lt=after)
            | Q(grain=DAY, day__gte=filters.date_from, day__lt=start)
            | Q(grain=DAY, day__gte=after, day__lte=filters.date_to)
        )
    tallies = DailyTally.objects.filter(span)
    if filters.language:
        tallies = tallies.filter(language=filters.language)
    grouped = tallies.values("metric", "reviewer_id", "verdict_id").annotate(total=Sum("count")).order_by()
    username = User.objects.filter(pk=OuterRef("reviewer_id")).values(User.USERNAME_FIELD)[:1]
    rows = grouped.annotate(username=Subquery(username))  # joined to the few grouped rows
    return [(r["metric"], r["verdict_id"], r["username"], r["total"]) for r in rows if r["total"]]


def _tally_days(filters: StatsFilters) -> list[tuple]:
    """The daily series from the per-day total rows (one per day, language and metric)."""
    tallies = DailyTally.objects.filter(grain=TOTAL, day__gte=filters.date_from, day__lte=filters.date_to)
    if filters.language:
        tallies = tallies.filter(language=filters.language)
    grouped = tallies.values("day", "metric").annotate(total=Sum("count")).order_by()
    return [(row["day"], row["metric"], row["total"]) for row in grouped]


def _backlog_from_tallies(filters: StatsFilters) -> dict:
    tallies = BacklogTally.objects.all()
    if filters.language:
        tallies = tallies.filter(language=filters.language)
    counts = dict(tallies.values("metric").annotate(total=Sum("count")).order_by().values_list("metric", "total"))
    waiting = WaitingAnnotation.objects.all()
    if filters.language:
        waiting = waiting.filter(language=filters.language)
    oldest = waiting.order_by("since").values_list("since", flat=True).first()
    return _backlog(counts.get(UNANNOTATED, 0), counts.get(WAITING, 0), oldest)


def _backlog_of_article(filters: StatsFilters) -> dict:
    claims = Claim.objects.filter(article_id=filters.article)
    waiting = WaitingAnnotation.objects.filter(annotation__claim__article_id=filters.article)
    if filters.language:
        claims = claims.annotate(language=Lower("article__language")).filter(language=filters.language)
        waiting = waiting.filter(language=filters.language)
    unannotated = claims.filter(annotations__isnull=True).count()
    figures = waiting.aggregate(count=Count("pk"), oldest=Min("since"))
    return _backlog(unannotated, figures["count"], figures["oldest"])


def _backlog(unannotated: int, waiting: int, oldest: datetime.datetime | None) -> dict:
    age = None if oldest is None else max(0, int((timezone.now() - oldest).total_seconds()))
    return {
        "unannotated_claims": unannotated or 0,
        "waiting": waiting or 0,
        "oldest_waiting_since": oldest,
        "oldest_waiting_age_seconds": age,
    }


def _agreement(filters: StatsFilters) -> dict:
    paired = PairedClaim.objects.filter(updated_at__gte=filters.start, updated_at__lt=filters.end)
    if filters.language:
        paired = paired.filter(language=filters.language)
    if filters.article is not None:
        paired = paired.filter(claim__article_id=filters.article)
    recent = paired.order_by("-updated_at", "-claim_id").values("claim_id")
    found = recent[: AGREEMENT_MAX_CLAIMS + 1].count()
    rows = (
        Annotation.objects.filter(
            claim_id__in=Subquery(recent[:AGREEMENT_MAX_CLAIMS]),
            status__in=SUBMITTED_STATUSES,
            versions__number=F("version"),
        )
        .order_by("claim_id")
        .values_list("claim_id", "versions__verdict__key")
    )
    units: dict[int, list[str]] = defaultdict(list)
    for claim_id, key in rows:
        units[claim_id].append(key)
    rated = [values for values in units.values() if len(values) >= 2]
    return {
        "alpha": nominal_alpha(rated),
        "claims": len(rated),
        "annotations": sum(len(values) for values in rated),
        "limited": found > AGREEMENT_MAX_CLAIMS,
    }


# ---------------------------------------------------------------- definitions over the rows themselves


def raw_daily_rows(
    *,
    article: int | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    usernames: bool = False,
) -> list[tuple]:
    """The daily counters computed from the domain's own rows: (day, language, metric, reviewer_id,
    verdict_id, count[, username]). Whole-table without `article`: for recount(), not for requests."""

    def window(queryset, instant: str, article_path: str):
        if article is not None:
            queryset = queryset.filter(**{article_path: article})
        if start is not None:
            queryset = queryset.filter(**{f"{instant}__gte": start})
        if end is not None:
            queryset = queryset.filter(**{f"{instant}__lt": end})
        return queryset

    def grouped(queryset, instant: str, language: str, reviewer: str | None, verdict: str | None, metric):
        """`metric`: a metric's name, or an expression naming each row's (None: not counted)."""
        fields = {"d": TruncDate(instant, tzinfo=UTC), "lang": Lower(language)}
        if reviewer:
            fields["who"] = F(reviewer)
            if usernames:
                fields["name"] = F(reviewer.removesuffix("_id") + "__" + get_user_model().USERNAME_FIELD)
        if verdict:
            fields["what"] = F(verdict)
        if not isinstance(metric, str):
            fields["metric"] = metric
        queryset = queryset.annotate(**fields)
        if "metric" in fields:
            queryset = queryset.filter(metric__isnull=False)
        for row in queryset.values(*fields).annotate(n=Count("pk")).order_by():
            yield (
                row["d"], row["lang"], row.get("metric", metric), row.get("who", 0), row.get("what", 0), row["n"],
                row.get("name"),
            )  # fmt: skip

    annotations = window(Annotation.objects.all(), "created_at", "claim__article_id")
    transitions = window(ReviewTransition.objects.all(), "created_at", "annotation__claim__article_id")
    latest_publication = Publication.objects.filter(claim_id=OuterRef("pk")).order_by("-created_at", "-id")
    published = window(
        Claim.objects.filter(published_version__isnull=False).annotate(
            published_at=Subquery(latest_publication.values("created_at")[:1])
        ),
        "published_at",
        "article_id",
    )
    lang = "claim__article__language"
    # One pass over the transitions for the three metrics they count.
    transition_metric = Case(
        When(to_status=Status.SUBMITTED, from_status__in=(Status.DRAFT, Status.REJECTED), then=Value(SUBMITTED)),
        When(to_status=Status.APPROVED, then=Value(APPROVED)),
        When(to_status=Status.REJECTED, then=Value(REJECTED)),
        output_field=CharField(),
    )
    rows = [
        *grouped(annotations, "created_at", lang, "reviewer_id", None, ANNOTATED),
        *grouped(transitions, "created_at", "annotation__" + lang, "annotation__reviewer_id", None, transition_metric),
        *grouped(published, "published_at", "article__language", None, "published_version__verdict_id", PUBLISHED),
    ]
    return rows if usernames else [row[:6] for row in rows]


@transaction.atomic
def recount() -> None:
    """Rebuild every counter from the rows themselves (after a bulk load that bypassed the services)."""
    for model in (DailyTally, BacklogTally, PairedClaim, WaitingAnnotation):
        model.objects.all().delete()
    DailyTally.objects.bulk_create(
        (
            DailyTally(grain=g, day=d, language=lang, metric=m, reviewer_id=r, verdict_id=v, count=n)
            for g, d, lang, m, r, v, n in _merged(_grains(raw_daily_rows()))
        ),
        batch_size=5000,
    )
    submitted_at = ReviewTransition.objects.filter(annotation_id=OuterRef("pk"), to_status=Status.SUBMITTED)
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
    paired = (
        Annotation.objects.filter(status__in=SUBMITTED_STATUSES)
        .values("claim_id", lang=Lower("claim__article__language"))
        .annotate(n=Count("pk"), last=Max("updated_at"))
        .filter(n__gte=2)
        .order_by()
    )
    PairedClaim.objects.bulk_create(
        PairedClaim(claim_id=row["claim_id"], language=row["lang"], updated_at=row["last"]) for row in paired
    )


# ---------------------------------------------------------------- keeping the counters (called by services)


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
    backlog = _backlog_of_article(StatsFilters(datetime.date.min, datetime.date.min, article=article_id))
    _add(
        daily=daily,
        backlog=[
            (old_language, UNANNOTATED, -backlog["unannotated_claims"]),
            (new_language, UNANNOTATED, backlog["unannotated_claims"]),
            (old_language, WAITING, -backlog["waiting"]),
            (new_language, WAITING, backlog["waiting"]),
        ],
    )
    PairedClaim.objects.filter(claim__article_id=article_id).update(language=new_language)
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
    if (from_status in SUBMITTED_STATUSES) != (to_status in SUBMITTED_STATUSES):
        _refresh_paired(claim.pk, language, now)


def record_reopened(claim_id: int, now: datetime.datetime) -> None:
    """An approved or rejected annotation was edited back to draft: it leaves the submitted set."""
    Claim.objects.select_for_update().filter(pk=claim_id).values_list("pk").get()
    _refresh_paired(claim_id, _language_of_claim(claim_id), now)


def _refresh_paired(claim_id: int, language: str, now: datetime.datetime) -> None:
    submitted = Annotation.objects.filter(claim_id=claim_id, status__in=SUBMITTED_STATUSES).count()
    if submitted >= 2:
        PairedClaim.objects.update_or_create(claim_id=claim_id, defaults={"language": language, "updated_at": now})
    else:
        PairedClaim.objects.filter(claim_id=claim_id).delete()
