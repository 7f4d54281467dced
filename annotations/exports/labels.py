"""Verdict labels in a chosen language for exports, from the rating scale's translations.

`parse_labels` checks the language of `labels=<language>` (the CSV's `verdict_label` column, written by
exports.sheets.verdict_labels). ClaimReview's `alternateName` uses the article's own language
(`label_in_column_language_sql`), falling back to the verdict's own label where the scale has no translation.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import VerdictTranslation

_TABLE = VerdictTranslation._meta.db_table


def parse_labels(value: str) -> str:
    """An interface language, or a language the scale has translations in; raises ValueError otherwise."""
    tag = value.strip().lower().replace("_", "-")
    known = {code.lower() for code, _name in settings.LANGUAGES}
    known |= {language.lower() for language in VerdictTranslation.objects.values_list("language", flat=True)}
    if tag not in known and tag.split("-")[0] not in known:
        raise ValueError(
            _("%(value)r is not a language the rating scale is written in; one of: %(known)s.")
            % {"value": value, "known": ", ".join(sorted(known))}
        )
    return tag


def label_in_column_language_sql(verdict_id: str, fallback: str, language_column: str) -> str:
    """SQL for the label of verdict `verdict_id` in the language a column names (the article's: exact tag,
    then its primary subtag), else `fallback`."""
    tag = f"lower({language_column})"
    return (
        f"COALESCE((SELECT t.label FROM {_TABLE} t WHERE t.verdict_id = {verdict_id} "
        f"AND lower(t.language) IN ({tag}, split_part({tag}, '-', 1)) "
        f"ORDER BY lower(t.language) = {tag} DESC LIMIT 1), {fallback})"
    )
