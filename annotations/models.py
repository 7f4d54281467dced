"""The domain's data: articles, claims anchored in them, verdict annotations and their history.

History tables (annotation versions, review transitions, publications, article
revisions and claim anchorings) are append-only; on PostgreSQL triggers make the database itself refuse UPDATE,
DELETE and TRUNCATE on them.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from .exports.cells import sql_article_cells, sql_claim_cells


class RegConfigField(models.CharField):
    """A PostgreSQL `regconfig` (a text-search configuration name such as 'english').

    Stored as its own type, not text: `to_tsvector(regconfig, text)` is immutable and may feed a
    generated column, while a cast from text to regconfig is not.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 63)
        super().__init__(*args, **kwargs)

    def db_type(self, connection) -> str:
        return "regconfig"

    def cast_db_type(self, connection) -> str:
        return "regconfig"


def _export_cells_follow(name: str, key: str, fields: tuple[str, ...], cells: dict[str, str]) -> pgtrigger.Trigger:
    """A trigger that rewrites the published export rows' copies of this row's cells when `fields` change,
    within the UPDATE's own transaction. `key`: the rows' column naming this row; `cells`: column -> SQL over NEW."""
    assignments = ", ".join(f"{column} = {expression}" for column, expression in cells.items())
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.UpdateOf(*fields),
        condition=pgtrigger.AnyChange(*fields),
        func=f"UPDATE annotations_publishedexportrow SET {assignments} WHERE {key} = NEW.id; RETURN NULL;",
    )


