"""Prior fact-checks: verdicts other fact-checkers published as schema.org ClaimReview, the mapping of
their ratings onto this desk's scale, the import jobs that bring them in, and a claim's links to them.

One PriorFactCheck per fact-check URL (`url_key`, the URL without tracking parameters): a re-import
updates it in place and appends what changed to PriorFactCheckChange (append-only).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q, Value

from .claims import Claim
from .jobs import FetchJob
from .postgres import APPEND_ONLY, RegConfigField
from .scale import Verdict


class PriorSource(models.TextChoices):
    FEED = "feed"  # a DataFeed / JSON Lines / CSV fetched from a URL (once or on schedule)
    PAGE = "page"  # a fact-check page's markup
    FILE = "file"  # an uploaded file


class PriorFactCheck(models.Model):
    """A published fact-check of a claim, as its publisher described it in ClaimReview."""

    url = models.URLField(max_length=2000, help_text="The fact-check's URL as published")
    url_key = models.CharField(max_length=2000, unique=True, editable=False)
    claim_reviewed = models.TextField()
    # The rating as published (reviewRating): its words and, where given, its numbers.
    rating_name = models.CharField(max_length=300, blank=True)
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    # The rating mapped onto the desk's scale by a RatingMapping (null: not mapped yet).
    verdict = models.ForeignKey(Verdict, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # An editor chose the verdict by hand: mappings and re-imports leave it as it is until an editor hands
    # it back to the mapping. A database default too, since imports write new rows with COPY.
    verdict_corrected = models.BooleanField(
        default=False, db_default=False, help_text="An editor set the verdict; mappings leave it alone"
    )
    publisher_name = models.CharField(max_length=300, blank=True)
    publisher_url = models.URLField(max_length=2000, blank=True)
    review_date = models.DateField(null=True, blank=True)
    claim_author = models.CharField(max_length=300, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    appearance_urls = ArrayField(models.URLField(max_length=2000), default=list, blank=True)
    language = models.CharField(max_length=35, blank=True)
    language_detected = models.BooleanField(default=False)
    source_kind = models.CharField(max_length=8, choices=PriorSource.choices)
    source = models.CharField(max_length=2000, blank=True, help_text="The feed or page URL, or the file's name")
    imported_at = models.DateTimeField(help_text="When it was first imported")
    updated_at = models.DateTimeField(help_text="When an import or an editor last changed it")
    # sha256 of the imported fields: a re-import of the same item is recognised without comparing each.
    content_hash = models.CharField(max_length=64, editable=False)
    search_config = RegConfigField(default="simple")
    search_vector = models.GeneratedField(
        expression=SearchVector("claim_reviewed", config=F("search_config"), weight="A")
        + SearchVector("claim_author", config=F("search_config"), weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )
    # Unstemmed words of the claim, for matching claims of any language by their words' first letters
    # (prefix queries: 'gove':* finds governo and government alike).
    match_vector = models.GeneratedField(
        expression=SearchVector("claim_reviewed", config=Value("simple")),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="prior_search_vector"),
            GinIndex(fields=["match_vector"], name="prior_match_vector"),
            models.Index(fields=["publisher_name", "language", "rating_name"], name="prior_rating_key"),
            models.Index(fields=["language", "id"], name="prior_language_id"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher_name}: {self.claim_reviewed[:60]}"


class PriorFactCheckChange(models.Model):
    """What a re-import (or an editor) changed in a prior fact-check: {field: [before, after]}."""

    prior = models.ForeignKey(PriorFactCheck, on_delete=models.CASCADE, related_name="changes")
    job = models.ForeignKey("PriorImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    changes = models.JSONField()

    class Meta:
        ordering = ["prior_id", "changed_at", "id"]
        indexes = [models.Index(fields=["prior", "changed_at"], name="prior_change_prior")]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"change of prior {self.prior_id} at {self.changed_at:%Y-%m-%d %H:%M}"


class RatingMapping(models.Model):
    """A published rating ("Falso", "Pants on Fire") of one fact-checker in one language -> a desk verdict.

    `publisher` and `language` may be blank: a mapping for any fact-checker or any language, used when no
    more specific one exists. Rating names are compared casefolded (`rating_key`).
    """

    publisher = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=35, blank=True)
    rating_name = models.CharField(max_length=300)
    rating_key = models.CharField(max_length=300, editable=False)
    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["publisher", "language", "rating_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publisher", "language", "rating_key"], name="one_mapping_per_rating")
        ]

    def __str__(self) -> str:
        return f"{self.publisher or '*'}/{self.language or '*'}: {self.rating_name} -> {self.verdict_id}"


class PriorImportJob(models.Model):
    """One import of prior fact-checks (a file, a feed URL or a fact-check page), run by a Celery worker."""

    Status = FetchJob.Status  # a job's life: queued, running, succeeded or failed (one schema enum)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2000, blank=True)
    # An uploaded file, kept under FACTCHECK['PRIOR_IMPORT_DIR'] until the job has read it.
    file_path = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    feed = models.ForeignKey("PriorFeed", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    items_done = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # The first refused items: [{"item": n, "url", "reason"}] (at most MAX_REPORTED_ERRORS).
    errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the whole import failed")
    not_modified = models.BooleanField(default=False, help_text="The feed answered 304: nothing to import")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"prior import {self.id} ({self.status})"


class PriorFeed(models.Model):
    """A feed URL refreshed on schedule, with the validators of its last answer for a conditional GET."""

    url = models.URLField(max_length=2000, unique=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.url


class ClaimPriorLink(models.Model):
    """A person's statement that a claim was checked before by a prior fact-check ("checked by ...")."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="prior_links")
    prior = models.ForeignKey(PriorFactCheck, on_delete=models.CASCADE, related_name="claim_links")
    stance = models.CharField(max_length=16)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["claim_id", "linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "prior"], name="one_link_per_claim_and_prior"),
            models.CheckConstraint(
                condition=Q(stance__in=["supports", "refutes", "context"]), name="prior_link_stance"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} checked by prior {self.prior_id}"
