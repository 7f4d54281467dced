"""Template filters for locale-aware dates and numbers (factcheck.localformat) and text direction."""

from django import template

from factcheck import language, localformat

register = template.Library()


@register.filter
def local_date(value) -> str:
    return localformat.format_date(value)


@register.filter
def local_datetime(value) -> str:
    return localformat.format_datetime(value)


@register.filter
def local_number(value, decimals=None) -> str:
    return localformat.format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def local_since(value) -> str:
    return localformat.format_since(value)


@register.filter
def text_direction(language_tag) -> str:
    """ "rtl" or "ltr" for an article's language tag."""
    return language.direction_of(language_tag)


@register.filter
def revision_source(revision) -> str:
    """How a revision's text came in ("typed in", "fetched"), in the interface language."""
    from annotations.web.labels import REVISION_SOURCE_LABELS

    return str(REVISION_SOURCE_LABELS.get(revision.source, revision.source))
