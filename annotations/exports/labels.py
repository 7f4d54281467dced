"""Verdict labels in a chosen language for exports (`labels=it`), from the rating scale's translations.

The stable verdict key stays in `verdict`; `verdict_label` (right after it) says it in the language, falling
back to the verdict's own label where the scale has no translation for it. ClaimReview's `alternateName`
uses the article's own language the same way.
"""

from django.conf import settings

from ..models import VerdictTranslation

_TABLE = VerdictTranslation._meta.db_table


def parse_labels(value: str) -> str:
    """An interface language, or a language the scale has translations in; raises ValueError otherwise."""
    tag = value.strip().lower().replace("_", "-")
    known = {code.lower() for code, _name in settings.LANGUAGES}
    known |= {language.lower() for language in VerdictTranslation.objects.values_list("language", flat=True)}
    if tag not in known:
        raise ValueError(
            f"{value!r} is not a language the rating scale is written in; one of: {', '.join(sorted(known))}."
        )
    return tag


def label_sql(verdict_id: str, fallback: str, language: str) -> tuple[str, list]:
    """SQL for the label of verdict `verdict_id` in `language` (exact tag, then its primary subtag), else
    `fallback`; with its parameters."""
    primary = language.split("-")[0]
    sql = (
        f"COALESCE((SELECT t.label FROM {_TABLE} t WHERE t.verdict_id = {verdict_id} "
        "AND lower(t.language) IN (%s, %s) ORDER BY lower(t.language) = %s DESC LIMIT 1), "
        f"{fallback})"
    )
    return sql, [language, primary, language]


def label_in_column_language_sql(verdict_id: str, fallback: str, language_column: str) -> str:
    """The same, in the language a column names (the article's), or None-like fallback when none matches."""
    tag = f"lower({language_column})"
    return (
        f"COALESCE((SELECT t.label FROM {_TABLE} t WHERE t.verdict_id = {verdict_id} "
        f"AND lower(t.language) IN ({tag}, split_part({tag}, '-', 1)) "
        f"ORDER BY lower(t.language) = {tag} DESC LIMIT 1), {fallback})"
    )
