"""Reads that shape querysets for the API and the pages: one page of rows from an index, totals that
stay cheap, and what each role may find and see.

Nothing here counts or groups the whole claims table: per-article numbers are the counters
kept by annotations.derived.counters, pages are keyset pages (factcheck.lib.keyset), and a total is
either exact up to a cap or a labelled estimate from the planner's statistics.
"""

import dataclasses

import langcodes
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from factcheck.lib import keyset
from factcheck.lib.distinct import distinct_values

from . import likeness, roles, search
from .languages import language_filter
from .models import AnchorStatus, Annotation, AnnotationVersion, Article, Assignment, Claim, PriorFactCheck
from .priors import matching as prior_matching
from .review import shows_published_only
from .same_claims import match_ids_subquery
from .versioning import AnnotationState

ARTICLES_PER_PAGE = 50
QUEUE_PER_PAGE = 50
# Counting matching rows stops here: "more than 1,000" costs the same at any size.
COUNT_CAP = 1000
# Below this many rows (by the planner's estimate) an exact count is cheap enough to show.
EXACT_BELOW = 10_000
# pg_trgm needs three characters to narrow a substring search down through its index.
MIN_SUBSTRING = 3
MAX_LANGUAGES = 1000
ARTICLE_ORDER = ("-created_at", "-id")
QUEUE_ORDER = ("updated_at", "id")


@dataclasses.dataclass
class Total:
    """How many rows a list holds, as the page should say it: exact, "more than", or "about"."""

    count: int
    exact: bool = True
    at_least: bool = False


def language_tag(value: str) -> str:
    """Tags are stored standardised ('pt-BR'): match the same form, through the language index."""
    value = value.strip()
    return langcodes.standardize_tag(value) if value and langcodes.tag_is_valid(value) else value


def article_languages() -> list[str]:
    """The distinct language tags, one index probe per tag (a loose index scan, not a scan of articles)."""
    return distinct_values(Article, "language", limit=MAX_LANGUAGES)


def articles(*, query: str = "", language: str = "", unreviewed_only: bool = False) -> QuerySet:
    """Articles for the list page with their counters; `query` is a substring of title or publisher
    (pg_trgm indexes), at least three characters (shorter ones are ignored by the caller)."""
    rows = Article.objects.only(
        "id", "title", "publisher", "language", "published_at", "url", "created_at", "claim_count", "unreviewed_count"
    )
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(publisher__icontains=query))
    if language:
        rows = rows.filter(language_filter("language", language))
    if unreviewed_only:
        rows = rows.filter(unreviewed_count__gt=0)
    return rows


def article_page(rows: QuerySet, cursor: str | None) -> keyset.Page:
    return keyset.page(rows, ARTICLE_ORDER, cursor=cursor, size=ARTICLES_PER_PAGE)


def review_queue() -> QuerySet:
    """Submitted annotations waiting for an editor, with their current verdict (oldest first)."""
    current = AnnotationVersion.objects.filter(annotation=OuterRef("pk"), number=OuterRef("version"))
    return (
        Annotation.objects.filter(status=Annotation.Status.SUBMITTED)
        .select_related("claim__article", "reviewer")
        # The queue shows titles and quotes; an article body can be 100 KB, fifty times over.
        .defer("claim__article__body", "claim__prefix", "claim__suffix", "claim__statement")
        .annotate(
            verdict_key=Subquery(current.values("verdict__key")),
            verdict_label=Subquery(current.values("verdict__label")),
            confidence=Subquery(current.values("confidence")),
        )
    )


def review_queue_page(cursor: str | None) -> keyset.Page:
    return keyset.page(review_queue(), QUEUE_ORDER, cursor=cursor, size=QUEUE_PER_PAGE)


def editor_names() -> list[str]:
    """Active editors (and superusers), by username."""
    editors = get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name=roles.EDITOR), is_active=True)
    return sorted(set(editors.values_list("username", flat=True)))


def add_approvers(annotations: list) -> None:
    """Sets `may_approve` on each annotation of a queue page: the editors who may approve it (with four eyes
    on, not those who wrote any of its versions). Two queries for the page, whatever its size."""
    editors = editor_names()
    authors: dict[int, set[str]] = {}
    if settings.FACTCHECK["FOUR_EYES"]:
        rows = AnnotationVersion.objects.filter(annotation__in=[a.pk for a in annotations])
        for annotation_id, username in rows.values_list("annotation_id", "author__username").distinct():
            authors.setdefault(annotation_id, set()).add(username)
    for annotation in annotations:
        annotation.may_approve = [name for name in editors if name not in authors.get(annotation.pk, ())]


