"""Review transitions (draft -> submitted -> approved or rejected) and who may make them.

Approving an annotation makes its current version the claim's published
verdict; at most one annotation per claim is approved at a time. Every
transition and every change of the published verdict is recorded.
"""

from django.db import transaction
from django.utils import timezone

from . import roles
from .exceptions import DomainConflict, NotAllowed, StaleVersion
from .models import Annotation, Claim, Publication, ReviewTransition

Status = Annotation.Status

# to_status: the statuses it may be reached from
ALLOWED = {
    Status.SUBMITTED: {Status.DRAFT, Status.REJECTED},
    Status.APPROVED: {Status.SUBMITTED},
    Status.REJECTED: {Status.SUBMITTED, Status.APPROVED},
}


def submit(annotation: Annotation, *, actor, comment: str = "") -> ReviewTransition:
    """The annotation's reviewer sends it for review."""
    if actor.pk != annotation.reviewer_id:
        raise NotAllowed("Only the annotation's reviewer can submit it.")
    return _transition(annotation, Status.SUBMITTED, actor=actor, comment=comment)


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
    # Lock the claim first: approvals of the same claim are serialised there.
    claim = Claim.objects.select_for_update().get(pk=annotation.claim_id)
    annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if expected_version is not None and annotation.version != expected_version:
        raise StaleVersion(annotation, expected_version)
    if annotation.status not in ALLOWED[to_status]:
        raise DomainConflict(
            f"A {annotation.status} annotation cannot be {to_status}.", field="status", status=annotation.status
        )
    now = timezone.now()
    if to_status == Status.APPROVED:
        _publish(claim, annotation, actor=actor, now=now)
    elif annotation.status == Status.APPROVED:
        _withdraw(claim, annotation, actor=actor, now=now)
    transition = _record(annotation, annotation.status, to_status, actor=actor, comment=comment, now=now)
    annotation.status = to_status
    annotation.save(update_fields=["status", "updated_at"])
    return transition


def _publish(claim: Claim, annotation: Annotation, *, actor, now) -> None:
    replaced = claim.annotations.select_for_update().filter(status=Status.APPROVED).exclude(pk=annotation.pk)
    for other in replaced:
        _record(other, Status.APPROVED, Status.SUBMITTED, actor=actor, now=now,
                comment=f"Replaced as the published verdict by annotation {annotation.pk}.")  # fmt: skip
        other.status = Status.SUBMITTED
        other.save(update_fields=["status", "updated_at"])
    version = annotation.versions.get(number=annotation.version)
    claim.published_version = version
    claim.save(update_fields=["published_version", "updated_at"])
    Publication.objects.create(claim=claim, version=version, actor=actor, created_at=now)


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
