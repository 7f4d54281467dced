"""Article services: validate an article's fields, create and edit articles without ever moving
the text under a claim.

`clean_article_fields` is the one home of the article rules (NFC text, a title and a body that
are not blank, a BCP 47 language tag, no publication date in the future): the API, the bulk import
and the commands all go through it.
"""

import datetime

import langcodes
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .anchoring import anchor_at, normalise
from .exceptions import DomainConflict
from .instants import parse_instant
from .models import Article, Claim

ARTICLE_FIELDS = ("title", "url", "publisher", "language", "published_at", "body")
REQUIRED_FIELDS = ("title", "body", "language")


def clean_article_fields(fields: dict, *, partial: bool = False) -> dict:
    """The article fields in `fields`, checked and normalised; other keys are left out.

    Raises ValidationError({field: message}) naming every bad field. With `partial`, fields that
    are absent are not required (a PATCH).
    """
    errors, cleaned = {}, {}
    if not partial:
        for name in REQUIRED_FIELDS:
            if name not in fields:
                errors[name] = "This field is required."
    for name in ARTICLE_FIELDS:
        if name not in fields or name in errors:
            continue
        try:
            cleaned[name] = _clean_field(name, fields[name])
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_field(name: str, value):
    if name == "published_at":
        return _clean_published_at(value)
    if not isinstance(value, str):
        raise ValidationError("Expected a string.")
    value = Article._meta.get_field(name).clean(normalise(value), None) if value else value
    if name == "title":
        value = value.strip()
        if not value:
            raise ValidationError("The title must not be blank.")
    elif name == "body" and not value.strip():
        raise ValidationError("The body must not be blank.")
    elif name == "language":
        if not langcodes.tag_is_valid(value):
            raise ValidationError(f"{value!r} is not a valid BCP 47 language tag (e.g. 'en', 'it', 'pt-BR').")
        value = langcodes.standardize_tag(value)
    return value


def _clean_published_at(value) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = parse_instant(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None
    if not isinstance(value, datetime.datetime):
        raise ValidationError("Expected YYYY-MM-DD or an ISO 8601 instant.")
    if value > timezone.now() + datetime.timedelta(days=1):
        raise ValidationError("The publication date is in the future.")
    return value


@transaction.atomic
def create_article(*, created_by=None, **fields) -> Article:
    fields = clean_article_fields(fields)
    return Article.objects.create(created_by=created_by, **fields)


@transaction.atomic
def update_article(article: Article, **fields) -> Article:
    """Update an article; a new body is accepted only if every claim still finds its exact text
    at its offsets (body revisions with re-anchoring are a separate feature)."""
    fields = clean_article_fields(fields, partial=True)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if "body" in fields and fields["body"] != article.body:
        _refit_claims(article, fields["body"])
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
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
