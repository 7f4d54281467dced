"""Reads that shape claim querysets for the API and the pages: what each role may find and see."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet, Subquery

from . import roles, search
from .models import Article, Claim
from .review import shows_published_only
from .same_claims import match_ids_subquery


def claim_queryset() -> QuerySet:
    """Claims with their published verdict joined and the ids of their same-claim matches (one query a page)."""
    return with_matches(claims())


def claims() -> QuerySet:
    """Claims with their published verdict joined; filter and search this, then add `with_matches`."""
    return Claim.objects.select_related("published_version__verdict")


def with_matches(queryset: QuerySet) -> QuerySet:
    """Adds `match_ids`, the ids of each claim's same claims. Last: a queryset carrying this correlated
    subquery must not be used inside another query."""
    return queryset.annotate(match_ids=ArraySubquery(match_ids_subquery()))


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


def search_claims(user, queryset: QuerySet, q: str) -> QuerySet:
    """`queryset` (already filtered) searched for `q` as `user` may: ranked, with headlines, (-rank, id).

    The published verdict is prefetched and the article title a subquery, not joins: PostgreSQL then
    sorts the ranked candidates first and fetches the rest for the page's rows only.
    """
    return _light(search.search_claims(claims_findable_by(user, queryset), q))


def similar_claims(user, claim: Claim) -> list[search.Suggestion]:
    """Suggestions for `claim` among the claims `user` may find."""
    return search.similar_claims(
        claim, claims_findable_by(user, Claim.objects.all()), finish=lambda queryset: with_matches(_light(queryset))
    )


def _light(queryset: QuerySet) -> QuerySet:
    return (
        queryset.select_related(None)
        .prefetch_related("published_version__verdict")
        .annotate(article_title=Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("title")[:1]))
    )
