"""Derived tables: computed from the history, never a source of truth.

Every row here can be recomputed from the source tables (annotations.derived.rebuild); the
services keep them in step through annotations.derived, inside the transaction of the change.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Lower

from .articles import Article
from .claims import Claim
from .reviews import Annotation, AnnotationVersion
from .scale import Verdict


class PublishedExportRow(models.Model):
    """The CSV export's row of a claim's published verdict, one per claim, kept in step with review.

    Written in the same transaction as every approve, reject and withdrawal
    (derived/export_rows.py, through annotations.derived), with the row's CSV cells
    formatted: the version's and the approval's (which never change), and the
    claim's and the article's, which triggers on those tables rewrite within any
    UPDATE that changes them (`models.postgres.export_cells_follow`: one row for a claim, an
    article's claims for an article). The verdict key and rating and the user
    names are joined at export time instead: a handful of rows each, memoized in
    the export's plan, where a rename would otherwise rewrite up to every row.
    The primary key is the claim id: the export reads in its order, with no sort.
    """

    claim = models.OneToOneField(Claim, primary_key=True, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(AnnotationVersion, on_delete=models.PROTECT, related_name="+", db_index=False)
    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, related_name="+", db_index=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    approved_at = models.DateTimeField()
    version_number = models.PositiveIntegerField()
    confidence = models.PositiveSmallIntegerField()
    rationale_cell = models.TextField(null=True, blank=True)
    evidence_urls_cell = models.TextField(null=True, blank=True)
    annotated_at_cell = models.CharField(max_length=32)
    approved_at_cell = models.CharField(max_length=32)
    claim_text_cell = models.TextField(null=True, blank=True)
    claimant_cell = models.TextField(null=True, blank=True)
    claim_date_cell = models.CharField(max_length=10, null=True, blank=True)
    article_title_cell = models.TextField(null=True, blank=True)
    article_url_cell = models.TextField(null=True, blank=True)
    publisher_cell = models.TextField(null=True, blank=True)
    language_cell = models.TextField(null=True, blank=True)
    published_at_cell = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        ordering = ["claim_id"]
        indexes = [
            # The published verdicts of one language, in claim order (the language filter of the exports and
            # Web Annotation pages, exports.query._where): an index range scan, and the statistics of the
            # expression, so the planner knows how many claims a language has.
            models.Index(
                Lower(Func(F("language_cell"), Value("-"), Value(1), function="split_part")),
                F("claim"),
                name="export_row_language",
                include=["language_cell"],  # counting a language is an index-only scan
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id}: version {self.version_id}"


class DailyTally(models.Model):
    """A counter of the desk's work on one UTC day, kept by annotations.derived.tallies in the same
    transaction as the work: annotations started, submitted, approved, rejected (by reviewer), and
    claims whose standing published verdict was published that day (by verdict).

    Each delta is counted at three grains: the day, its month (`day` is the first of the month), and
    for the daily series the day's total over all reviewers; a year's figures then read a few
    thousand rows. Ids are plain integers (0: not applicable) so one unique index serves the upsert.
    """

    grain = models.CharField(max_length=5)
    day = models.DateField()
    language = models.CharField(max_length=35)
    metric = models.CharField(max_length=16)
    reviewer_id = models.IntegerField(default=0)
    verdict_id = models.IntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "language", "metric", "reviewer_id", "verdict_id"], name="daily_tally_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.language} {self.metric}: {self.count}"


class BacklogTally(models.Model):
    """A current-state counter by article language: claims with no annotation, annotations waiting."""

    language = models.CharField(max_length=35)
    metric = models.CharField(max_length=16)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "metric"], name="backlog_tally_key")]

    def __str__(self) -> str:
        return f"{self.language} {self.metric}: {self.count}"


class PairedClaim(models.Model):
    """A claim with two or more counted verdicts (what agreement is computed over: see
    annotations.agreement.COUNTED_VERDICTS_SQL), when the newest of its counted annotations changed,
    and the claim's share of alpha's sums: `size` verdicts, `votes` by verdict id, `spread`
    (size^2 - sum of votes^2) and whether they differ. Kept by annotations.derived.agreement."""

    claim = models.OneToOneField(Claim, primary_key=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=35)
    updated_at = models.DateTimeField()
    size = models.IntegerField(default=0)
    spread = models.IntegerField(default=0)
    disagreeing = models.BooleanField(default=False)
    votes = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["updated_at"]),
            # The first disagreements by claim id, in any scope, without a sort.
            models.Index(fields=["claim"], condition=models.Q(disagreeing=True), name="paired_disagreeing"),
            models.Index(
                fields=["language", "claim"], condition=models.Q(disagreeing=True), name="paired_disagreeing_language"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} (paired)"


class WaitingAnnotation(models.Model):
    """A submitted annotation waiting for an editor, since when, in which article language: the
    dashboard's oldest waiting one is the first row of an index. Kept by annotations.derived.tallies."""

    annotation = models.OneToOneField(Annotation, primary_key=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=35)
    since = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["since"]), models.Index(fields=["language", "since"])]

    def __str__(self) -> str:
        return f"annotation {self.annotation_id} waiting since {self.since}"
