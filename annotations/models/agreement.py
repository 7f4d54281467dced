"""The agreement tally: Krippendorff's alpha's sums per UTC day and article language, derived.

Alpha (nominal) is a function of sums that add up over claims (see annotations.agreement): per
claim u with m_u counted verdicts, n_uc of them c, the claim adds 1 unit, m_u^2 - sum_c n_uc^2 to
the "spread" of its m_u, and n_uc to verdict c's votes. Kept as exact integers, these sums make
any scope (everything, a language, a range of days) a few hundred rows to add. Each claim's own
share is on its `PairedClaim` row; this table sums those rows by the day they last changed.
Kept by annotations.derived.agreement; rebuildable from the history.
"""

from django.db import models


class AgreementTally(models.Model):
    """One key's sums. Two kinds of row share the table (ids are plain integers, 0: not applicable):
    `size` > 0, `verdict_id` 0: claims with that many counted verdicts (units, spread, disagreeing);
    `size` 0, `verdict_id` > 0: the votes that verdict got (votes)."""

    day = models.DateField()
    language = models.CharField(max_length=35)
    size = models.IntegerField(default=0)
    verdict_id = models.IntegerField(default=0)
    units = models.IntegerField(default=0)
    spread = models.BigIntegerField(default=0)
    disagreeing = models.IntegerField(default=0)
    votes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "language", "size", "verdict_id"], name="agreement_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.language} size {self.size} verdict {self.verdict_id}"
