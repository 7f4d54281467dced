"""Article services: create and edit articles without ever moving the text under a claim."""

from django.db import transaction

from . import stats
from .anchoring import anchor_at, normalise
from .exceptions import DomainConflict
from .models import Article, Claim


@transaction.atomic
def create_article(*, created_by=None, **fields) -> Article:
    fields["body"] = normalise(fields["body"])
    return Article.objects.create(created_by=created_by, **fields)


@transaction.atomic
def delete_article(article: Article) -> None:
    """Delete an article and its claims; claims that someone annotated protect it (ProtectedError)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    claims = article.claims.count()
    article.delete()
    stats.record_claims_deleted(article.language, claims)


@transaction.atomic
def update_article(article: Article, **fields) -> Article:
    """Update an article; a new body is accepted only if every claim still finds its exact text
    at its offsets (body revisions with re-anchoring are a separate feature)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if "body" in fields:
        fields["body"] = normalise(fields["body"])
        if fields["body"] != article.body:
            _refit_claims(article, fields["body"])
    old_language = article.language
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    if article.language.lower() != old_language.lower():
        stats.record_language_changed(article.pk, old_language)
    return article


def _refit_claims(article: Article, body: str) -> None:
    claims = list(article.claims.all())
    broken = [c.pk for c in claims if body[c.start : c.end] != c.exact]
    if broken:
        raise DomainConflict(
            "The new body moves or removes the text of existing claims; "
            "correct the text without touching claimed passages.",
            field="body",
            claim_ids=broken,
        )
    for claim in claims:
        anchor = anchor_at(body, claim.start, claim.end)
        claim.prefix, claim.suffix = anchor.prefix, anchor.suffix
    Claim.objects.bulk_update(claims, ["prefix", "suffix"])
