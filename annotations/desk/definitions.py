"""What the desk's figures count, defined over the domain's own rows (see desk.figures for the
definitions in words): the metric names, the tallies' grains, and `raw_daily_rows`, which computes
the daily counters straight from the history. derived.tallies keeps the counters equal to it."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Lower, TruncDate

from ..models import Annotation, Claim, Publication, ReviewTransition

Status = Annotation.Status

ANNOTATED, SUBMITTED, APPROVED, REJECTED, PUBLISHED = "annotated", "submitted", "approved", "rejected", "published"
UNANNOTATED, WAITING = "unannotated", "waiting"
# DailyTally grains: a day's row; its month's row (first day of the month); the day's total of a
# daily-series metric over every reviewer.
DAY, MONTH, TOTAL = "day", "month", "total"
SERIES_METRICS = (ANNOTATED, APPROVED)
UTC = datetime.UTC


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
        # From submitted only: an editor's "the verdict still holds" on changed words (annotations.words)
        # is recorded as approved -> approved and is not another approval.
        When(to_status=Status.APPROVED, from_status=Status.SUBMITTED, then=Value(APPROVED)),
        When(to_status=Status.REJECTED, then=Value(REJECTED)),
        output_field=CharField(),
    )
    rows = [
        *grouped(annotations, "created_at", lang, "reviewer_id", None, ANNOTATED),
        *grouped(transitions, "created_at", "annotation__" + lang, "annotation__reviewer_id", None, transition_metric),
        *grouped(published, "published_at", "article__language", None, "published_version__verdict_id", PUBLISHED),
    ]
    return rows if usernames else [row[:6] for row in rows]
