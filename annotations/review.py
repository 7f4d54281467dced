"""Review transitions (draft -> submitted -> approved or rejected) and who may make them.

Approving an annotation makes its current version the claim's published
verdict; at most one annotation per claim is approved at a time. Every
transition and every change of the published verdict is recorded.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from . import derived, notifications, roles
from .claims import lock_article_of_claim
from .exceptions import DomainConflict, NotAllowed, StaleVersion
from .models import Annotation, AnnotationVersion, Claim, Publication, ReviewTransition

Status = Annotation.Status

# to_status: the statuses it may be reached from
ALLOWED = {
    Status.SUBMITTED: {Status.DRAFT, Status.REJECTED},
    Status.APPROVED: {Status.SUBMITTED},
    Status.REJECTED: {Status.SUBMITTED, Status.APPROVED},
}


def submit(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """The annotation's reviewer sends it for review."""
    if actor.pk != annotation.reviewer_id:
        raise NotAllowed("Only the annotation's reviewer can submit it.")
    return _transition(annotation, Status.SUBMITTED, actor=actor, comment=comment, expected_version=expected_version)


def approve(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """An editor approves the annotation: its current version becomes the claim's published verdict,
    replacing any other approved annotation of the claim (which goes back to submitted)."""
    if not roles.is_editor(actor):
        raise NotAllowed("Only editors can approve.")
    return _transition(annotation, Status.APPROVED, actor=actor, comment=comment, expected_version=expected_version)


def reject(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """An editor rejects the annotation; rejecting the published one withdraws the claim's verdict."""
    if not roles.is_editor(actor):
        raise NotAllowed("Only editors can reject.")
    return _transition(annotation, Status.REJECTED, actor=actor, comment=comment, expected_version=expected_version)


@transaction.atomic
def _transition(annotation, to_status, *, actor, comment, expected_version=None) -> ReviewTransition:
    lock_article_of_claim(annotation.claim_id)  # lock order: article, then claim
    # Then the claim: approvals of the same claim are serialised there.
    claim = Claim.objects.select_for_update().get(pk=annotation.claim_id)
    annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if expected_version is not None and annotation.version != expected_version:
        raise StaleVersion(annotation, expected_version)
    if annotation.status not in ALLOWED[to_status]:
        raise DomainConflict(
            f"A {annotation.status} annotation cannot be {to_status}.", field="status", status=annotation.status
        )
    now = timezone.now()
    from_status, published_before, replaced = annotation.status, claim.published_version_id, []
    if to_status == Status.APPROVED:
        replaced = _publish(claim, annotation, actor=actor, now=now)
    elif annotation.status == Status.APPROVED:
        _withdraw(claim, annotation, actor=actor, now=now)
    transition = _record(annotation, annotation.status, to_status, actor=actor, comment=comment, now=now)
    annotation.status = to_status
    annotation.save(update_fields=["status", "updated_at"])
    derived.review_transition(
        claim, annotation, from_status=from_status, to_status=to_status,
        published_before=published_before, replaced=replaced, now=now,
    )  # fmt: skip
    if to_status == Status.APPROVED:
        notifications.verdict_approved(annotation, actor)
    elif to_status == Status.REJECTED:
        notifications.verdict_rejected(annotation, actor)
    return transition


def _publish(claim: Claim, annotation: Annotation, *, actor, now) -> list[int]:
    """Returns the ids of the approved annotations put back to submitted."""
    replaced = list(claim.annotations.select_for_update().filter(status=Status.APPROVED).exclude(pk=annotation.pk))
    for other in replaced:
        _record(other, Status.APPROVED, Status.SUBMITTED, actor=actor, now=now,
                comment=f"Replaced as the published verdict by annotation {annotation.pk}.")  # fmt: skip
        other.status = Status.SUBMITTED
        other.save(update_fields=["status", "updated_at"])
    version = annotation.versions.get(number=annotation.version)
    claim.published_version = version
    claim.save(update_fields=["published_version", "updated_at"])
    Publication.objects.create(claim=claim, version=version, actor=actor, created_at=now)
    return [other.pk for other in replaced]


def _withdraw(claim: Claim, annotation: Annotation, *, actor, now) -> None:
    if claim.published_version is None or claim.published_version.annotation_id != annotation.pk:
        return
    claim.published_version = None
    claim.save(update_fields=["published_version", "updated_at"])
    Publication.objects.create(claim=claim, version=None, actor=actor, created_at=now)


def _record(annotation, from_status, to_status, *, actor, comment, now) -> ReviewTransition:
    return ReviewTransition.objects.create(
        annotation=annotation,
        from_status=from_status,
        to_status=to_status,
        version=annotation.version,
        comment=comment,
        actor=actor,
        created_at=now,
    )


def status_as_of(annotation: Annotation | int, instant: datetime.datetime) -> str:
    """The review status the annotation had at `instant`: the target of the newest transition by then."""
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    last = (
        ReviewTransition.objects.filter(annotation_id=annotation_id, created_at__lte=instant)
        .order_by("-created_at", "-id")
        .values_list("to_status", flat=True)
        .first()
    )
    return last or Status.DRAFT


def published_version_as_of(claim: Claim | int, instant: datetime.datetime) -> AnnotationVersion | None:
    """The claim's published verdict at `instant` (from the publication log), or None."""
    claim_id = claim if isinstance(claim, int) else claim.pk
    publication = (
        Publication.objects.filter(claim_id=claim_id, created_at__lte=instant)
        .select_related("version__verdict", "version__author")
        .order_by("-created_at", "-id")
        .first()
    )
    return publication.version if publication else None


def visible_annotations(user, queryset=None):
    """The annotations `user` may read.

    Editors see everything. Reviewers see their own annotations, and others' on a
    claim only once they have submitted their own for it (blind review; with
    FACTCHECK["BLIND_REVIEW"] off they see all). Viewers see only annotations
    whose version is their claim's published verdict (and the API shows them that
    version, not a later unpublished edit).
    """
    queryset = Annotation.objects.all() if queryset is None else queryset
    if roles.is_editor(user):
        return queryset
    if roles.is_reviewer(user):
        if not settings.FACTCHECK["BLIND_REVIEW"]:
            return queryset
        submitted_own = ReviewTransition.objects.filter(
            annotation__claim_id=OuterRef("claim_id"), annotation__reviewer=user, to_status=Status.SUBMITTED
        )
        return queryset.filter(Q(reviewer=user) | Exists(submitted_own))
    if roles.is_viewer(user):
        return queryset.filter(claim__published_version__annotation_id=F("pk"))
    return queryset.none()


def shows_published_only(user) -> bool:
    """Viewers read published verdicts only: they are shown the published version of an annotation."""
    return roles.is_viewer(user) and not roles.is_reviewer(user)
