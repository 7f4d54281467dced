"""The language filter: one rule, one home, used by every list, search, export, figure and page.

The rule: a primary language tag (`en`, no subtags) matches itself and its regional and other
variants (`en-GB`, `en-US`, `en-Latn-IE`): a desk filters by language, not by region. A tag with
subtags (`en-GB`) matches only itself. Matching ignores case (`EN-gb` is `en-GB`): articles store
tags in their standard form, the desk's counters store them in lower case.

`clean_language_filter` reads the parameter (the same check wherever it comes from);
`language_filter` gives the ORM condition, `language_filter_sql` the same condition for raw SQL
(the exports), and `language_matches` decides one value in Python (figures computed row by row).
"""

import langcodes
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

MAX_TAG_LENGTH = 35


def clean_language_filter(value, *, field: str = "language") -> str:
    """The filter's tag in lower case, or "" for no filter. Raises ValidationError({field: message})."""
    tag = (value or "").strip() if isinstance(value, str) else ""
    if not tag:
        return ""
    if len(tag) > MAX_TAG_LENGTH or not langcodes.tag_is_valid(tag):
        message = _("%(value)s is not a BCP 47 language tag (e.g. 'en', 'it', 'pt-BR').") % {"value": repr(tag[:40])}
        raise ValidationError({field: message})
    # langcodes reads `en_GB` as `en-GB`, and so does the filter (articles store the hyphen).
    return tag.replace("_", "-").lower()


def _is_primary(tag: str) -> bool:
    return "-" not in tag


def language_filter(field: str, tag: str) -> Q:
    """Rows whose `field` (a language tag column, or a path to one) matches `tag` by the rule above."""
    tag = tag.lower()
    condition = Q(**{f"{field}__iexact": tag})
    if _is_primary(tag):
        condition |= Q(**{f"{field}__istartswith": f"{tag}-"})
    return condition


def language_filter_sql(column: str, tag: str) -> tuple[str, list]:
    """The same condition for raw SQL: (`sql` with %s placeholders, params)."""
    tag = tag.lower()
    if _is_primary(tag):
        return f"(LOWER({column}) = %s OR LOWER({column}) LIKE %s)", [tag, f"{tag}-%"]
    return f"LOWER({column}) = %s", [tag]


def language_matches(language: str, tag: str) -> bool:
    language, tag = (language or "").lower(), tag.lower()
    return language == tag or (_is_primary(tag) and language.startswith(f"{tag}-"))


def filter_choices(tags) -> list[str]:
    """The choices of a language filter control: the tags present, and each one's primary tag (which
    covers its variants: `en` for `en-GB` and `en-US`), without duplicates that differ only in case."""
    choices: dict[str, str] = {}
    for tag in tags:
        if not tag:
            continue
        choices.setdefault(tag.split("-")[0].lower(), tag.split("-")[0].lower())
        choices.setdefault(tag.lower(), tag)
    return sorted(choices.values(), key=str.lower)
