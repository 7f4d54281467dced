"""Per-article counters shown in lists (claims, claims without a published verdict), kept exact.

`Article.claim_count` and `Article.unreviewed_count` change in the same transaction as the
claim they count: the services that create or delete a claim, or publish or withdraw its
verdict, reach them through annotations.derived inside their `transaction.atomic`. A list page then reads
twenty rows and their counters, never a GROUP BY over every claim.

Lock order: the article row before its claims (see claims.lock_article_of_claim).
"""

from collections.abc import Iterable

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from ..models import Article, Claim


def claim_added(article_id: int, *, published: bool = False) -> None:
    Article.objects.filter(pk=article_id).update(
        claim_count=F("claim_count") + 1, unreviewed_count=F("unreviewed_count") + (0 if published else 1)
    )


def claim_removed(article_id: int, *, published: bool) -> None:
    Article.objects.filter(pk=article_id).update(
        claim_count=F("claim_count") - 1, unreviewed_count=F("unreviewed_count") - (0 if published else 1)
    )


def publication_changed(article_id: int, *, was_published: bool, is_published: bool) -> None:
    """A claim gained (approval) or lost (withdrawal) its published verdict; replacing one verdict
    by another changes nothing."""
    if was_published == is_published:
        return
    Article.objects.filter(pk=article_id).update(unreviewed_count=F("unreviewed_count") + (1 if was_published else -1))


def recount_articles(article_ids: Iterable[int] | None = None) -> int:
    """Recompute the counters from the claims (bulk loads, repairs); None: every article.
    Returns the number of articles updated."""
    per_article = (
        Claim.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(
            claims=Count("pk"),
            unreviewed=Count("pk", filter=Q(published_version__isnull=True)),
        )
    )
    articles = Article.objects.all()
    if isinstance(article_ids, range) and article_ids.step == 1:  # a bulk load's ids: no giant IN list
        articles = articles.filter(pk__gte=article_ids.start, pk__lt=article_ids.stop)
    elif article_ids is not None:
        articles = articles.filter(pk__in=list(article_ids))
    return articles.update(
        claim_count=Coalesce(Subquery(per_article.values("claims")), 0),
        unreviewed_count=Coalesce(Subquery(per_article.values("unreviewed")), 0),
    )
