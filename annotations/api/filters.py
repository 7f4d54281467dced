"""Query-string filters for the list endpoints."""

import django_filters

from ..models import Article, Claim


class ArticleFilter(django_filters.FilterSet):
    language = django_filters.CharFilter(lookup_expr="iexact")
    publisher = django_filters.CharFilter(lookup_expr="icontains")
    published_after = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lt")

    class Meta:
        model = Article
        fields = ["language", "publisher"]


class ClaimFilter(django_filters.FilterSet):
    claimant = django_filters.CharFilter(lookup_expr="icontains")
    published = django_filters.BooleanFilter(field_name="published_version", lookup_expr="isnull", exclude=True)
    language = django_filters.CharFilter(field_name="article__language", lookup_expr="iexact")

    class Meta:
        model = Claim
        fields = ["article", "claimant", "published", "language"]
