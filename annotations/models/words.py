"""The log of editors' decisions on verdicts whose claim's words changed in a revision (append-only)."""

from django.conf import settings
from django.db import models

from .claims import Claim
from .postgres import APPEND_ONLY


class WordsDecision(models.Model):
    """An editor's decision on a claim whose words changed under its verdict: it still holds, or re-open.

    Keeps both texts as they were decided on, so "who said the verdict still held for these words,
    and when" is answered from this table alone (the claim's words may change again later).
    """

    class Decision(models.TextChoices):
        HOLDS = "holds"  # the verdict applies to the new words: exports move to them
        REOPEN = "reopen"  # back to the reviewer; the publication stays or is withdrawn (`withdraw`)

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="words_decisions")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    note = models.TextField(blank=True)
    withdraw = models.BooleanField(default=False)
    judged_exact = models.TextField()
    current_exact = models.TextField()
    # The article revision whose text changed the words.
    revision = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"])]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"claim {self.claim_id}: {self.decision}"
