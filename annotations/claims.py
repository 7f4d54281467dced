"""Claim services: anchor a claim in its article's body, and delete it while nobody has annotated it."""

from django.db import IntegrityError, transaction

from . import stats
from .anchoring import SelectorError, resolve_selectors
from .exceptions import DomainConflict
from .models import Article, Claim


@transaction.atomic
def create_claim(article: Article, selectors: list[dict], *, created_by=None, **fields) -> Claim:
    """Resolve W3C selectors against the article body and store the claim with both selectors.

    The article row is locked first, as update_article locks it: the claim is anchored in the
    body as committed, never in a copy that a concurrent edit is replacing.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    anchor = resolve_selectors(article.body, selectors)
    duplicate = article.claims.filter(start=anchor.start, end=anchor.end).values_list("pk", flat=True).first()
    if duplicate is not None:
        raise SelectorError("selector", f"Claim {duplicate} already covers these characters.")
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
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
    stats.record_claim_created(claim, article.language)
    return claim


@transaction.atomic
def delete_claim(claim: Claim) -> None:
    if claim.annotations.exists():
        raise DomainConflict(f"Claim {claim.pk} has annotations and cannot be deleted.", claim_id=claim.pk)
    language = Article.objects.filter(pk=claim.article_id).values_list("language", flat=True).get()
    claim.delete()
    stats.record_claims_deleted(language, 1)