def capped_total(rows: QuerySet) -> Total:
    """Exact up to COUNT_CAP rows; beyond, "more than COUNT_CAP" (a LIMITed count reads at most that many)."""
    count = rows.order_by().values("pk")[: COUNT_CAP + 1].count()
    if count > COUNT_CAP:
        return Total(COUNT_CAP, at_least=True)
    return Total(count)


def estimated_total(model) -> Total:
    """Every row of a table: the planner's estimate (labelled "about"), or an exact count when small."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    estimate = row[0] if row else -1
    if estimate < EXACT_BELOW:  # never analysed (-1) or small: counting is cheap
        return capped_total(model.objects.all()) if estimate < COUNT_CAP else Total(model.objects.count())
    return Total(estimate, exact=False)


def claim_queryset() -> QuerySet:
    """Claims with their published verdict joined and the ids of their same-claim matches (one query a page)."""
    return with_matches(claims())


def claims() -> QuerySet:
    """Claims with their published verdict joined; filter and search this, then add `with_matches`.
    Without their search vectors, which only the database reads."""
    return Claim.objects.select_related("published_version__verdict").defer("search_vector")


def with_matches(queryset: QuerySet) -> QuerySet:
    """Adds `match_ids`, the ids of each claim's same claims, and `assigned_names`, who is assigned to it.
    Last: a queryset carrying these correlated subqueries must not be used inside another query."""
    return queryset.annotate(match_ids=ArraySubquery(match_ids_subquery()), assigned_names=assigned_names_subquery())


def assigned_names_subquery(outer: str = "pk") -> ArraySubquery:
    """The usernames a claim is assigned to, in name order (one correlated subquery: no query per row)."""
    names = Assignment.objects.filter(claim_id=OuterRef(outer)).order_by("reviewer__username")
    return ArraySubquery(names.values("reviewer__username"))


def assignments() -> QuerySet:
    """Assignments with their claim, people and the reviewer's annotation status ("" before they start)."""
    status = Annotation.objects.filter(claim_id=OuterRef("claim_id"), reviewer_id=OuterRef("reviewer_id"))
    return Assignment.objects.select_related("claim", "reviewer", "assigned_by").annotate(
        annotation_status=Coalesce(Subquery(status.values("status")[:1]), Value(""))
    )


def claims_findable_by(user, queryset: QuerySet) -> QuerySet:
    """The claims `user` may find by search or as suggestions: viewers, only those with a published verdict.

    Search and suggestions never show an unpublished verdict to anyone: the only rationale in the
    search vector is the published one, and results carry only the published verdict (blind review holds).
    """
    if not roles.is_viewer(user):
        return queryset.none()
    if shows_published_only(user):
        return queryset.filter(published_version__isnull=False)
    return queryset


def search_claims(user, queryset: QuerySet, q: str) -> search.RankedSearch:
    """`queryset` (already filtered) searched for `q` as `user` may: ranked candidates, and their rows with
    headlines, the published verdict (prefetched), the article's title and the same-claim matches."""
    found = search.search_claims(claims_findable_by(user, queryset), q)
    return dataclasses.replace(found, rows=with_matches(_light(found.rows)))


# The `kind` of a row in a search that includes prior fact-checks; at equal rank the desk's own claim first.
CLAIM, PRIOR_FACTCHECK = 0, 1
SEARCH_WITH_PRIORS_ORDER = ("-rank", "kind", "id")


@dataclasses.dataclass(frozen=True)
class SearchWithPriors:
    """A claim search and a prior fact-check search for the same words, ranked together (their ranks are
    on one scale, see search.search_priors): `keys` are (rank, kind, pk), a row is known by (kind, pk)."""

    claims: search.RankedSearch
    priors: search.RankedSearch

    @property
    def keys(self) -> list[tuple[float, int, int]]:
        return [(rank, CLAIM, pk) for rank, pk in self.claims.keys] + [
            (rank, PRIOR_FACTCHECK, pk) for rank, pk in self.priors.keys
        ]

    def rows_for(self, identities: list[tuple[int, int]]) -> dict[tuple[int, int], object]:
        found = {}
        for kind, ranked in ((CLAIM, self.claims), (PRIOR_FACTCHECK, self.priors)):
            pks = [pk for of_kind, pk in identities if of_kind == kind]
            for pk, row in (ranked.rows_for(pks) if pks else {}).items():
                row.kind = kind
                found[(kind, pk)] = row
        return found


