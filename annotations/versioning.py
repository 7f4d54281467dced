"""Annotation versions: create, append with compare-and-swap, revert, and read the state at an instant.

A save names the version it was based on. The database row of the annotation
is the compare-and-swap target: `UPDATE ... SET version = n + 1 WHERE version
= n` succeeds for exactly one of any number of concurrent writers based on n;
the others get StaleVersion and nothing is written. Numbers are therefore
gapless, and no accepted save is ever overwritten.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .exceptions import DomainConflict, StaleVersion
from .models import Annotation, AnnotationVersion, Claim, ReviewTransition

CONTENT_FIELDS = ("verdict", "confidence", "rationale", "evidence")


@transaction.atomic
def create_annotation(claim: Claim, *, reviewer, change_note: str = "", **content) -> Annotation:
    """Start a reviewer's annotation of a claim with version 1. One annotation per reviewer per claim."""
    existing = Annotation.objects.filter(claim=claim, reviewer=reviewer).values_list("pk", flat=True).first()
    if existing is not None:
        raise DomainConflict(
            f"You already annotate this claim (annotation {existing}); change that one instead.",
            annotation_id=existing,
        )
    try:
        with transaction.atomic():
            annotation = Annotation.objects.create(claim=claim, reviewer=reviewer, version=1)
    except IntegrityError as error:  # the same reviewer raced to create it twice
        raise DomainConflict("You already annotate this claim; change that annotation instead.") from error
    AnnotationVersion.objects.create(
        annotation=annotation,
        number=1,
        based_on=None,
        author=reviewer,
        change_note=change_note,
        created_at=timezone.now(),
        **_complete(content, previous=None),
    )
    return annotation


@transaction.atomic
def append_version(
    annotation: Annotation | int,
    *,
    based_on: int,
    author,
    change_note: str = "",
    reverted_from: int | None = None,
    **changes,
) -> AnnotationVersion:
    """Append version based_on + 1 with `changes` over the based-on version's content.

    Raises StaleVersion when another save got there first. Editing a rejected or
    approved annotation moves it back to draft (recorded as a transition); the
    claim's published verdict stays the approved version until approved again.
    """
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    # The row lock queues concurrent writers; the conditional UPDATE is the
    # compare-and-swap itself, so it also holds where locks are no-ops (SQLite).
    locked = Annotation.objects.select_for_update().get(pk=annotation_id)
    reopened_from = locked.status if locked.status in (Annotation.Status.REJECTED, Annotation.Status.APPROVED) else None
    now = timezone.now()
    swapped = Annotation.objects.filter(pk=annotation_id, version=based_on).update(
        version=based_on + 1,
        status=Annotation.Status.DRAFT if reopened_from else locked.status,
        updated_at=now,
    )
    if not swapped:
        locked.refresh_from_db()
        raise StaleVersion(locked, based_on)
    previous = AnnotationVersion.objects.get(annotation_id=annotation_id, number=based_on)
    version = AnnotationVersion.objects.create(
        annotation_id=annotation_id,
        number=based_on + 1,
        based_on=based_on,
        reverted_from=reverted_from,
        author=author,
        change_note=change_note,
        created_at=now,
        **_complete(changes, previous=previous),
    )
    if reopened_from:
        ReviewTransition.objects.create(
            annotation_id=annotation_id,
            from_status=reopened_from,
            to_status=Annotation.Status.DRAFT,
            version=version.number,
            comment=f"Edited (version {version.number}); needs review again.",
            actor=author,
            created_at=now,
        )
    return version


def revert(annotation: Annotation | int, *, to: int, based_on: int, author, change_note: str = "") -> AnnotationVersion:
    """Append a new version whose content equals version `to`; history is never rewritten."""
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    try:
        old = AnnotationVersion.objects.get(annotation_id=annotation_id, number=to)
    except AnnotationVersion.DoesNotExist as error:
        raise DomainConflict(f"Annotation {annotation_id} has no version {to}.", field="version") from error
    return append_version(
        annotation_id,
        based_on=based_on,
        author=author,
        change_note=change_note or f"Reverted to version {to}.",
        reverted_from=to,
        **{name: getattr(old, name) for name in CONTENT_FIELDS},
    )


def version_as_of(annotation: Annotation | int, instant: datetime.datetime) -> AnnotationVersion | None:
    """The version that was current at `instant`, or None if the annotation did not exist yet."""
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    return (
        AnnotationVersion.objects.filter(annotation_id=annotation_id, created_at__lte=instant)
        .select_related("verdict", "author")
        .order_by("-number")
        .first()
    )


def current_version(annotation: Annotation) -> AnnotationVersion:
    return AnnotationVersion.objects.select_related("verdict", "author").get(
        annotation=annotation, number=annotation.version
    )


def diff_versions(old: AnnotationVersion, new: AnnotationVersion) -> dict[str, dict]:
    """Field-level differences between two versions: {field: {"from": old, "to": new}}."""
    fields = (*CONTENT_FIELDS, "change_note")
    changes = {}
    for name in fields:
        before, after = _comparable(old, name), _comparable(new, name)
        if before != after:
            changes[name] = {"from": before, "to": after}
    return changes


def _comparable(version: AnnotationVersion, name: str):
    return version.verdict.key if name == "verdict" else getattr(version, name)


def _complete(changes: dict, previous: AnnotationVersion | None) -> dict:
    """The full content of a new version: the changes over the previous version's content."""
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown annotation fields: {sorted(unknown)}")
    content = {name: getattr(previous, name) for name in CONTENT_FIELDS} if previous else {}
    content.update(changes)
    if "verdict" not in content or content.get("confidence") is None:
        raise ValidationError({"verdict": "A first version needs a verdict and a confidence."})
    content.setdefault("rationale", "")
    content.setdefault("evidence", [])
    return content
