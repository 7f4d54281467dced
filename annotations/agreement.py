"""Agreement between reviewers: Krippendorff's alpha (nominal) and the claims where verdicts differ.

A claim counts once two or more of its annotations have been submitted; each
contributes the verdict its reviewer first submitted (the independent judgement,
made before others' verdicts were visible: `counted_version`), whatever was
changed after a re-open. Alpha is computed from the coincidence matrix, as in Krippendorff,
"Computing Krippendorff's Alpha-Reliability" (2011):

    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k

where o_ck counts, per claim u with m_u values, the ordered pairs of values
(c, k) from different reviewers divided by m_u - 1, n_c = sum_k o_ck, n = sum_c n_c.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q

from .models import Annotation

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


class ScopeTooLarge(Exception):
    """The requested scope holds more submitted annotations than one request computes over."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"More than {limit} submitted annotations are in this scope; ask for one article "
            "or a shorter date range (date_from, date_to)."
        )
        self.limit = limit


@dataclass(frozen=True)
class Scope:
    """Which annotations agreement is computed over: submitted ones, of one article and/or changed
    within [date_from, date_to) and/or in one article language."""

    article_id: int | None = None
    date_from: datetime.datetime | None = None
    date_to: datetime.datetime | None = None
    language: str | None = None

    def annotations(self):
        rows = Annotation.objects.filter(counts_for_agreement())
        if self.article_id is not None:
            rows = rows.filter(claim__article_id=self.article_id)
        if self.date_from is not None:
            rows = rows.filter(updated_at__gte=self.date_from)
        if self.date_to is not None:
            rows = rows.filter(updated_at__lt=self.date_to)
        if self.language:
            rows = rows.filter(claim__article__language=self.language)
        return rows


# One request computes over at most this many annotations (counting them stops there): the cost
# of an answer is bounded whatever the size of the desk; larger scopes are refused, not slow.
MAX_ANNOTATIONS = 10_000
MAX_DISAGREEMENTS = 100

# Krippendorff's nominal alpha from aggregates (see the module docstring): with m_u values in
# unit u, n_uc of them c, n_c = sum_u n_uc over pairable units and n = sum_c n_c,
#   observed = sum_u (m_u^2 - sum_c n_uc^2) / (m_u - 1),  expected = n^2 - sum_c n_c^2.
_SCOPE_CTE = """
WITH votes(claim_id, verdict_id) AS ({votes}),
units AS (SELECT claim_id, COUNT(*) AS m FROM votes GROUP BY claim_id HAVING COUNT(*) >= 2),
cells AS (SELECT v.claim_id, v.verdict_id, COUNT(*) AS n FROM votes v JOIN units USING (claim_id) GROUP BY 1, 2),
per_unit AS (
    SELECT c.claim_id, u.m, SUM(c.n * c.n) AS squares, COUNT(*) AS kinds
      FROM cells c JOIN units u USING (claim_id) GROUP BY c.claim_id, u.m
),
per_value AS (SELECT SUM(n) AS n_c FROM cells GROUP BY verdict_id)
"""
_ALPHA_SQL = """
SELECT (SELECT COUNT(*) FROM units),
       CAST((SELECT COALESCE(SUM(m), 0) FROM units) AS BIGINT),
       (SELECT COALESCE(SUM(CAST(m * m - squares AS DOUBLE PRECISION) / (m - 1)), 0) FROM per_unit),
       CAST((SELECT COALESCE(SUM(n_c * n_c), 0) FROM per_value) AS BIGINT),
       (SELECT COUNT(*) FROM per_unit WHERE kinds > 1)
"""
_FIRST_DISAGREEMENTS_SQL = "SELECT claim_id FROM per_unit WHERE kinds > 1 ORDER BY claim_id LIMIT %s"


def agreement(
    article_id: int | None = None,
    *,
    date_from: datetime.datetime | None = None,
    date_to: datetime.datetime | None = None,
    language: str | None = None,
) -> Agreement:
    """Alpha over every claim in scope with two or more submitted annotations, and the claims among
    them whose reviewers gave different verdicts (the first MAX_DISAGREEMENTS, by claim id).

    Computed in SQL over the scope; a scope of more than MAX_ANNOTATIONS submitted annotations
    raises ScopeTooLarge (found by a count that stops there), so no request grows with the desk.
    """
    scope = Scope(article_id, date_from, date_to, language)
    annotations = scope.annotations()
    if annotations.order_by().values("pk")[: MAX_ANNOTATIONS + 1].count() > MAX_ANNOTATIONS:
        raise ScopeTooLarge(MAX_ANNOTATIONS)
    votes = annotations.filter(versions__number=counted_version()).order_by().values("claim_id", "versions__verdict_id")
    votes_sql, params = votes.query.sql_with_params()
    cte = _SCOPE_CTE.format(votes=votes_sql)
    with connection.cursor() as cursor:
        cursor.execute(cte + _ALPHA_SQL, params)
        units, n, observed, value_squares, disagreeing = cursor.fetchone()
        cursor.execute(cte + _FIRST_DISAGREEMENTS_SQL, [*params, MAX_DISAGREEMENTS])
        first_ids = [row[0] for row in cursor.fetchall()]
    expected = n * n - value_squares
    alpha = None if n <= 1 or expected == 0 else 1 - (n - 1) * observed / expected
    return Agreement(
        alpha=alpha,
        claims=units,
        annotations=n,
        disagreements=_disagreements(annotations, first_ids),
        disagreement_count=disagreeing,
    )


def _disagreements(annotations, claim_ids: list[int]) -> list[Disagreement]:
    rows = (
        annotations.filter(claim_id__in=claim_ids, versions__number=counted_version())
        .order_by("claim_id", "reviewer__username")
        .values_list("claim_id", "claim__exact", "reviewer__username", "versions__verdict__key")
    )
    by_claim: dict[int, Disagreement] = {}
    for claim_id, exact, username, key in rows:
        by_claim.setdefault(claim_id, Disagreement(claim=claim_id, exact=exact, verdicts={})).verdicts[username] = key
    return [by_claim[claim_id] for claim_id in claim_ids if claim_id in by_claim]
