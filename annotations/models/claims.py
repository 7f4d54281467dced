"""Claims anchored in articles, their anchor history (append-only) and same-claim groups."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from ..exports.cells import sql_claim_cells
from .articles import Article, ArticleRevision
from .postgres import APPEND_ONLY, RegConfigField, export_cells_follow


def _claim_search_vector():
    config = F("search_config")
    return (
        SearchVector("exact", config=config, weight="A")
        + SearchVector("statement", config=config, weight="A")
        + SearchVector("claimant", config=config, weight="B")
        + SearchVector("published_rationale", config=config, weight="C")
    )


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
    # Words changed under a verdict (annotations.words): while an editor has not decided, the anchor the
    # claim's verdicts were judged on. Exports keep publishing these words until then; null: no change pending.
    judged_exact = models.TextField(null=True, blank=True)
    judged_prefix = models.TextField(blank=True, default="", db_default="")
    judged_suffix = models.TextField(blank=True, default="", db_default="")
    judged_start = models.PositiveIntegerField(null=True, blank=True)
    judged_end = models.PositiveIntegerField(null=True, blank=True)
    judged_revision = models.PositiveIntegerField(null=True, blank=True)
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
            export_cells_follow(
                "export_rows_follow_claim",
                "claim_id",
                ("exact", "judged_exact", "claimant", "claim_date"),
                sql_claim_cells("NEW"),
            )
        ]

    def __str__(self) -> str:
        return self.exact[:80]

    @property
    def words_changed(self) -> dict | None:
        """null, or the words the verdict judged, the current ones and the revision that changed them."""
        if self.judged_exact is None:
            return None
        return {"judged": self.judged_exact, "current": self.exact, "revision": self.anchor_revision}


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
        triggers = APPEND_ONLY

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
