"""The domain's data: articles, claims anchored in them, verdict annotations and their history.

History tables (annotation versions, review transitions, publications) are
append-only; on PostgreSQL triggers make the database itself refuse UPDATE,
DELETE and TRUNCATE on them.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Verdict(models.Model):
    """One entry of the desk's rating scale ("true", "mostly-false", ...)."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    # ClaimReview's ratingValue: 5 = true .. 1 = false; null where no order makes sense.
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    colour = models.CharField(max_length=7, help_text="CSS hex colour, e.g. #2e7d32")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True) | Q(rating_value__gte=1, rating_value__lte=5),
                name="verdict_rating_value_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Article(models.Model):
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=35, help_text="BCP 47 language tag")
    published_at = models.DateTimeField(null=True, blank=True)
    # Plain text, NFC-normalised; claims point into it by code point offsets.
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["language"]), models.Index(fields=["publisher"])]

    def __str__(self) -> str:
        return self.title


class Claim(models.Model):
    """A checkable statement, anchored by W3C TextPosition and TextQuote selectors."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    # Offsets in Unicode code points of article.body; body[start:end] == exact.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    statement = models.TextField(blank=True, help_text="Optional plain restatement of the claim")
    # The approved version that is this claim's published verdict (null: none).
    published_version = models.ForeignKey(
        "AnnotationVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_end_after_start"),
            models.UniqueConstraint(fields=["article", "start", "end"], name="one_claim_per_span"),
        ]

    def __str__(self) -> str:
        return self.exact[:80]


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
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"annotation {self.pk} v{self.version}"


_append_only = [
    pgtrigger.Protect(name="append_only_rows", operation=pgtrigger.Update | pgtrigger.Delete),
    pgtrigger.Trigger(
        name="append_only_table",
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        func="RAISE EXCEPTION 'append-only table %: TRUNCATE refused', TG_TABLE_NAME; RETURN NULL;",
    ),
]


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

    class Meta:
        ordering = ["annotation_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "number"], name="version_number_unique_per_annotation"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_from_1"),
            models.CheckConstraint(condition=Q(confidence__lte=100), name="version_confidence_0_100"),
        ]
        indexes = [models.Index(fields=["created_at"])]
        triggers = _append_only

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
        triggers = _append_only

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
        triggers = _append_only

    def __str__(self) -> str:
        return f"claim {self.claim_id} -> {self.version_id or 'withdrawn'}"


class ExportJob(models.Model):
    """An export run by a Celery worker into a file under FACTCHECK['EXPORT_DIR']."""

    class Format(models.TextChoices):
        CSV = "csv"
        JSONL = "jsonl"
        CLAIMREVIEW = "claimreview"
        WEBANNOTATION = "webannotation"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        EXPIRED = "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    format = models.CharField(max_length=16, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    as_of = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    # Path relative to FACTCHECK['EXPORT_DIR']; set only once the file is complete.
    file = models.CharField(max_length=300, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="sha256 of the file, hex")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format} export {self.id} ({self.status})"


class DailyTally(models.Model):
    """A counter of the desk's work on one UTC day, kept by annotations.stats in the same
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
    """A claim with two or more submitted annotations (what agreement is computed over), and when
    its set of submitted annotations last changed. Kept by annotations.stats."""

    claim = models.OneToOneField(Claim, primary_key=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=35)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"claim {self.claim_id} (paired)"


class WaitingAnnotation(models.Model):
    """A submitted annotation waiting for an editor, since when, in which article language: the
    dashboard's oldest waiting one is the first row of an index. Kept by annotations.stats."""

    annotation = models.OneToOneField(Annotation, primary_key=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=35)
    since = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["since"]), models.Index(fields=["language", "since"])]

    def __str__(self) -> str:
        return f"annotation {self.annotation_id} waiting since {self.since}"