def _claim_search_vector():
    config = F("search_config")
    return (
        SearchVector("exact", config=config, weight="A")
        + SearchVector("statement", config=config, weight="A")
        + SearchVector("claimant", config=config, weight="B")
        + SearchVector("published_rationale", config=config, weight="C")
    )


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
            _export_cells_follow(
                "export_rows_follow_article",
                "article_id",
                ("title", "url", "publisher", "language", "published_at"),
                sql_article_cells("NEW"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class AnchorStatus(models.TextChoices):
    """Where a claim stands in its article's newest revision (see annotations.anchoring)."""

    EXACT = "exact"  # same offsets, same text
    MOVED = "moved"  # the same quote, elsewhere
    FUZZY = "fuzzy"  # an edited quote, found by similarity and context (with a score)
    ORPHANED = "orphaned"  # not found: the claim keeps its last selectors, for a person to re-attach
    MANUAL = "manual"  # re-attached or confirmed by a person


class Claim(models.Model):
    """A checkable statement, anchored by W3C TextPosition and TextQuote selectors.

    The selectors point into the article's revision `anchor_revision` (its newest,
    unless the claim is orphaned: then they are the last place it was found).
    """

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
    anchor_status = models.CharField(
        max_length=16, choices=AnchorStatus.choices, default=AnchorStatus.EXACT, db_default=AnchorStatus.EXACT
    )
    # The article revision the anchor status was decided against.
    anchor_revision = models.PositiveIntegerField(default=1, db_default=1)
    # Similarity 0..1 of a fuzzy match; null for the other statuses.
    anchor_score = models.FloatField(null=True, blank=True)
    # A fuzzy or ambiguous match that a person should confirm before it is trusted.
    needs_review = models.BooleanField(default=False, db_default=False)
    # The approved version that is this claim's published verdict (null: none).
    published_version = models.ForeignKey(
        "AnnotationVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Search (annotations.search): the article language's text-search configuration and the published
    # verdict's rationale are kept on the claim, because a generated column reads only its own row.
    search_config = RegConfigField(default="simple")
    published_rationale = models.TextField(blank=True, default="")
    search_vector = models.GeneratedField(
        expression=_claim_search_vector(), output_field=SearchVectorField(), db_persist=True, editable=False
    )

    class Meta:
        ordering = ["article_id", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_end_after_start"),
            # Orphaned claims keep their last offsets, which point into an older text.
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=~Q(anchor_status="orphaned"),
                name="one_anchored_claim_per_span",
            ),
        ]
        indexes = [
            models.Index(
                fields=["article"], condition=Q(anchor_status="orphaned") | Q(needs_review=True), name="claim_to_review"
            ),
            # ?published=false walks only the unpublished claims, in the list's id order.
            models.Index(fields=["id"], condition=Q(published_version__isnull=True), name="claim_unpublished_id"),
            GinIndex(OpClass(Upper("claimant"), name="gin_trgm_ops"), name="claim_claimant_trgm"),
            GinIndex(fields=["search_vector"], name="claim_search_vector"),
        ]
        triggers = [
            _export_cells_follow(
                "export_rows_follow_claim", "claim_id", ("exact", "claimant", "claim_date"), sql_claim_cells("NEW")
            )
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
    # The CSV cells derived from this version alone, written once with it (exports/cells.py):
    # neutralised, NULL for an empty cell. The export reads them instead of parsing evidence per row.
    rationale_cell = models.TextField(null=True, blank=True, editable=False)
    evidence_urls_cell = models.TextField(null=True, blank=True, editable=False)
    annotated_at_cell = models.CharField(max_length=32, blank=True, editable=False)

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


class PublishedExportRow(models.Model):
    """The CSV export's row of a claim's published verdict, one per claim, kept in step with review.

    Written in the same transaction as every approve, reject and withdrawal
    (exports/published_rows.py, called from review.py), with the row's CSV cells
    formatted: the version's and the approval's (which never change), and the
    claim's and the article's, which triggers on those tables rewrite within any
    UPDATE that changes them (`_export_cells_follow`: one row for a claim, an
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

    def __str__(self) -> str:
        return f"claim {self.claim_id}: version {self.version_id}"


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
        triggers = _append_only

    def __str__(self) -> str:
        return f"article {self.article_id} r{self.number}"

    @property
    def length(self) -> int:
        return len(self.body)


class ClaimAnchor(models.Model):
    """Where a claim pointed in one revision, and how it was found there (the claim's anchor history)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="anchors")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.CASCADE, related_name="anchors")
    status = models.CharField(max_length=16, choices=AnchorStatus.choices)
    score = models.FloatField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    # The selectors in that revision; for an orphaned claim, the last ones it had.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"])]
        triggers = _append_only

    def __str__(self) -> str:
        return f"claim {self.claim_id} r{self.revision_id}: {self.status}"

    @classmethod
    def of(cls, claim: Claim, revision: "ArticleRevision", *, at, created_by=None) -> "ClaimAnchor":
        """The history row (unsaved) for where `claim` points now, decided against `revision`."""
        return cls(
            claim=claim,
            revision=revision,
            status=claim.anchor_status,
            score=claim.anchor_score,
            needs_review=claim.needs_review,
            start=claim.start,
            end=claim.end,
            exact=claim.exact,
            created_by=created_by,
            created_at=at,
        )


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
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(F("created_by"), F("created_at").desc(), F("id").desc(), name="export_job_newest")]

    def __str__(self) -> str:
        return f"{self.format} export {self.id} ({self.status})"


class ClaimGroup(models.Model):
    """Claims that reviewers linked as the same claim (in different articles, any language).

    A group, not pairwise links: "same claim" is an equivalence, so every member matches every other
    without a closure to maintain, and a claim belongs to at most one group (enforced by the database).
    """

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"same-claim group {self.pk}"


class ClaimGroupMember(models.Model):
    """A claim's membership of its same-claim group: who linked it, when, and to which claim."""

    group = models.ForeignKey(ClaimGroup, on_delete=models.CASCADE, related_name="members")
    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="same_claim")
    linked_to = models.ForeignKey(Claim, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["group"], name="claim_group_member_group")]

    def __str__(self) -> str:
        return f"claim {self.claim_id} in group {self.group_id}"


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
