"""Claim services: anchor a claim in its article's newest revision, re-attach it by hand, delete it
while nobody has annotated it. Every anchoring is recorded in the claim's anchor history."""

import pgtrigger
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import derived
from .anchoring import Anchor, SelectorError, normalise, resolve_selectors
from .articles import current_revision
from .exceptions import DomainConflict
from .models import AnchorStatus, Article, Claim, ClaimAnchor


def _span_taken(article: Article, anchor: Anchor, *, other_than: int | None = None) -> int | None:
    claims = article.claims.filter(start=anchor.start, end=anchor.end).exclude(anchor_status=AnchorStatus.ORPHANED)
    if other_than is not None:
        claims = claims.exclude(pk=other_than)
    return claims.values_list("pk", flat=True).first()


def _record(claim: Claim, *, created_by=None) -> None:
    ClaimAnchor.of(claim, current_revision(claim.article), at=timezone.now(), created_by=created_by).save()


def lock_article_of_claim(claim_id: int) -> None:
    """Take the claim's article row lock before the claim's.

    The lock order of every claim writer: the article row before its claims (create_claim and
    add_revision lock the article first, so review transitions and deletes take it first too);
    no two transactions wait on each other in opposite order.
    """
    list(Article.objects.select_for_update(of=("self",)).filter(claims=claim_id).values_list("pk", flat=True))


TEXT_FIELDS = ("claimant", "statement")


def clean_claim_fields(fields: dict) -> dict:
    """The claim's own words, NFC and trimmed (the one home of that rule)."""
    return {name: normalise(value).strip() if name in TEXT_FIELDS else value for name, value in fields.items()}


@transaction.atomic
def create_claim(article: Article, selectors: list[dict], *, created_by=None, **fields) -> Claim:
    """Resolve W3C selectors against the article body and store the claim with both selectors.

    The article row is locked first, as a new revision locks it: the claim is anchored in the
    body as committed, never in a copy that a concurrent edit is replacing.
    """
    fields = clean_claim_fields(fields)
    article = Article.objects.select_for_update().get(pk=article.pk)
    anchor = resolve_selectors(article.body, selectors)
    duplicate = _span_taken(article, anchor)
    if duplicate is not None:
        raise SelectorError("selector", _("Claim %(id)s already covers these characters.") % {"id": duplicate})
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                article=article,
                start=anchor.start,
                end=anchor.end,
                exact=anchor.exact,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                anchor_status=AnchorStatus.EXACT,
                anchor_revision=article.revision,
                **derived.new_claim_fields(article),
                created_by=created_by,
                **fields,
            )
    except IntegrityError as error:  # a concurrent request created the same span first
        raise SelectorError("selector", _("A claim already covers these characters.")) from error
    derived.claim_created(claim, article)
    _record(claim, created_by=created_by)
    return claim


@transaction.atomic
def reattach_claim(claim: Claim, selectors: list[dict], *, actor=None) -> Claim:
    """A person points a claim at text of the newest revision (or confirms where it is): `manual`.

    Its annotations stay as they are; only where the claim points changes.
    """
    article = Article.objects.select_for_update().get(pk=claim.article_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    anchor = resolve_selectors(article.body, selectors)
    duplicate = _span_taken(article, anchor, other_than=claim.pk)
    if duplicate is not None:
        raise SelectorError("selector", _("Claim %(id)s already covers these characters.") % {"id": duplicate})
    claim.start, claim.end, claim.exact = anchor.start, anchor.end, anchor.exact
    claim.prefix, claim.suffix = anchor.prefix, anchor.suffix
    claim.anchor_status, claim.anchor_revision = AnchorStatus.MANUAL, article.revision
    claim.anchor_score, claim.needs_review = None, False
    # Re-attached to the words the verdict judged settles a change of them; to other words, an editor
    # still decides whether the verdict holds (annotations.words).
    from .words import note_reattached

    note_reattached(claim)
    claim.save()
    claim.article = article
    _record(claim, created_by=actor)
    return claim


@transaction.atomic
def update_claim(claim: Claim, *, selectors: list[dict] | None = None, actor=None, **fields) -> Claim:
    """Change a claim's claimant, date or restatement, and with `selectors` re-attach it."""
    if selectors is not None:
        claim = reattach_claim(claim, selectors, actor=actor)
    if fields:
        for name, value in clean_claim_fields(fields).items():
            setattr(claim, name, value)
        claim.save(update_fields=[*fields, "updated_at"])
    return claim


@transaction.atomic
def delete_claim(claim: Claim) -> None:
    # The article row first (the lock order of every claim writer), then the claim as it stands under that lock.
    lock_article_of_claim(claim.pk)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.annotations.exists():
        message = _("Claim %(claim)s has annotations and cannot be deleted.") % {"claim": claim.pk}
        raise DomainConflict(message, claim_id=claim.pk)
    language = Article.objects.filter(pk=claim.article_id).values_list("language", flat=True).get()
    # The anchor history is append-only; it goes only with the claim it describes.
    with pgtrigger.ignore("annotations.ClaimAnchor:append_only_rows"):
        claim.delete()
    derived.claim_deleted(claim, language=language)
