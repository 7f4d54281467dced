"""Article services: validate an article's fields, create articles, and give them new body revisions
with every claim re-anchored.

`clean_article_fields` is the one home of the article rules (NFC text, a title and a body that
are not blank, a BCP 47 language tag, no publication date in the future): the API, the bulk import,
fetching and the commands all go through it.

Invariants: an article always has at least one revision and `Article.body` is the text of its
newest one (`Article.revision`); a revision is added together with the re-anchoring of every
claim, in one transaction, so no claim is ever left pointing into text it was not checked against.
Annotations belong to claims and are never touched here.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

import langcodes
import pgtrigger
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck.lib.instants import parse_instant

from . import audit, derived, notifications
from .anchoring import Anchor, normalise, reanchor
from .models import AnchorStatus, Annotation, Article, ArticleRevision, Claim, ClaimAnchor

# Orphaned claims keep their old offsets; shifting the claims that move out of the way first lets
# the unique-span index accept a set of new offsets that overlaps the old ones (a row-by-row check).
_SHIFT = 1 << 30


@dataclass
class RevisionResult:
    """What a body change did: the revision now current, whether it is new, and the re-anchoring counts."""

    article: Article
    revision: ArticleRevision
    created: bool
    reanchored: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleUpdate:
    """What update_article did: the article as saved and, when the body was given, the revision."""

    article: Article
    revision: RevisionResult | None = None


ARTICLE_FIELDS = ("title", "url", "publisher", "author", "language", "published_at", "body")
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
                errors[name] = _("This field is required.")
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
        raise ValidationError(_("Expected a string."))
    value = Article._meta.get_field(name).clean(normalise(value), None) if value else value
    if name == "title":
        value = value.strip()
        if not value:
            raise ValidationError(_("The title must not be blank."))
    elif name == "author":
        value = value.strip()
    elif name == "body" and not value.strip():
        raise ValidationError(_("The body must not be blank."))
    elif name == "language":
        if not langcodes.tag_is_valid(value):
            raise ValidationError(
                _("%(value)s is not a valid BCP 47 language tag (e.g. 'en', 'it', 'pt-BR').") % {"value": repr(value)}
            )
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
        raise ValidationError(_("Expected YYYY-MM-DD or an ISO 8601 instant."))
    if value > timezone.now() + datetime.timedelta(days=1):
        raise ValidationError(_("The publication date is in the future."))
    return value


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@transaction.atomic
def create_article(*, created_by=None, source: str = ArticleRevision.Source.TYPED, html_sha256: str = "", **fields):
    """A new article and its revision 1."""
    from .fetching.policy import normalise_url

    normalized_url = fields.pop("normalized_url", "")
    fields = clean_article_fields(fields)
    if fields.get("url") and not normalized_url:
        normalized_url = normalise_url(fields["url"])
    article = Article.objects.create(created_by=created_by, revision=1, normalized_url=normalized_url, **fields)
    ArticleRevision.objects.create(
        article=article,
        number=1,
        source=source,
        body=article.body,
        sha256=body_sha256(article.body),
        html_sha256=html_sha256,
        created_by=created_by,
        created_at=timezone.now(),
    )
    audit.record("revision_made", actor=created_by, article=article, data={"revision": 1, "source": source})
    return article


@transaction.atomic
def update_article(article: Article, *, edited_by=None, change_note: str = "", **fields) -> ArticleUpdate:
    """Update an article's fields; a new body becomes a new revision (see add_revision) with `change_note`,
    reported in the answer's `revision` (None when no body was given)."""
    fields = clean_article_fields(fields, partial=True)
    article = Article.objects.select_for_update().get(pk=article.pk)
    body = fields.pop("body", None)
    old_language = article.language
    language_changed = "language" in fields and fields["language"] != article.language
    for name, value in fields.items():
        setattr(article, name, value)
    if "url" in fields:
        from .fetching.policy import normalise_url

        article.normalized_url = normalise_url(article.url) if article.url else ""
    article.save()
    if language_changed:
        derived.article_language_changed(article, old_language=old_language)
    if body is None:
        return ArticleUpdate(article)
    result = add_revision(article, body, source=ArticleRevision.Source.TYPED, created_by=edited_by, note=change_note)
    return ArticleUpdate(result.article, result)


def current_revision(article: Article) -> ArticleRevision:
    """The article's newest revision. Rows written around the services (bulk COPY of benchmark
    data) may lack one: it is recorded then from the body, as typed in."""
    revision, _created = ArticleRevision.objects.get_or_create(
        article=article,
        number=article.revision,
        defaults={
            "source": ArticleRevision.Source.TYPED,
            "body": article.body,
            "sha256": body_sha256(article.body),
            "created_by": article.created_by,
            "created_at": timezone.now(),
        },
    )
    return revision


