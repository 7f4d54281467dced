"""Query-string filters for the list endpoints."""

import datetime

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from ..models import Article, Claim


class UTCInstantField(IsoDateTimeField):
    """An ISO 8601 instant, handed to the database in UTC: Python accepts offsets up to 24 hours,
    PostgreSQL only up to 15:59, so `...T11:14-21:17` is an instant to compare, not a server error."""

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is None or instant.tzinfo is None:
            return instant
        try:
            return instant.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError("The instant is out of range.", code="invalid") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCInstantField


class ArticleFilter(django_filters.FilterSet):
    language = django_filters.CharFilter(lookup_expr="iexact")
    publisher = django_filters.CharFilter(lookup_expr="icontains")
    published_after = InstantFilter(field_name="published_at", lookup_expr="gte")
    published_before = InstantFilter(field_name="published_at", lookup_expr="lt")

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
