"""Agreement between reviewers: Krippendorff's alpha (nominal) and the claims where verdicts differ.

A claim counts once two or more of its annotations have been submitted; each
contributes the verdict its reviewer first submitted (the independent judgement,
made before others' verdicts were visible: `counted_version`), whatever was
changed after a re-open. COUNTED_VERDICTS_SQL is that rule in SQL, read by the
maintained sums (annotations.derived.agreement) and the disagreement lists.
Alpha is computed from the coincidence matrix, as in Krippendorff,
"Computing Krippendorff's Alpha-Reliability" (2011):

    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k

where o_ck counts, per claim u with m_u values, the ordered pairs of values
(c, k) from different reviewers divided by m_u - 1, n_c = sum_k o_ck, n = sum_c n_c.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, Sum

from .languages import language_filter
from .models import AgreementTally, Annotation, AnnotationVersion, Claim, PairedClaim, Verdict

SUBMITTED_STATUSES = (Annotation.Status.SUBMITTED, Annotation.Status.APPROVED, Annotation.Status.REJECTED)
# What the figures are computed on, as the answer says it.
BASIS = "first_submissions"


def counts_for_agreement() -> Q:
    """Which annotations count: those whose reviewer has submitted them at least once."""
    return Q(first_submitted_version__isnull=False)


def counted_version() -> F:
    """Which version of an annotation counts for agreement: the one its reviewer first submitted. The one
    place this rule lives; every computation of agreement joins the version numbered by this."""
    return F("first_submitted_version")


def nominal_alpha(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data; each unit is the list of values it received.

    Units with fewer than two values are not pairable and are ignored. Returns None
    when alpha is undefined: no pairable values, or a single value used throughout
    (no expected disagreement to compare with).
    """
    coincidences: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for values in units:
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs / (m - 1)
    totals: dict[Hashable, float] = defaultdict(float)
    for (c, _k), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    observed = sum(o for (c, k), o in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


# `counted_version` in SQL: one row per annotation submitted at least once (claim_id, reviewer_id,
# verdict_id, updated_at), its verdict the first submitted version's and `updated_at` when that version
# was written. `{scope}` takes "AND a.claim_id = ANY(%s)" or nothing.
COUNTED_VERDICTS_SQL = f"""
SELECT a.claim_id, a.reviewer_id, v.verdict_id, v.created_at AS updated_at
  FROM {Annotation._meta.db_table} a
  JOIN {AnnotationVersion._meta.db_table} v ON v.annotation_id = a.id AND v.number = a.first_submitted_version
 WHERE a.first_submitted_version IS NOT NULL {{scope}}
"""


@dataclass
class Disagreement:
    claim: int
    exact: str
    verdicts: dict[str, str]


@dataclass
class Agreement:
    alpha: float | None
    claims: int
    annotations: int
    disagreements: list[Disagreement] = field(default_factory=list)
    # Claims whose reviewers disagree; `disagreements` lists the first MAX_DISAGREEMENTS of them.
    disagreement_count: int = 0

    def as_dict(self) -> dict:
        return {
            "basis": BASIS,
            "alpha": self.alpha,
            "claims": self.claims,
            "annotations": self.annotations,
            "disagreement_count": self.disagreement_count,
            "disagreements": [vars(d) for d in self.disagreements],
        }


MAX_DISAGREEMENTS = 100


@dataclass
class _Sums:
    """Alpha's additive sums over a set of claims (see models.agreement): by size m, [units, spread,
    disagreeing]; by verdict id, votes."""

    by_size: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    by_verdict: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add_sizes(self, rows: Iterable[tuple]) -> None:
        for size, units, spread, disagreeing in rows:
            sums = self.by_size[size]
            sums[0], sums[1], sums[2] = sums[0] + int(units), sums[1] + int(spread), sums[2] + int(disagreeing)

    def add_votes(self, rows: Iterable[tuple]) -> None:
        for verdict_id, votes in rows:
            self.by_verdict[int(verdict_id)] += int(votes)

    def alpha(self) -> float | None:
        n = sum(self.by_verdict.values())
        observed = sum(spread / (size - 1) for size, (_u, spread, _d) in self.by_size.items() if size > 1)
        expected = n * n - sum(votes * votes for votes in self.by_verdict.values())
        return None if n <= 1 or expected == 0 else 1 - (n - 1) * observed / expected


def agreement(
    article_id: int | None = None,
    *,
    date_from: datetime.datetime | None = None,
    date_to: datetime.datetime | None = None,
    language: str | None = None,
) -> Agreement:
    """Alpha over every claim in scope with two or more counted verdicts, and the claims among them
    whose reviewers gave different verdicts (the first MAX_DISAGREEMENTS by claim id; all counted).

    A claim is in a date range when the newest of its counted annotations changed within it. Read
    from the maintained sums: whole UTC days from the day tally (a few rows per day), an article or
    the instants before the first and after the last whole day from the claims' own rows; the cost
    does not grow with the desk.
    """
    paired = PairedClaim.objects.all()
    if article_id is not None:
        paired = paired.filter(claim__article_id=article_id)
    if language:
        paired = paired.filter(language_filter("language", language))
    sums = _Sums()
    if article_id is not None:
        _add_rows(sums, _in_range(paired, date_from, date_to))
    else:
        first_day, end_day = _whole_days(date_from, date_to)
        if first_day is not None and end_day is not None and first_day >= end_day:
            _add_rows(sums, _in_range(paired, date_from, date_to))
        else:
            _add_tally(sums, first_day, end_day, language)
            if first_day is not None and date_from is not None:
                _add_rows(sums, _in_range(paired, date_from, _midnight(first_day)))
            if end_day is not None and date_to is not None:
                _add_rows(sums, _in_range(paired, _midnight(end_day), date_to))
    in_scope = _in_range(paired, date_from, date_to)
    first_ids = list(
        in_scope.filter(disagreeing=True).order_by("claim_id").values_list("claim_id", flat=True)[:MAX_DISAGREEMENTS]
    )
    return Agreement(
        alpha=sums.alpha(),
        claims=sum(units for units, _s, _d in sums.by_size.values()),
        annotations=sum(sums.by_verdict.values()),
        disagreements=_disagreements(first_ids),
        disagreement_count=sum(disagreeing for _u, _s, disagreeing in sums.by_size.values()),
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _whole_days(date_from, date_to) -> tuple[datetime.date | None, datetime.date | None]:
    """The first whole UTC day from date_from and the day date_to falls in (exclusive end); None: open."""
    first = None
    if date_from is not None:
        start = date_from.astimezone(datetime.UTC)
        first = start.date() if start == _midnight(start.date()) else start.date() + datetime.timedelta(days=1)
    end = None if date_to is None else date_to.astimezone(datetime.UTC).date()
    return first, end


def _in_range(paired, date_from, date_to):
    if date_from is not None:
        paired = paired.filter(updated_at__gte=date_from)
    if date_to is not None:
        paired = paired.filter(updated_at__lt=date_to)
    return paired


def _add_rows(sums: _Sums, paired) -> None:
    sums.add_sizes(
        paired.order_by()
        .values("size")
        .annotate(
            units=Count("pk"), spread_sum=Sum("spread"), disagreeing_count=Count("pk", filter=Q(disagreeing=True))
        )
        .values_list("size", "units", "spread_sum", "disagreeing_count")
    )
    sql, params = paired.order_by().values("votes").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.key, SUM(v.value::bigint) FROM ({sql}) p, jsonb_each_text(p.votes) v GROUP BY v.key", params
        )
        sums.add_votes(cursor.fetchall())


def _add_tally(sums: _Sums, first_day, end_day, language) -> None:
    rows = AgreementTally.objects.all()
    if first_day is not None:
        rows = rows.filter(day__gte=first_day)
    if end_day is not None:
        rows = rows.filter(day__lt=end_day)
    if language:
        rows = rows.filter(language_filter("language", language))
    rows = rows.order_by()
    sums.add_sizes(
        rows.filter(size__gt=0)
        .values("size")
        .annotate(u=Sum("units"), s=Sum("spread"), d=Sum("disagreeing"))
        .values_list("size", "u", "s", "d")
    )
    sums.add_votes(
        rows.filter(verdict_id__gt=0).values("verdict_id").annotate(n=Sum("votes")).values_list("verdict_id", "n")
    )


def _disagreements(claim_ids: list[int]) -> list[Disagreement]:
    """The listed claims' counted verdicts by reviewer."""
    if not claim_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT votes.claim_id, c.exact, u.username, vd.key
              FROM ({COUNTED_VERDICTS_SQL.replace("{scope}", "AND a.claim_id = ANY(%s)")}) votes
              JOIN {Claim._meta.db_table} c ON c.id = votes.claim_id
              JOIN {get_user_model()._meta.db_table} u ON u.id = votes.reviewer_id
              JOIN {Verdict._meta.db_table} vd ON vd.id = votes.verdict_id
             ORDER BY votes.claim_id, u.username
            """,
            [claim_ids],
        )
        rows = cursor.fetchall()
    by_claim: dict[int, Disagreement] = {}
    for claim_id, exact, username, key in rows:
        by_claim.setdefault(claim_id, Disagreement(claim=claim_id, exact=exact, verdicts={})).verdicts[username] = key
    return [by_claim[claim_id] for claim_id in claim_ids if claim_id in by_claim]
