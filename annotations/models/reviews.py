"""Annotations (one reviewer's assessment of a claim) and their history: versions, review
transitions and the publication log, all append-only."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .claims import Claim
from .postgres import APPEND_ONLY, JUDGED_WORDS
from .scale import Verdict


class Annotation(models.Model):
    """One reviewer's assessment of one claim; its content lives in its versions."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        REJECTED = "rejected"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="annotations")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Number of the newest version; the compare-and-swap target of every save.
    version = models.PositiveIntegerField(default=0)
    # The version its reviewer first submitted: the independent judgement agreement counts
    # (annotations.agreement.counted_version). Null until the first submission.
    first_submitted_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "reviewer"], name="one_annotation_per_reviewer_per_claim"),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(status="approved"), name="one_approved_annotation_per_claim"
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            # Keyset orders of the annotation list's filters, the review queue and agreement's date range.
            models.Index(fields=["status", "id"], name="annotation_status_id"),
            models.Index(fields=["reviewer", "id"], name="annotation_reviewer_id"),
            models.Index(fields=["updated_at", "id"], condition=Q(status="submitted"), name="annotation_queue"),
            models.Index(fields=["updated_at", "id"], name="annotation_updated"),
        ]

    def __str__(self) -> str:
        return f"annotation {self.pk} v{self.version}"


class AnnotationVersion(models.Model):
    """An immutable state of an annotation. Numbers run 1, 2, 3 ... without gaps."""

    annotation = models.ForeignKey(Annotation, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # The version the author was looking at when saving (null for the first).
    based_on = models.PositiveIntegerField(null=True, blank=True)
    # Set when this version restores an older one.
    reverted_from = models.PositiveIntegerField(null=True, blank=True)
    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, related_name="+")
    confidence = models.PositiveSmallIntegerField()
    rationale = models.TextField(blank=True)
    # [{"url", "title", "publisher", "quote", "stance", "accessed"}], validated on the way in.
    evidence = models.JSONField(default=list, blank=True)
    change_note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # False when written after its author could see other reviewers' verdicts on the claim (their
    # reviewer had submitted, or the author is someone else): not an independent judgement.
    # db_default: rows written around the services (bulk COPY of benchmark data) count as independent.
    independent = models.BooleanField(default=True, db_default=True)
    # The CSV cells derived from this version alone, written once with it (exports/cells.py):
    # neutralised, NULL for an empty cell. The export reads them instead of parsing evidence per row.
    rationale_cell = models.TextField(null=True, blank=True, editable=False)
    evidence_urls_cell = models.TextField(null=True, blank=True, editable=False)
    annotated_at_cell = models.CharField(max_length=32, blank=True, editable=False)
    # The claim's words when this version was written (its judged words), filled in by the database on
    # insert from the claim row (models.postgres.JUDGED_WORDS), so no writer can leave them out.
    judged_exact = models.TextField(blank=True, default="", db_default="", editable=False)
    judged_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    judged_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    judged_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["annotation_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "number"], name="version_number_unique_per_annotation"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_from_1"),
            models.CheckConstraint(condition=Q(confidence__lte=100), name="version_confidence_0_100"),
        ]
        indexes = [models.Index(fields=["created_at"])]
        triggers = [*APPEND_ONLY, JUDGED_WORDS]

    def __str__(self) -> str:
        return f"annotation {self.annotation_id} v{self.number}"


class ReviewTransition(models.Model):
    """A recorded review step: who moved an annotation from which status to which, and why."""

    annotation = models.ForeignKey(Annotation, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=Annotation.Status.choices)
    to_status = models.CharField(max_length=16, choices=Annotation.Status.choices)
    # The annotation version the transition was made on.
    version = models.PositiveIntegerField()
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["annotation_id", "created_at", "id"]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"annotation {self.annotation_id}: {self.from_status} -> {self.to_status}"


class Publication(models.Model):
    """The log of a claim's published verdict: each approval, replacement or withdrawal.

    `Claim.published_version` is the current state; this log answers "what was
    published at instant T" (the newest row at or before T).
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="publications")
    # Null when the claim's verdict was withdrawn (no published verdict from then on).
    version = models.ForeignKey(
        AnnotationVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"])]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"claim {self.claim_id} -> {self.version_id or 'withdrawn'}"
