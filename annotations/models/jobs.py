"""Work run by Celery workers: fetching an article by URL, exporting verdicts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F

from .articles import Article


class FetchJob(models.Model):
    """Adding (or refreshing) an article from its URL, run by a Celery worker."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2000)
    # Set for a refetch from the start, for a new article once it is created.
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="fetches")
    refetch = models.BooleanField(default=False)
    language = models.CharField(max_length=35, blank=True, default="")
    publisher = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, default="")
    # The new revision's number when a refetch found changed text (null: none added).
    revision = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fetch_jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"fetch {self.url} ({self.status})"


class ExportJob(models.Model):
    """An export run by a Celery worker into a file under FACTCHECK['EXPORT_DIR']."""

    class Format(models.TextChoices):
        CSV = "csv"
        JSONL = "jsonl"
        CLAIMREVIEW = "claimreview"
        CLAIMREVIEW_FEED = "claimreview_feed"
        WEBANNOTATION = "webannotation"
        EVIDENCE = "evidence"

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
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(F("created_by"), F("created_at").desc(), F("id").desc(), name="export_job_newest")]

    def __str__(self) -> str:
        return f"{self.format} export {self.id} ({self.status})"
