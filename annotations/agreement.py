"""Agreement between reviewers: Krippendorff's alpha (nominal) and the claims where verdicts differ.

A claim counts once two or more of its annotations have been submitted (status
submitted, approved or rejected); each such annotation contributes its current
verdict. Alpha is computed from the coincidence matrix, as in Krippendorff,
"Computing Krippendorff's Alpha-Reliability" (2011):

    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k

where o_ck counts, per claim u with m_u values, the ordered pairs of values
(c, k) from different reviewers divided by m_u - 1, n_c = sum_k o_ck, n = sum_c n_c.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import F

from .models import Annotation

SUBMITTED_STATUSES = (Annotation.Status.SUBMITTED, Annotation.Status.APPROVED, Annotation.Status.REJECTED)


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

    def as_dict(self) -> dict:
        return {
            "alpha": self.alpha,
            "claims": self.claims,
            "annotations": self.annotations,
            "disagreements": [vars(d) for d in self.disagreements],
        }


def agreement(article_id: int | None = None) -> Agreement:
    """Alpha over every claim (of one article, if given) with two or more submitted annotations,
    and the claims among them whose reviewers gave different verdicts."""
    rows = Annotation.objects.filter(status__in=SUBMITTED_STATUSES, versions__number=F("version"))
    if article_id is not None:
        rows = rows.filter(claim__article_id=article_id)
    rows = rows.order_by("claim_id", "reviewer__username").values_list(
        "claim_id", "claim__exact", "reviewer__username", "versions__verdict__key"
    )
    by_claim: dict[int, tuple[str, dict[str, str]]] = {}
    for claim_id, exact, username, key in rows:
        by_claim.setdefault(claim_id, (exact, {}))[1][username] = key
    rated = {claim_id: entry for claim_id, entry in by_claim.items() if len(entry[1]) >= 2}
    disagreements = [
        Disagreement(claim=claim_id, exact=exact, verdicts=verdicts)
        for claim_id, (exact, verdicts) in rated.items()
        if len(set(verdicts.values())) > 1
    ]
    return Agreement(
        alpha=nominal_alpha(list(verdicts.values()) for _exact, verdicts in rated.values()),
        claims=len(rated),
        annotations=sum(len(verdicts) for _exact, verdicts in rated.values()),
        disagreements=disagreements,
    )
