"""Article services: create and edit articles without ever moving the text under a claim."""

from django.db import transaction

from . import search
from .anchoring import anchor_at, normalise
from .exceptions import DomainConflict
from .models import Article, Claim


@transaction.atomic
def create_article(*, created_by=None, **fields) -> Article:
    fields["body"] = normalise(fields["body"])
    return Article.objects.create(created_by=created_by, **fields)


@transaction.atomic
def update_article(article: Article, **fields) -> Article:
    """Update an article; a new body is accepted only if every claim still finds its exact text
    at its offsets (body revisions with re-anchoring are a separate feature)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if "body" in fields:
        fields["body"] = normalise(fields["body"])
        if fields["body"] != article.body:
            _refit_claims(article, fields["body"])
    language_changed = "language" in fields and fields["language"] != article.language
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    if language_changed:
        search.sync_article_language(article)
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
