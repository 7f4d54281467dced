"""The desk at a glance (read side): published verdicts, reviewers' work, daily throughput, agreement and backlog.

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
- agreement: Krippendorff's alpha (nominal) on first submissions (the independent
  verdicts, annotations.agreement.counted_version) over the claims whose counted
  verdicts last changed in the range, from the same maintained sums as the agreement API.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck.lib.instants import is_bare_date, parse_instant

from .. import agreement
from ..agreement import BASIS
from ..languages import clean_language_filter, language_filter, language_matches
from ..models import Article, BacklogTally, Claim, DailyTally, Verdict, WaitingAnnotation
from .definitions import (
    ANNOTATED,
    APPROVED,
    DAY,
    MONTH,
    PUBLISHED,
    REJECTED,
    SUBMITTED,
    TOTAL,
    UNANNOTATED,
    UTC,
    WAITING,
    raw_daily_rows,
)
from .workload import daily_questions, reviewer_workload

MAX_DAYS = 366
DEFAULT_DAYS = 30


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
        errors["date_to"] = _("The end date is before the start date.")
    elif not errors and (date_to - date_from).days + 1 > MAX_DAYS:
        errors["date_from"] = _("The range covers more than %(days)s days; choose a shorter one.") % {"days": MAX_DAYS}
    try:
        language = clean_language_filter(params.get("language")) or None
    except ValidationError as error:
        language = None
        errors["language"] = error.message_dict["language"][0]
    article = (params.get("article") or "").strip() or None
    if article is not None:
        if not article.isdigit():
            errors["article"] = _("Expected an article id.")
        elif not Article.objects.filter(pk=int(article)).exists():
            errors["article"] = _("There is no article %(id)s.") % {"id": article}
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
        rows = [row for row in rows if not filters.language or language_matches(row[1], filters.language)]
        sums = [(metric, verdict, username, count) for _d, _l, metric, _r, verdict, count, username in rows]
        days = [(day, metric, count) for day, _l, metric, _r, _v, count, _u in rows]
        backlog = backlog_of_article(filters)
    backlog.update(daily_questions(filters))
    figures = _shape(filters, verdicts, sums, days, backlog, _agreement(filters))
    _add_workload(figures, reviewer_workload(filters))
    return figures


def _add_workload(figures: "DeskStats", assigned: dict[str, dict[str, int]]) -> None:
    """Each reviewer's assigned, open and overdue work (now) beside their work in the range; a reviewer with
    assigned work and none in the range is listed too."""
    rows = {row["reviewer"]: row for row in figures.reviewers}
    for username in assigned:
        if username not in rows:
            row = {"reviewer": username, "annotations": 0, "submitted": 0, "approved": 0, "rejected": 0}
            figures.reviewers.append(row)
            rows[username] = row
    for username, row in rows.items():
        row.update(assigned.get(username, {"assigned": 0, "open": 0, "overdue": 0}))


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
        tallies = tallies.filter(language_filter("language", filters.language))
    grouped = tallies.values("metric", "reviewer_id", "verdict_id").annotate(total=Sum("count")).order_by()
    username = User.objects.filter(pk=OuterRef("reviewer_id")).values(User.USERNAME_FIELD)[:1]
    rows = grouped.annotate(username=Subquery(username))  # joined to the few grouped rows
    return [(r["metric"], r["verdict_id"], r["username"], r["total"]) for r in rows if r["total"]]


def _tally_days(filters: StatsFilters) -> list[tuple]:
    """The daily series from the per-day total rows (one per day, language and metric)."""
    tallies = DailyTally.objects.filter(grain=TOTAL, day__gte=filters.date_from, day__lte=filters.date_to)
    if filters.language:
        tallies = tallies.filter(language_filter("language", filters.language))
    grouped = tallies.values("day", "metric").annotate(total=Sum("count")).order_by()
    return [(row["day"], row["metric"], row["total"]) for row in grouped]


def _backlog_from_tallies(filters: StatsFilters) -> dict:
    tallies = BacklogTally.objects.all()
    if filters.language:
        tallies = tallies.filter(language_filter("language", filters.language))
    counts = dict(tallies.values("metric").annotate(total=Sum("count")).order_by().values_list("metric", "total"))
    waiting = WaitingAnnotation.objects.all()
    if filters.language:
        waiting = waiting.filter(language_filter("language", filters.language))
    oldest = waiting.order_by("since").values_list("since", flat=True).first()
    return _backlog(counts.get(UNANNOTATED, 0), counts.get(WAITING, 0), oldest)


def backlog_of_article(filters: StatsFilters) -> dict:
    claims = Claim.objects.filter(article_id=filters.article)
    waiting = WaitingAnnotation.objects.filter(annotation__claim__article_id=filters.article)
    if filters.language:
        claims = claims.filter(language_filter("article__language", filters.language))
        waiting = waiting.filter(language_filter("language", filters.language))
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
    """Agreement over the claims whose counted verdicts changed in the range: the agreement API's
    figures, from the same maintained sums (annotations.agreement)."""
    figures = agreement.agreement(
        filters.article, date_from=filters.start, date_to=filters.end, language=filters.language
    )
    return {"basis": BASIS, "alpha": figures.alpha, "claims": figures.claims, "annotations": figures.annotations}
