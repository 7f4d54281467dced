"""Articles and the bodies they have had (revisions: append-only)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from ..exports.cells import sql_article_cells
from .postgres import APPEND_ONLY, export_cells_follow


class Article(models.Model):
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    # Who wrote it, as the page's metadata or byline names them (fetched), or as typed in.
    author = models.CharField(max_length=300, blank=True, default="", db_default="")
    language = models.CharField(max_length=35, help_text="BCP 47 language tag")
    published_at = models.DateTimeField(null=True, blank=True)
    # Plain text, NFC-normalised; claims point into it by code point offsets.
    body = models.TextField()
    # Number of the ArticleRevision whose text `body` is (the newest).
    revision = models.PositiveIntegerField(default=1, db_default=1)
    # `url` without tracking parameters, fragment or default port (see fetching.policy.normalise_url);
    # a URL fetched a second time is recognised by it.
    normalized_url = models.CharField(max_length=2000, blank=True, default="", db_default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by annotations.counters in the transaction that changes a claim (lists show them per row).
    claim_count = models.PositiveIntegerField(default=0, editable=False)
    unreviewed_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Claims without a published verdict"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["language"]),
            models.Index(fields=["publisher"]),
            # The lists' keyset orders: newest first, the id breaking ties.
            models.Index(F("created_at").desc(), F("id").desc(), name="article_newest_first"),
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                name="article_unreviewed_newest",
                condition=Q(unreviewed_count__gt=0),
            ),
            models.Index(F("language"), F("created_at").desc(), F("id").desc(), name="article_language_newest"),
            # ?published_after/before: a narrow range is found here instead of walking the newest-first index.
            models.Index(fields=["published_at"], name="article_published_at"),
            # Substring search on title and publisher (pg_trgm GIN, see migration 0007).
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="article_title_trgm"),
            GinIndex(OpClass(Upper("publisher"), name="gin_trgm_ops"), name="article_publisher_trgm"),
            models.Index(fields=["normalized_url"], name="article_normalized_url"),
        ]
        triggers = [
            export_cells_follow(
                "export_rows_follow_article",
                "article_id",
                ("title", "url", "publisher", "language", "published_at"),
                sql_article_cells("NEW"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """One body an article has had. Numbers run 1, 2, 3 ...; a revision never changes."""

    class Source(models.TextChoices):
        TYPED = "typed"
        IMPORTED = "imported"
        FETCHED = "fetched"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=16, choices=Source.choices)
    body = models.TextField()
    sha256 = models.CharField(max_length=64, help_text="sha256 of the UTF-8 body, hex")
    # sha256 of the fetched HTML bytes, for revisions fetched from the article's URL.
    html_sha256 = models.CharField(max_length=64, blank=True, default="")
    # Why the text changed, in the editor's words (a correction, an update...); empty for a fetch.
    note = models.TextField(blank=True, default="", db_default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique_per_article"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_from_1"),
        ]
        triggers = APPEND_ONLY

    def __str__(self) -> str:
        return f"article {self.article_id} r{self.number}"

    @property
    def length(self) -> int:
        return len(self.body)
