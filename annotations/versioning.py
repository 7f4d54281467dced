"""Annotation versions: create, append with compare-and-swap, revert, and read the state at an instant.

A save names the version it was based on. The database row of the annotation
is the compare-and-swap target: `UPDATE ... SET version = n + 1 WHERE version
= n` succeeds for exactly one of any number of concurrent writers based on n;
the others get StaleVersion and nothing is written. Numbers are therefore
gapless, and no accepted save is ever overwritten.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import assignments, audit, derived, review, roles
from .anchoring import normalise
from .exceptions import DomainConflict, NotAllowed, StaleVersion
from .exports.cells import version_cells
from .models import Annotation, AnnotationVersion, Claim, ReviewTransition

CONTENT_FIELDS = ("verdict", "confidence", "rationale", "evidence")

STANCES = ("supports", "refutes", "context")
EVIDENCE_TEXT_FIELDS = ("title", "publisher", "quote")
EVIDENCE_FIELDS = ("url", *EVIDENCE_TEXT_FIELDS, "stance", "accessed")
_http_url = URLValidator(schemes=["http", "https"])


def clean_rationale(value) -> str:
    """The rationale as stored: NFC, without leading or trailing whitespace (the one home of that rule).

    Line endings inside stay as written: a rationale is prose, not text claims point into by offset."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({"rationale": _("Expected a string.")})
    return unicodedata.normalize("NFC", value).strip()


def clean_evidence(items) -> list[dict]:
    """Validate and normalise evidence items; every stored version carries all six keys.

    Errors name the item and key (`evidence[2].url`) so a client can point at the bad input.
    Only http and https URLs are accepted: a `javascript:` or `file:` link must never reach a page.
    """
    if not isinstance(items, list):
        raise ValidationError({"evidence": _("Expected a list of evidence items.")})
    cleaned, errors = [], {}
    for index, item in enumerate(items):
        where = f"evidence[{index}]"
        if not isinstance(item, dict):
            errors[where] = _("Expected an object with url, title, publisher, quote, stance and accessed.")
            continue
        for unknown in sorted(set(item) - set(EVIDENCE_FIELDS)):
            errors[f"{where}.{unknown}"] = _("Unknown evidence field; expected one of %(fields)s.") % {
                "fields": ", ".join(EVIDENCE_FIELDS)
            }
        entry = {"url": _clean_url(item.get("url"), f"{where}.url", errors)}
        for name in EVIDENCE_TEXT_FIELDS:
            value = item.get(name) or ""
            if not isinstance(value, str):
                errors[f"{where}.{name}"] = _("Expected a string.")
                value = ""
            entry[name] = normalise(value).strip()
        entry["stance"] = item.get("stance")
        if entry["stance"] not in STANCES:
            errors[f"{where}.stance"] = _("Expected one of %(values)s.") % {"values": ", ".join(STANCES)}
        entry["accessed"] = _clean_date(item.get("accessed"), f"{where}.accessed", errors)
        cleaned.append(entry)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_url(value, where: str, errors: dict) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[where] = _("An http or https URL is required.")
        return ""
    value = value.strip()
    try:
        _http_url(value)
    except ValidationError:
        errors[where] = _("Only http and https URLs are accepted.")
    return value


def _clean_date(value, where: str, errors: dict) -> str | None:
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        errors[where] = _("Expected an ISO date, YYYY-MM-DD.")
        return None


@transaction.atomic
def create_annotation(claim: Claim, *, reviewer, change_note: str = "", **content) -> Annotation:
    """Start a reviewer's annotation of a claim with version 1. One annotation per reviewer per claim."""
    if not assignments.may_take(reviewer, claim):
        raise NotAllowed(_("This claim is not assigned to you; reviewers here check the claims assigned to them."))
    existing = Annotation.objects.filter(claim=claim, reviewer=reviewer).values_list("pk", flat=True).first()
    if existing is not None:
        raise DomainConflict(
            _("You already annotate this claim (annotation %(annotation)s); change that one instead.")
            % {"annotation": existing},
            annotation_id=existing,
        )
    try:
        with transaction.atomic():
            annotation = Annotation.objects.create(claim=claim, reviewer=reviewer, version=1)
    except IntegrityError as error:  # the same reviewer raced to create it twice; the winner has committed
        winner = Annotation.objects.filter(claim=claim, reviewer=reviewer).values_list("pk", flat=True).first()
        raise DomainConflict(
            _("You already annotate this claim; change that annotation instead."), annotation_id=winner
        ) from error
    content = _complete(content, previous=None, first=True)
    now = timezone.now()
    version = AnnotationVersion.objects.create(
        annotation=annotation,
        number=1,
        based_on=None,
        author=reviewer,
        change_note=normalise(change_note).strip(),
        created_at=now,
        independent=written_blind(annotation, reviewer),
        **content,
        **version_cells(rationale=content["rationale"], evidence=content["evidence"], created_at=now),
    )
    derived.annotation_started(annotation)
    _audit_version(annotation, version, article_id=claim.article_id)
    return annotation


def written_blind(annotation: Annotation, author) -> bool:
    """Whether a version `author` writes now is an independent judgement: written by the annotation's
    reviewer before their first submission, while they could not see the others' verdicts (under blind
    review a reviewer cannot; an editor, or anyone with blind review off, can, once there are any)."""
    if author.pk != annotation.reviewer_id or annotation.first_submitted_version is not None:
        return False
    editor = roles.is_editor(author)
    if settings.FACTCHECK["BLIND_REVIEW"] and not editor:
        return True
    others = Annotation.objects.filter(claim_id=annotation.claim_id).exclude(pk=annotation.pk)
    return not (others if editor else others.exclude(status=Annotation.Status.DRAFT)).exists()


