"""Claim services: anchor a claim in its article's body, change what is said about it, and delete it
while nobody has annotated it."""

from django.db import IntegrityError, transaction

from .anchoring import SelectorError, normalise, resolve_selectors
from .exceptions import DomainConflict
from .models import Article, Claim

TEXT_FIELDS = ("claimant", "statement")


def clean_claim_fields(fields: dict) -> dict:
    """The claim's own words, NFC and trimmed (the one home of that rule)."""
    return {name: normalise(value).strip() if name in TEXT_FIELDS else value for name, value in fields.items()}


@transaction.atomic
def create_claim(article: Article, selectors: list[dict], *, created_by=None, **fields) -> Claim:
    """Resolve W3C selectors against the article body and store the claim with both selectors.

    The article row is locked first, as update_article locks it: the claim is anchored in the
    body as committed, never in a copy that a concurrent edit is replacing.
    """
    fields = clean_claim_fields(fields)
    article = Article.objects.select_for_update().get(pk=article.pk)
    anchor = resolve_selectors(article.body, selectors)
    duplicate = article.claims.filter(start=anchor.start, end=anchor.end).values_list("pk", flat=True).first()
    if duplicate is not None:
        raise SelectorError("selector", f"Claim {duplicate} already covers these characters.")
    try:
        with transaction.atomic():
            return Claim.objects.create(
                article=article,
                start=anchor.start,
                end=anchor.end,
                exact=anchor.exact,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                created_by=created_by,
                **fields,
            )
    except IntegrityError as error:  # a concurrent request created the same span first
        raise SelectorError("selector", "A claim already covers these characters.") from error


@transaction.atomic
def update_claim(claim: Claim, **fields) -> Claim:
    """Change what is said about a claim (claimant, date, statement); its anchor never moves."""
    for name, value in clean_claim_fields(fields).items():
        setattr(claim, name, value)
    claim.save()
    return claim


@transaction.atomic
def delete_claim(claim: Claim) -> None:
    if claim.annotations.exists():
        raise DomainConflict(f"Claim {claim.pk} has annotations and cannot be deleted.", claim_id=claim.pk)
    claim.delete()
