"""The desk's assigned work and the daily questions (now, whatever the date range): per reviewer how much is
assigned, still open and overdue, and in the backlog drafts never submitted, claims needing review after a
revision, and overdue assignments.

Read from the source tables through partial indexes (open assignments with a due date, claims to review,
annotations by status): each figure reads the rows it counts, not the desk.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import AnchorStatus, Annotation, Assignment, Claim, ReviewTransition


def _scoped(queryset: QuerySet, filters, claim_path: str) -> QuerySet:
    """`claim_path`: how the rows reach their claim ("" for claims themselves)."""
    prefix = f"{claim_path}__" if claim_path else ""
    if filters.article is not None:
        queryset = queryset.filter(**{f"{prefix}article_id": filters.article})
    if filters.language:
        queryset = queryset.annotate(_language=Lower(f"{prefix}article__language")).filter(_language=filters.language)
    return queryset


def reviewer_workload(filters) -> dict[str, dict[str, int]]:
    """username -> {"assigned", "open", "overdue"}: assignments now (open: the reviewer has not submitted)."""
    now = timezone.now()
    rows = (
        _scoped(Assignment.objects.all(), filters, "claim")
        .values("reviewer__username")
        .annotate(
            assigned=Count("pk"),
            open=Count("pk", filter=Q(done_at__isnull=True)),
            overdue=Count("pk", filter=Q(done_at__isnull=True, due__lt=now)),
        )
        .order_by()
    )
    return {row.pop("reviewer__username"): row for row in rows}


def daily_questions(filters) -> dict[str, int]:
    """The backlog's figures a desk asks for every morning."""
    submitted_once = ReviewTransition.objects.filter(
        annotation_id=OuterRef("pk"), to_status=Annotation.Status.SUBMITTED
    )
    drafts = _scoped(Annotation.objects.filter(status=Annotation.Status.DRAFT), filters, "claim")
    to_review = _scoped(
        Claim.objects.filter(Q(anchor_status=AnchorStatus.ORPHANED) | Q(needs_review=True)), filters, ""
    )
    overdue = _scoped(Assignment.objects.filter(done_at__isnull=True, due__lt=timezone.now()), filters, "claim")
    return {
        "drafts_never_submitted": drafts.exclude(Exists(submitted_once)).count(),
        "claims_needing_review": to_review.count(),
        "overdue_assignments": overdue.count(),
    }