def search_with_priors(user, claims: QuerySet, priors: QuerySet, q: str) -> SearchWithPriors:
    """`claims` and `priors` (both already filtered) searched for `q` as `user` may, to be ranked together."""
    priors = priors if roles.is_viewer(user) else priors.none()
    return SearchWithPriors(
        claims=search_claims(user, claims, q),
        priors=search.search_priors(priors.select_related("verdict").defer("search_vector", "match_vector"), q),
    )


def similar_claims(user, claim: Claim, *, own=None) -> list[search.Suggestion]:
    """Suggestions for `claim` among the claims `user` may find. Orphaned claims are never suggested:
    their words are no longer in their article."""
    return search.similar_claims(
        claim,
        claims_findable_by(user, Claim.objects.defer("search_vector").exclude(anchor_status=AnchorStatus.ORPHANED)),
        finish=lambda queryset: with_matches(_light(queryset)),
        own=own,
    )


@dataclasses.dataclass(frozen=True)
class CheckedBefore:
    """One suggestion of "Checked before?": a claim of this desk or a prior fact-check, with why."""

    score: float
    why: dict
    claim: Claim | None = None
    prior_factcheck: PriorFactCheck | None = None


def checked_before(user, claim: Claim, *, limit: int = search.SIMILAR_LIMIT) -> list[CheckedBefore]:
    """The desk's similar claims and prior fact-checks for `claim`, scored alike and ranked together."""
    own = prior_matching.claim_features(claim)
    found = []
    for suggestion in similar_claims(user, claim, own=own):
        other = suggestion.claim
        why = likeness.explain(own, likeness.claim_text(other.exact, other.statement), set(other.words or ()))
        found.append(CheckedBefore(score=suggestion.score, why=why, claim=other))
    if roles.is_viewer(user):
        for suggestion in prior_matching.prior_suggestions(claim, limit=limit, own=own):
            found.append(CheckedBefore(score=suggestion.score, why=suggestion.why, prior_factcheck=suggestion.prior))
    # Ties: the desk's own claim first (its verdict is the desk's), then by id.
    found.sort(key=lambda s: (-s.score, s.claim is None, (s.claim or s.prior_factcheck).pk))
    return found[:limit]


def _light(queryset: QuerySet) -> QuerySet:
    """For search results and suggestions: the published verdict in brief (one query for the page's rows,
    without the versions' rationale and evidence) and the article's title."""
    published = AnnotationVersion.objects.only("annotation_id", "number", "verdict").select_related("verdict")
    return (
        queryset.select_related(None)
        .prefetch_related(Prefetch("published_version", queryset=published))
        .annotate(article_title=Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("title")[:1]))
    )


def annotation_queryset():
    """Annotations with their current version joined in one query (no per-row lookups in lists)."""
    return Annotation.objects.annotate(
        current=FilteredRelation("versions", condition=Q(versions__number=F("version"))),
        article_pk=F("claim__article_id"),
        published_annotation=F("claim__published_version__annotation_id"),
        published_number=F("claim__published_version__number"),
    ).select_related("reviewer", "current__verdict", "current__author")


def writable_queryset():
    """For a change: the annotation row with what the answer needs besides the new version (the
    article, the reviewer, the claim's published version). Lighter than annotation_queryset(): the
    current version is about to be replaced, so it is not joined."""
    return Annotation.objects.annotate(
        article_pk=F("claim__article_id"),
        published_annotation=F("claim__published_version__annotation_id"),
        published_number=F("claim__published_version__number"),
    ).select_related("reviewer")


def published_queryset():
    """For viewers: the annotation with its claim's published version (the only version they read)."""
    return annotation_queryset().select_related("claim__published_version__verdict", "claim__published_version__author")


def current_state(annotation: Annotation, version: AnnotationVersion | None = None) -> AnnotationState:
    """An annotation read through the querysets above, as shown now: its current version (or
    `version`, e.g. the published one for viewers, or the one just saved)."""
    published = annotation.published_number if annotation.published_annotation == annotation.pk else None
    return AnnotationState(annotation, version or annotation.current, annotation.status, published)


def assigned_names_of_article(article_id: int) -> dict[int, list[str]]:
    """claim id -> the usernames it is assigned to, for one article's claims (one query)."""
    names: dict[int, list[str]] = {}
    rows = Assignment.objects.filter(claim__article_id=article_id).order_by("reviewer__username")
    for claim_id, username in rows.values_list("claim_id", "reviewer__username"):
        names.setdefault(claim_id, []).append(username)
    return names


def desk_members() -> list[str]:
    """Usernames of the active reviewers and editors, who can be assigned claims."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    members = users.filter(Q(is_superuser=True) | Q(groups__name__in=[roles.REVIEWER, roles.EDITOR]))
    return list(members.order_by("username").values_list("username", flat=True).distinct())
