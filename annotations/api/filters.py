"""Query-string filters for the list endpoints; each one is served by an index (see migration 0007)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters.fields import IsoDateTimeField
from rest_framework.exceptions import ValidationError

from ..languages import clean_language_filter, language_filter
from ..models import Article, Claim, PriorFactCheck
from ..selectors import MIN_SUBSTRING


def substring(queryset, fields: tuple[str, ...], value: str, *, param: str, exact_if_short: bool = False):
    """Rows where any of `fields` contains `value` (case-insensitive), through the trigram indexes.

    Shorter than three characters: the whole value must match (a publisher "AP") where
    `exact_if_short`, else 400 naming the parameter.
    """
    value = value.strip()
    if not value:
        return queryset
    lookup = "icontains"
    if len(value) < MIN_SUBSTRING:
        if not exact_if_short:
            message = ngettext(
                "Type at least %(count)d character to search.",
                "Type at least %(count)d characters to search.",
                MIN_SUBSTRING,
            )
            raise ValidationError({param: [message % {"count": MIN_SUBSTRING}]})
        lookup = "iexact"
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__{lookup}": value})
    return queryset.filter(condition)


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
            raise forms.ValidationError(_("The instant is out of range."), code="invalid") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCInstantField


class ArticleFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="Substring of the title or publisher (at least 3 characters)"
    )
    language = django_filters.CharFilter(method="filter_language")
    publisher = django_filters.CharFilter(method="filter_publisher")
    published_after = InstantFilter(field_name="published_at", lookup_expr="gte")
    published_before = InstantFilter(field_name="published_at", lookup_expr="lt")

    class Meta:
        model = Article
        fields = ["search", "language", "publisher"]

    def filter_search(self, queryset, name, value):
        return substring(queryset, ("title", "publisher"), value, param="search")

    def filter_language(self, queryset, name, value):
        tag = clean_language_filter(value)
        return queryset.filter(language_filter("language", tag)) if tag else queryset

    def filter_publisher(self, queryset, name, value):
        return substring(queryset, ("publisher",), value, param="publisher", exact_if_short=True)


class ClaimFilter(django_filters.FilterSet):
    claimant = django_filters.CharFilter(method="filter_claimant")
    published = django_filters.BooleanFilter(field_name="published_version", lookup_expr="isnull", exclude=True)
    language = django_filters.CharFilter(method="filter_language")

    class Meta:
        model = Claim
        fields = ["article", "claimant", "published", "language"]

    def filter_claimant(self, queryset, name, value):
        return substring(queryset, ("claimant",), value, param="claimant", exact_if_short=True)

    def filter_language(self, queryset, name, value):
        tag = clean_language_filter(value)
        return queryset.filter(language_filter("article__language", tag)) if tag else queryset


class PriorSearchFilter(django_filters.FilterSet):
    """The claim filters, applied to the prior fact-checks a claim search includes (`include=prior`), each
    meaning what it means for a claim: `claimant` is the claim's author, `language` the fact-check's
    language; a prior fact-check is in no article of the desk and its verdict is published."""

    article = django_filters.NumberFilter(method="filter_article")
    claimant = django_filters.CharFilter(method="filter_claimant")
    published = django_filters.BooleanFilter(method="filter_published")
    language = django_filters.CharFilter(method="filter_language")

    class Meta:
        model = PriorFactCheck
        fields: list = []

    def filter_article(self, queryset, name, value):
        return queryset.none()

    def filter_claimant(self, queryset, name, value):
        return substring(queryset, ("claim_author",), value, param="claimant", exact_if_short=True)

    def filter_published(self, queryset, name, value):
        return queryset if value else queryset.none()

    def filter_language(self, queryset, name, value):
        tag = clean_language_filter(value)
        return queryset.filter(language_filter("language", tag)) if tag else queryset
