"""The rating scale in a language: each verdict's label and description from its translations
(annotations.models.VerdictTranslation), falling back to the verdict's own label.

A language matches its exact tag first ("pt-BR"), then its primary subtag ("pt"). The table is small (a
few verdicts times a few languages), so one query reads it whole.
"""

from .models import Verdict, VerdictTranslation


def _candidates(language: str) -> list[str]:
    tag = (language or "").strip().lower().replace("_", "-")
    primary = tag.split("-")[0]
    return [tag, primary] if primary != tag else [tag]


def _translations() -> dict[tuple[int, str], VerdictTranslation]:
    return {(row.verdict_id, row.language.lower()): row for row in VerdictTranslation.objects.all()}


def _best(translations: dict, verdict_id: int, language: str) -> VerdictTranslation | None:
    for candidate in _candidates(language):
        found = translations.get((verdict_id, candidate))
        if found is not None:
            return found
    return None


def scale_in(language: str) -> list[dict]:
    """Every verdict, in scale order: key, label and description in `language`, colour, rating_value."""
    translations = _translations()
    rows = []
    for verdict in Verdict.objects.all():
        translated = _best(translations, verdict.pk, language)
        rows.append(
            {
                "key": verdict.key,
                "label": translated.label if translated else verdict.label,
                "description": translated.description if translated else "",
                "colour": verdict.colour,
                "rating_value": verdict.rating_value,
            }
        )
    return rows


def labels_in(language: str) -> dict[str, str]:
    """{verdict key: label in `language`}."""
    return {row["key"]: row["label"] for row in scale_in(language)}


def translated_label(verdict_id: int, language: str) -> str | None:
    """The verdict's label in `language` when a translation exists (ClaimReview's alternateName), else None."""
    if not language:
        return None
    candidates = _candidates(language)
    rows = dict(VerdictTranslation.objects.filter(verdict_id=verdict_id).values_list("language", "label"))
    by_tag = {tag.lower(): label for tag, label in rows.items()}
    return next((by_tag[c] for c in candidates if c in by_tag), None)
