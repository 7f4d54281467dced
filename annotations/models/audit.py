"""The audit trail: one append-only, hash-chained event per decision (annotations.audit writes them).

Events name the claim, article and annotation by id, not by foreign key: a deleted article must not
take its history with it, and an append-only row can never be updated to follow a deletion.
"""

from django.db import models

from .postgres import APPEND_ONLY


class AuditEvent(models.Model):
    """Who did what, when, from where; `hash` covers every field and the previous event's hash."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=32)
    actor_id = models.IntegerField(null=True, blank=True)
    # The username as it was: the event must read the same after a user is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    claim_id = models.IntegerField(null=True, blank=True)
    article_id = models.IntegerField(null=True, blank=True)
    annotation_id = models.IntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # From where, as FACTCHECK["AUDIT_ADDRESSES"] keeps it (hashed or truncated, see annotations.audit).
    address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The events list's filters, each in keyset order (newest first).
            models.Index(fields=["-at", "-id"], name="auditevent_at"),
            models.Index(fields=["actor_name", "-id"], name="auditevent_actor"),
            models.Index(fields=["claim_id", "-id"], name="auditevent_claim"),
            models.Index(fields=["article_id", "-id"], name="auditevent_article"),
            models.Index(fields=["kind", "-id"], name="auditevent_kind"),
        ]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"event {self.pk}: {self.kind}"


class AuditChainHead(models.Model):
    """The chain's one head row: appends lock it (FOR UPDATE), so no two events chain to the same
    predecessor, and it names the newest event, so deleting the last event is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit chain head at event {self.last_id}"
