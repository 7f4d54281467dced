"""Judged words: a verdict is about the words it judged, never silently about others.

Each annotation version records the claim's words when it was written (the database fills them in,
models.postgres.JUDGED_WORDS). When a revision changes an annotated claim's words (any anchoring
but `exact` or `moved`), the claim keeps the anchor its verdicts were judged on (`Claim.judged_*`),
is marked for review whatever the similarity, and every export keeps publishing the judged words
until an editor decides (`decide`): the verdict still holds (exports move to the new words), or
re-open (back to the reviewer; the publication stays on the judged words, or is withdrawn).
Approving a version written on the current words settles the change too.

Invariant: `Claim.judged_exact` is null, or differs from `Claim.exact`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, derived, roles
from .anchoring import normalise
from .exceptions import DomainConflict, NotAllowed
from .models import Annotation, Claim, ReviewTransition, WordsDecision

Status = Annotation.Status
JUDGED_FIELDS = ["judged_exact", "judged_prefix", "judged_suffix", "judged_start", "judged_end", "judged_revision"]


def note_reanchored(claim: Claim, *, old: tuple[int, int, str, str, str, int], annotated: bool) -> None:
    """After `claim` was re-anchored (not yet saved): keep the words its verdicts judged, when they changed.

    `old` is the anchor before the revision (start, end, exact, prefix, suffix, revision). Words that
    came back to what was judged settle the change; a claim nobody annotated has no judged words.
    """
    if not annotated:
        return
    judged = claim.judged_exact if claim.judged_exact is not None else old[2]
    if claim.exact == judged:
        _clear(claim)
        return
    claim.needs_review = True
    if claim.judged_exact is None:
        start, end, exact, prefix, suffix, revision = old
        claim.judged_start, claim.judged_end, claim.judged_exact = start, end, exact
        claim.judged_prefix, claim.judged_suffix, claim.judged_revision = prefix, suffix, revision


def note_reattached(claim: Claim) -> None:
    """After a person pointed `claim` at other words (not yet saved): settled when they are the judged ones."""
    if claim.judged_exact is None:
        return
    if claim.exact == claim.judged_exact:
        _clear(claim)
    else:
        claim.needs_review = True


def _clear(claim: Claim) -> None:
    claim.judged_exact = claim.judged_start = claim.judged_end = claim.judged_revision = None
    claim.judged_prefix = claim.judged_suffix = ""


def settle_if_judged_now(claim: Claim, version) -> bool:
    """An approval of a version written on the claim's current words settles a pending change.

    Called by review inside the approval's transaction; True when the claim's judged words were cleared."""
    if claim.judged_exact is None or version.judged_exact != claim.exact:
        return False
    _clear(claim)
    claim.needs_review = False
    claim.save(update_fields=[*JUDGED_FIELDS, "needs_review", "updated_at"])
    return True


@transaction.atomic
def decide(claim: Claim, *, decision: str, actor, note: str = "", withdraw: bool = False) -> WordsDecision:
    """An editor's decision on a claim whose words changed under its verdict, recorded as a review
    transition of the verdict's annotation (the published one, else each submitted one) and in the
    decision log."""
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors decide whether a verdict holds for changed words."))
    if decision not in WordsDecision.Decision.values:
        raise DomainConflict(_("decision: choose 'holds' or 'reopen'."), field="decision")
    from .claims import lock_article_of_claim

    lock_article_of_claim(claim.pk)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.judged_exact is None:
        raise DomainConflict(
            _("Claim %(claim)s's words have not changed since its verdict was written; there is nothing to decide.")
            % {"claim": claim.pk},
            field="decision",
        )
    note = normalise(note or "").strip()
    now = timezone.now()
    record = WordsDecision.objects.create(
        claim=claim, decision=decision, note=note, withdraw=bool(withdraw) and decision == "reopen",
        judged_exact=claim.judged_exact, current_exact=claim.exact, revision=claim.anchor_revision,
        actor=actor, created_at=now,
    )  # fmt: skip
    if decision == WordsDecision.Decision.HOLDS:
        _holds(claim, actor=actor, note=note, now=now)
    else:
        _reopen(claim, actor=actor, note=note, withdraw=record.withdraw, now=now)
    data = {"decision": decision, "withdraw": record.withdraw, "judged": record.judged_exact,
            "current": record.current_exact, "revision": record.revision, "note": note}  # fmt: skip
    audit.record("words_decided", actor=actor, claim=claim, article=claim.article_id, data=data)
    return record


def _verdict_annotations(claim: Claim) -> list[Annotation]:
    published = claim.published_version.annotation_id if claim.published_version_id else None
    if published is not None:
        return [Annotation.objects.select_for_update().get(pk=published)]
    return list(claim.annotations.select_for_update().filter(status=Status.SUBMITTED).order_by("id"))


def _holds(claim: Claim, *, actor, note: str, now) -> None:
    comment = _comment("The verdict still holds for the changed words", claim, note)
    for annotation in _verdict_annotations(claim):
        _record(annotation, annotation.status, annotation.status, actor=actor, comment=comment, now=now)
    _clear(claim)
    claim.needs_review = False
    # The claim row's trigger moves its published export row to the current words (exports.cells).
    claim.save(update_fields=[*JUDGED_FIELDS, "needs_review", "updated_at"])
    derived.claim_words_decided(claim)


def _reopen(claim: Claim, *, actor, note: str, withdraw: bool, now) -> None:
    from . import review  # review settles changes on approval (settle_if_judged_now): imported late

    comment = _comment("Re-opened: the claim's words changed", claim, note)
    annotations = _verdict_annotations(claim)
    published = claim.published_version_id
    claim.needs_review = False
    if withdraw or not published:
        # Nothing stays published on the judged words: the next verdict is written on the current ones.
        _clear(claim)
    claim.save(update_fields=[*JUDGED_FIELDS, "needs_review", "updated_at"])
    for annotation in annotations:
        if withdraw or annotation.status != Status.APPROVED:
            review.reject(annotation, actor=actor, comment=comment)
            continue
        # The publication stays, on the judged words, until a verdict on the current words is approved;
        # the reviewer edits the annotation again.
        _record(annotation, Status.APPROVED, Status.REJECTED, actor=actor, comment=comment, now=now)
        annotation.status = Status.REJECTED
        annotation.save(update_fields=["status", "updated_at"])
        derived.review_transition(
            claim, annotation, from_status=Status.APPROVED, to_status=Status.REJECTED,
            published_before=published, replaced=[], now=now,
        )  # fmt: skip
    derived.claim_words_decided(claim)


def _comment(what: str, claim: Claim, note: str) -> str:
    text = f"{what} (revision {claim.anchor_revision}): “{claim.judged_exact}” → “{claim.exact}”."
    return f"{text} {note}" if note else text


def _record(annotation, from_status, to_status, *, actor, comment, now) -> ReviewTransition:
    return ReviewTransition.objects.create(
        annotation=annotation, from_status=from_status, to_status=to_status, version=annotation.version,
        comment=comment, actor=actor, created_at=now,
    )  # fmt: skip
