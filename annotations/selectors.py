"""Reads that shape claim querysets for the API and the pages: what each role may find and see."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, QuerySet

from . import roles, search
from .models import Claim
from .review import shows_published_only
from .same_claims import match_ids_subquery


def claim_queryset() -> QuerySet:
    """Claims with their published verdict joined and the ids of their same-claim matches (one query a page)."""
    return Claim.objects.select_related("published_version__verdict").annotate(
        match_ids=ArraySubquery(match_ids_subquery())
    )


def claims_findable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    """The claims `user` may find by search or as suggestions: viewers, only those with a published verdict.

    Search and suggestions never show an unpublished verdict to anyone: the only rationale in the
    search vector is the published one, and results carry only the published verdict (blind review holds).
    """
    queryset = claim_queryset() if queryset is None else queryset
    if not roles.is_viewer(user):
        return queryset.none()
    if shows_published_only(user):
        return queryset.filter(published_version__isnull=False)
    return queryset


def search_claims(user, queryset: QuerySet, q: str) -> QuerySet:
    """`queryset` (already filtered) searched for `q` as `user` may: ranked, with headlines, (-rank, id)."""
    return search.search_claims(claims_findable_by(user, queryset), q).annotate(article_title=F("article__title"))


def similar_claims(user, claim: Claim) -> list[search.Suggestion]:
    """Suggestions for `claim` among the claims `user` may find."""
    return search.similar_claims(claim, claims_findable_by(user))