@transaction.atomic
def add_revision(
    article: Article, body: str, *, source: str, created_by=None, html_sha256: str = "", note: str = ""
) -> RevisionResult:
    """Make `body` the article's text: a new revision, every claim re-anchored in the same transaction.

    The same text as the newest revision adds none (and re-anchors nothing).
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    body = normalise(body)
    current = current_revision(article)
    if body == article.body:
        return RevisionResult(article, current, created=False)
    now = timezone.now()
    revision = ArticleRevision.objects.create(
        article=article,
        number=article.revision + 1,
        source=source,
        body=body,
        sha256=body_sha256(body),
        html_sha256=html_sha256,
        note=normalise(note or "").strip(),
        created_by=created_by,
        created_at=now,
    )
    old_body = article.body
    article.body, article.revision = body, revision.number
    article.save(update_fields=["body", "revision", "updated_at"])
    counts = _reanchor_claims(article, old_body, revision, now)
    audit.record(
        "revision_made", actor=created_by, article=article,
        data={"revision": revision.number, "source": source, "sha256": revision.sha256, "reanchored": counts},
    )  # fmt: skip
    return RevisionResult(article, revision, created=True, reanchored=counts)


def _reanchor_claims(article: Article, old_body: str, revision: ArticleRevision, now) -> dict[str, int]:
    # Orphans are tried again too: a later revision may bring their words back.
    claims = list(article.claims.order_by("start", "id"))
    counts = Counter({status: 0 for status in AnchorStatus.values if status != AnchorStatus.MANUAL})
    if not claims:
        return {**counts, "needs_review": 0}
    from . import words  # words -> claims -> articles: imported late

    anchors = [Anchor(c.start, c.end, c.exact, c.prefix, c.suffix) for c in claims]
    lost = [c.anchor_status == AnchorStatus.ORPHANED for c in claims]
    judged_before = {c.pk: (c.exact, c.anchor_status) for c in claims}
    results = reanchor(old_body, revision.body, anchors, lost=lost)
    annotated = set(Annotation.objects.filter(claim__article=article).values_list("claim_id", flat=True))
    history = []
    for claim, result in zip(claims, results, strict=True):
        counts[result.status] += 1
        old = (claim.start, claim.end, claim.exact, claim.prefix, claim.suffix, claim.anchor_revision)
        claim.anchor_status, claim.anchor_revision = result.status, revision.number
        claim.anchor_score = result.score if result.status == AnchorStatus.FUZZY else None
        claim.needs_review = result.needs_review
        if result.anchor is not None:
            anchor = result.anchor
            claim.start, claim.end, claim.exact = anchor.start, anchor.end, anchor.exact
            claim.prefix, claim.suffix = anchor.prefix, anchor.suffix
        # A verdict is about the words it judged: changed words under one wait for an editor.
        words.note_reanchored(claim, old=old, annotated=claim.pk in annotated)
        history.append(ClaimAnchor.of(claim, revision, at=now))
    # See _SHIFT: clear every old span (a claim orphaned now still counts in the index until it is
    # written) before the new ones are written, in whatever order the rows are updated.
    Claim.objects.filter(article=article).update(start=F("start") + _SHIFT, end=F("end") + _SHIFT)
    _write_anchors(claims)
    ClaimAnchor.objects.bulk_create(history, batch_size=1000)
    counts["needs_review"] = sum(1 for claim in claims if claim.needs_review)
    # A verdict is about the words it judged: whoever annotated a claim whose words changed is told.
    # (Once per change: a claim that stays orphaned through later revisions is not told about again.)
    kept = (AnchorStatus.EXACT, AnchorStatus.MOVED)
    changed = [
        c.pk for c in claims if c.anchor_status not in kept and (c.exact, c.anchor_status) != judged_before[c.pk]
    ]
    notifications.words_changed(changed, actor=revision.created_by)
    return dict(counts)


_ANCHOR_FIELDS = ["start", "end", "exact", "prefix", "suffix", "anchor_status", "anchor_revision", "anchor_score",
                  "needs_review", "judged_exact", "judged_prefix", "judged_suffix", "judged_start", "judged_end",
                  "judged_revision"]  # fmt: skip


def _write_anchors(claims: list[Claim]) -> None:
    """Write every claim's new anchor in one statement.

    An UPDATE ... FROM (VALUES ...): Django's bulk_update builds a CASE with one branch per row
    for each column, which costs seconds at 1,000 claims.
    """
    from psycopg2.extras import execute_values

    table = Claim._meta.db_table
    columns = ", ".join(f'"{name}" = v."{name}"' for name in _ANCHOR_FIELDS)
    names = ", ".join(f'"{name}"' for name in ["id", *_ANCHOR_FIELDS])
    rows = [(c.pk, *(getattr(c, name) for name in _ANCHOR_FIELDS)) for c in claims]
    template = "(%s::bigint, %s::integer, %s::integer, %s::text, %s::text, %s::text, %s::varchar, %s::integer, "
    template += "%s::double precision, %s::boolean, %s::text, %s::text, %s::text, %s::integer, %s::integer, "
    template += "%s::integer)"
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor if hasattr(cursor, "cursor") else cursor,
            f"UPDATE {table} AS c SET {columns} FROM (VALUES %s) AS v({names}) WHERE c.id = v.id",
            rows,
            template=template,
            page_size=1000,
        )


@transaction.atomic
def delete_article(article: Article) -> None:
    """Delete an article whose claims nobody annotated, with its revisions and anchor history.

    Those histories are append-only; deleting the article they describe is the one way they go.
    A claim with annotations protects the article (ProtectedError, before anything is removed).
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    if Claim.objects.filter(article=article, annotations__isnull=False).exists():
        raise ProtectedError(_("The article's claims are annotated."), set())
    claims = article.claims.count()
    with pgtrigger.ignore("annotations.ArticleRevision:append_only_rows", "annotations.ClaimAnchor:append_only_rows"):
        article.delete()
    derived.article_deleted(article, claims=claims)
