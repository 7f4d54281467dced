"""Review transitions (draft -> submitted -> approved or rejected; an editor's re-open back to draft)
and who may make them, and who may read which annotations (blind review).

Approving an annotation makes its current version the claim's published
verdict; at most one annotation per claim is approved at a time. Four eyes:
nobody approves a verdict they wrote any version of (FACTCHECK["FOUR_EYES"]).
Every transition and every change of the published verdict is recorded, and
each is an audit event (annotations.audit).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, derived, notifications, roles, words
from .claims import lock_article_of_claim
from .exceptions import DomainConflict, NotAllowed, StaleVersion
from .models import Annotation, AnnotationVersion, Claim, Publication, ReviewTransition

Status = Annotation.Status

# to_status: the statuses it may be reached from (to draft: an editor's re-open)
ALLOWED = {
    Status.SUBMITTED: {Status.DRAFT, Status.REJECTED},
    Status.APPROVED: {Status.SUBMITTED},
    Status.REJECTED: {Status.SUBMITTED, Status.APPROVED},
    Status.DRAFT: {Status.SUBMITTED, Status.APPROVED},
}
# The audit trail's name of each step (annotations.audit.KINDS).
EVENT_KINDS = {
    Status.SUBMITTED: "submitted",
    Status.APPROVED: "approved",
    Status.REJECTED: "rejected",
    Status.DRAFT: "reopened",
}


def submit(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """The annotation's reviewer sends it for review."""
    if actor.pk != annotation.reviewer_id:
        raise NotAllowed(_("Only the annotation's reviewer can submit it."))
    return _transition(annotation, Status.SUBMITTED, actor=actor, comment=comment, expected_version=expected_version)


def approve(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """An editor approves the annotation: its current version becomes the claim's published verdict,
    replacing any other approved annotation of the claim (which goes back to submitted)."""
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors can approve."))
    if settings.FACTCHECK["FOUR_EYES"] and wrote_a_version(actor, annotation):
        others = who_may_approve(annotation)
        if others:
            who = _("Another editor must approve it: %(names)s.") % {"names": ", ".join(others)}
        else:
            who = _("No other editor can approve it.")
        raise NotAllowed(
            _("Four eyes: nobody approves a verdict they wrote any version of; you wrote a version of this one.")
            + " "
            + who
        )
    return _transition(annotation, Status.APPROVED, actor=actor, comment=comment, expected_version=expected_version)


def reject(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """An editor rejects the annotation; rejecting the published one withdraws the claim's verdict."""
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors can reject."))
    return _transition(annotation, Status.REJECTED, actor=actor, comment=comment, expected_version=expected_version)


def reopen(
    annotation: Annotation, *, actor, comment: str = "", expected_version: int | None = None
) -> ReviewTransition:
    """An editor makes a submitted (or approved) annotation editable by its reviewer again; the
    claim's published verdict stays until a version is approved again. The note says why."""
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors can re-open an annotation."))
    return _transition(annotation, Status.DRAFT, actor=actor, comment=comment, expected_version=expected_version)


def is_frozen_for(annotation: Annotation, user) -> bool:
    """Blind review: once its reviewer has submitted, they may not change it until an editor re-opens
    it (or rejects it). Editors may still edit others' annotations (their versions are marked)."""
    return annotation.reviewer_id == user.pk and annotation.status in (Status.SUBMITTED, Status.APPROVED)


def wrote_a_version(user, annotation: Annotation | int) -> bool:
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    return AnnotationVersion.objects.filter(annotation_id=annotation_id, author_id=user.pk).exists()


def who_may_approve(annotation: Annotation) -> list[str]:
    """The editors who may approve `annotation` (four eyes: not its versions' authors), by username."""
    from .selectors import editor_names

    if not settings.FACTCHECK["FOUR_EYES"]:
        return editor_names()
    versions = AnnotationVersion.objects.filter(annotation_id=annotation.pk)
    authors = set(versions.values_list("author__username", flat=True))
    return [name for name in editor_names() if name not in authors]


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
            _("A %(status)s annotation cannot be %(to_status)s.")
            % {"status": annotation.status, "to_status": to_status},
            field="status",
            status=annotation.status,
        )
    now = timezone.now()
    from_status, published_before, replaced = annotation.status, claim.published_version_id, []
    if to_status == Status.APPROVED:
        replaced = _publish(claim, annotation, actor=actor, now=now)
        # A verdict approved on the claim's current words settles a change of them (annotations.words).
        words.settle_if_judged_now(claim, claim.published_version)
    elif annotation.status == Status.APPROVED and to_status != Status.DRAFT:
        # Rejecting the published verdict withdraws it; re-opening it keeps it published until
        # a version is approved again.
        _withdraw(claim, annotation, actor=actor, now=now)
    transition = _record(annotation, annotation.status, to_status, actor=actor, comment=comment, now=now)
    annotation.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.SUBMITTED and annotation.first_submitted_version is None:
        annotation.first_submitted_version = annotation.version
        fields.append("first_submitted_version")
    annotation.save(update_fields=fields)
    derived.review_transition(
        claim, annotation, from_status=from_status, to_status=to_status,
        published_before=published_before, replaced=replaced, now=now,
    )  # fmt: skip
    if to_status == Status.APPROVED:
        notifications.verdict_approved(annotation, actor)
    elif to_status == Status.REJECTED:
        notifications.verdict_rejected(annotation, actor)
    elif to_status == Status.DRAFT:
        notifications.verdict_reopened(annotation, actor)
    _audit(claim, annotation, transition, actor=actor, published_before=published_before, replaced=replaced)
    return transition


def _audit(claim, annotation, transition, *, actor, published_before, replaced) -> None:
    data = {"from": transition.from_status, "to": transition.to_status, "version": transition.version}
    if transition.comment:
        data["comment"] = transition.comment
    if replaced:
        data["replaced"] = replaced
    ids = {"claim": claim.pk, "article": claim.article_id, "annotation": annotation.pk}
    audit.record(EVENT_KINDS[transition.to_status], actor=actor, data=data, **ids)
    if published_before is not None and claim.published_version_id is None:
        audit.record("withdrawn", actor=actor, data={"version": transition.version}, **ids)


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

    Editors see everything. Drafts are private to their reviewer (and editors) on
    every route. Reviewers see their own annotations, and others' submitted ones
    (submitted, approved, rejected: never a draft) on a claim only once they have
    submitted their own for it (blind review; with FACTCHECK["BLIND_REVIEW"] off,
    without submitting). Viewers see only annotations whose version is their
    claim's published verdict (and the API shows them that version, not a later
    unpublished edit).
    """
    queryset = Annotation.objects.all() if queryset is None else queryset
    if roles.is_editor(user):
        return queryset
    if roles.is_reviewer(user):
        others = ~Q(status=Status.DRAFT)
        if settings.FACTCHECK["BLIND_REVIEW"]:
            # "Has submitted their own": the first submission is kept on the annotation, and stays
            # through a re-open (what was seen cannot be unseen).
            submitted_own = Annotation.objects.filter(
                claim_id=OuterRef("claim_id"), reviewer=user, first_submitted_version__isnull=False
            )
            others &= Exists(submitted_own)
        return queryset.filter(Q(reviewer=user) | others)
    if roles.is_viewer(user):
        return queryset.filter(claim__published_version__annotation_id=F("pk"))
    return queryset.none()


def shows_published_only(user) -> bool:
    """Viewers read published verdicts only: they are shown the published version of an annotation."""
    return roles.is_viewer(user) and not roles.is_reviewer(user)