def _audit_version(annotation: Annotation, version: AnnotationVersion, *, article_id: int | None) -> None:
    if article_id is None:
        article_id = Claim.objects.filter(pk=annotation.claim_id).values_list("article_id", flat=True).first()
    data = {"version": version.number, "based_on": version.based_on, "independent": version.independent}
    if version.reverted_from is not None:
        data["reverted_from"] = version.reverted_from
    audit.record(
        "version_written", actor=version.author, claim=annotation.claim_id, article=article_id,
        annotation=annotation.pk, data=data,
    )  # fmt: skip


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

    Raises StaleVersion when another save got there first, and DomainConflict (code "frozen") when
    the author is the annotation's reviewer and has submitted it (blind review: an editor re-opens
    it first, review.reopen). Editing a rejected or
    approved annotation moves it back to draft (recorded as a transition); the
    claim's published verdict stays the approved version until approved again.
    Given an Annotation instance, its version, status and updated_at are set to
    what was saved (as `save()` would), so a caller can answer without reading it
    back. The returned version has its verdict loaded.
    """
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    # The row lock queues concurrent writers; the conditional UPDATE is the
    # compare-and-swap itself.
    # One query locks the annotation and reads the based-on version, whose content
    # the new version carries over (saves are the hot path, see bench/save.py).
    previous = (
        AnnotationVersion.objects.select_for_update(of=("annotation",))
        .select_related("annotation", "verdict")
        .filter(annotation_id=annotation_id, number=based_on)
        .first()
    )
    if previous is None:  # based_on names no version (yet)
        raise StaleVersion(Annotation.objects.only("version").get(pk=annotation_id), based_on)
    locked = previous.annotation
    if locked.version != based_on:
        raise StaleVersion(locked, based_on)
    if review.is_frozen_for(locked, author):
        raise DomainConflict(
            _(
                "You submitted this annotation, so it is frozen: other reviewers' verdicts may have been "
                "visible to you since. An editor can re-open it (POST .../reopen/) to make it editable again."
            ),
            code="frozen",
            status=locked.status,
        )
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
    content = _complete(changes, previous=previous, first=False)
    version = AnnotationVersion.objects.create(
        annotation_id=annotation_id,
        number=based_on + 1,
        based_on=based_on,
        reverted_from=reverted_from,
        author=author,
        change_note=normalise(change_note).strip(),
        created_at=now,
        independent=written_blind(locked, author),
        **content,
        **version_cells(rationale=content["rationale"], evidence=content["evidence"], created_at=now),
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
    derived.version_appended(
        annotation_id,
        locked.claim_id,
        status=locked.status,
        reopened=reopened_from is not None,
        reviewer_id=locked.reviewer_id,
    )
    if isinstance(annotation, Annotation):
        annotation.version, annotation.updated_at = based_on + 1, now
        annotation.status = Annotation.Status.DRAFT if reopened_from else locked.status
    version.author = author
    _audit_version(locked, version, article_id=getattr(annotation, "article_pk", None))
    return version


def revert(annotation: Annotation | int, *, to: int, based_on: int, author, change_note: str = "") -> AnnotationVersion:
    """Append a new version whose content equals version `to`; history is never rewritten."""
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    try:
        old = AnnotationVersion.objects.select_related("verdict").get(annotation_id=annotation_id, number=to)
    except AnnotationVersion.DoesNotExist as error:
        raise ValidationError(
            {
                "version": _("Annotation %(annotation)s has no version %(number)s.")
                % {"annotation": annotation_id, "number": to}
            }
        ) from error
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


@dataclass(frozen=True)
class AnnotationState:
    """An annotation as shown: one of its versions, its review status, and the number of its
    version that is the claim's published verdict (None: none of its versions is)."""

    annotation: Annotation
    version: AnnotationVersion
    status: str
    published_version: int | None

    @property
    def is_published(self) -> bool:
        return self.published_version is not None


def annotation_as_of(annotation: Annotation, instant: datetime.datetime, *, published_only: bool):
    """The annotation as it stood at `instant`, or None if it had no version (for `published_only`
    readers: no published version) then. Returns an AnnotationState."""
    published = review.published_version_as_of(annotation.claim_id, instant)
    is_ours = published is not None and published.annotation_id == annotation.pk
    shown = (published if is_ours else None) if published_only else version_as_of(annotation, instant)
    if shown is None:
        return None
    return AnnotationState(
        annotation, shown, review.status_as_of(annotation, instant), published.number if is_ours else None
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


def _complete(changes: dict, previous: AnnotationVersion | None, *, first: bool) -> dict:
    """The full content of a new version: the changes over the previous version's content."""
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown annotation fields: {sorted(unknown)}")
    content = {}
    if previous is not None:
        # The previous version is read with its verdict joined: carrying the verdict over needs no
        # query, and the new version is represented without one.
        content = {name: getattr(previous, name) for name in CONTENT_FIELDS}
    content.update(changes)
    if first and content.get("verdict") is None:
        raise ValidationError({"verdict": _("A first version needs a verdict.")})
    if first and content.get("confidence") is None:
        raise ValidationError({"confidence": _("A first version needs a confidence (0-100).")})
    # The one check of the range (the API, the commands and the browser all come here); the
    # database's version_confidence_0_100 constraint is the backstop.
    confidence = content.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, int) or not 0 <= confidence <= 100
    ):
        raise ValidationError({"confidence": _("Confidence is a whole number from 0 to 100.")})
    if "rationale" in changes:
        content["rationale"] = clean_rationale(content["rationale"])
    if "evidence" in changes:
        content["evidence"] = clean_evidence(content["evidence"] or [])
    content.setdefault("rationale", "")
    content.setdefault("evidence", [])
    return content
