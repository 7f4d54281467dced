"""Mapping published ratings ("Falso", "Pants on Fire", "Enganoso") onto the desk's verdict scale.

Editors keep the mapping, per fact-checker and language; a blank publisher or language is a mapping for
any. The most specific mapping wins: (publisher, language), then (publisher, any), then (any, language),
then (any, any). A rating no mapping covers stays unmapped (verdict null) and is listed to map, with a
suggestion from its ratingValue and its words: a suggestion is shown to an editor, never applied by itself.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from ..anchoring import normalise
from ..models import PriorFactCheck, RatingMapping, Verdict

UNMAPPED_LIMIT = 500

# Common words of published ratings, in the languages fact-checkers publish in most, -> a desk verdict key.
# Longer phrases are tried first, so "mostly false" is not read as "false".
RATING_WORDS = {
    "pants on fire": "false", "false": "false", "fake": "false", "falso": "false", "falsa": "false",
    "faux": "false", "falsch": "false", "incorrect": "false", "wrong": "false", "bufala": "false",
    "hoax": "false", "inventato": "false", "fabricated": "false", "scam": "false",
    "mostly false": "mostly-false", "c'eri quasi": "mostly-true", "pinocchio andante": "mostly-false",
    "in gran parte falso": "mostly-false", "mayormente falso": "mostly-false", "quasi falso": "mostly-false",
    "half true": "mixed", "half-true": "mixed", "mixed": "mixed", "mixture": "mixed", "partly false": "mixed",
    "partially false": "mixed", "partly true": "mixed", "parzialmente": "mixed", "mezzo vero": "mixed",
    "nì": "mixed", "impreciso": "mixed", "exagerado": "mixed", "exaggerated": "mixed",
    "mostly true": "mostly-true", "in gran parte vero": "mostly-true", "mayormente cierto": "mostly-true",
    "quasi vero": "mostly-true",
    "true": "true", "vero": "true", "vera": "true", "correct": "true", "accurate": "true",
    "verdadeiro": "true", "verdadero": "true", "cierto": "true", "vrai": "true", "richtig": "true",
    "misleading": "misleading", "fuorviante": "misleading", "enganoso": "misleading", "engañoso": "misleading",
    "trompeur": "misleading", "irreführend": "misleading", "missing context": "misleading",
    "out of context": "misleading", "cherry-picks": "misleading", "distorts": "misleading",
    "unproven": "unproven", "unsupported": "unproven", "unverified": "unproven", "no evidence": "unproven",
    "non verificabile": "unproven", "sin evidencia": "unproven", "insustentável": "unproven",
    "infondato": "unproven", "not proven": "unproven",
}  # fmt: skip


def rating_key(name: str) -> str:
    """Rating names compare casefolded, NFC, with runs of spaces as one."""
    return " ".join(normalise(name or "").casefold().split())


def language_key(language: str) -> str:
    return (language or "").split("-")[0].lower()


class MappingTable:
    """All mappings in memory (a desk has hundreds at most), for mapping many imported items at once."""

    def __init__(self, rows):
        self.table = {(row.publisher, row.language, row.rating_key): row.verdict_id for row in rows}

    @classmethod
    def load(cls) -> "MappingTable":
        return cls(RatingMapping.objects.only("publisher", "language", "rating_key", "verdict_id"))

    def verdict_for(self, publisher: str, language: str, rating_name: str) -> int | None:
        key, lang = rating_key(rating_name), language_key(language)
        if not key:
            return None
        for scope in ((publisher, lang), (publisher, ""), ("", lang), ("", "")):
            verdict = self.table.get((*scope, key))
            if verdict is not None:
                return verdict
        return None


@dataclass(frozen=True)
class Suggestion:
    verdict: Verdict
    reason: str


def suggest(rating_name: str, rating_value, best_rating, worst_rating, scale: list[Verdict]) -> Suggestion | None:
    """A verdict to propose for a published rating: by its words first, else by its ratingValue placed on
    the desk's 1..5 scale. None when neither says anything."""
    by_key = {verdict.key: verdict for verdict in scale}
    words = _plain(rating_key(rating_name))
    for phrase in sorted(RATING_WORDS, key=len, reverse=True):
        plain = _plain(phrase)
        if f" {plain} " in f" {words} " and RATING_WORDS[phrase] in by_key:
            return Suggestion(by_key[RATING_WORDS[phrase]], _("the rating says “%(words)s”") % {"words": phrase})
    if rating_value is None:
        return None
    best = 5.0 if best_rating is None else best_rating
    worst = 1.0 if worst_rating is None else worst_rating
    ordered = [v for v in scale if v.rating_value is not None]
    if best == worst or not ordered or not min(worst, best) <= rating_value <= max(worst, best):
        return None
    on_scale = 1 + 4 * (rating_value - worst) / (best - worst)
    nearest = min(ordered, key=lambda v: (abs(v.rating_value - on_scale), v.position))
    reason = _("ratingValue %(value)s on %(worst)s..%(best)s")
    return Suggestion(nearest, reason % {"value": f"{rating_value:g}", "worst": f"{worst:g}", "best": f"{best:g}"})


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def unmapped_ratings() -> list[dict]:
    """Published ratings no mapping covers, most frequent first, each with a suggestion (or none)."""
    rows = (
        PriorFactCheck.objects.filter(verdict__isnull=True, verdict_corrected=False)
        .exclude(rating_name="")
        .values("publisher_name", "language", "rating_name")
        .annotate(count=Count("id"), value=Max("rating_value"), best=Max("best_rating"), worst=Min("worst_rating"))
        .order_by("-count", "publisher_name", "language", "rating_name")[:UNMAPPED_LIMIT]
    )
    scale = list(Verdict.objects.all())
    result = []
    for row in rows:
        suggestion = suggest(row["rating_name"], row["value"], row["best"], row["worst"], scale)
        result.append(
            {
                "publisher": row["publisher_name"],
                "language": row["language"],
                "rating_name": row["rating_name"],
                "count": row["count"],
                "suggested_verdict": suggestion.verdict.key if suggestion else None,
                "suggestion_reason": suggestion.reason if suggestion else "",
            }
        )
    return result


def clean_mapping_fields(fields: dict) -> dict:
    """Trimmed names; the language as its primary subtag; ValidationError naming the field otherwise."""
    cleaned = dict(fields)
    if "rating_name" in cleaned:
        cleaned["rating_name"] = normalise(cleaned["rating_name"] or "").strip()
        if not rating_key(cleaned["rating_name"]):
            raise ValidationError({"rating_name": _("Enter the rating as the fact-checker publishes it.")})
    if "publisher" in cleaned:
        cleaned["publisher"] = normalise(cleaned["publisher"] or "").strip()
    if "language" in cleaned:
        cleaned["language"] = language_key(cleaned["language"])
        if cleaned["language"] and not cleaned["language"].isalpha():
            raise ValidationError({"language": _("Expected a BCP 47 language tag such as it or pt-BR.")})
    return cleaned


def validate_mapping(mapping: RatingMapping | None, **fields) -> dict:
    """The cleaned fields of a mapping about to be created (`mapping` None) or changed; ValidationError
    naming the field when one is wrong or the rating of that fact-checker and language is mapped already."""
    fields = clean_mapping_fields(fields)
    scope = {"publisher": "", "language": "", "rating_name": ""}
    if mapping is not None:
        scope.update({name: getattr(mapping, name) for name in scope})
    scope.update({name: value for name, value in fields.items() if name in scope})
    clash = RatingMapping.objects.filter(
        publisher=scope["publisher"], language=scope["language"], rating_key=rating_key(scope["rating_name"])
    )
    if mapping is not None and mapping.pk is not None:
        clash = clash.exclude(pk=mapping.pk)
    if clash.exists():
        raise ValidationError({"rating_name": _("This rating of this fact-checker and language is already mapped.")})
    return fields


@transaction.atomic
def save_mapping(mapping: RatingMapping | None, *, actor, **fields) -> RatingMapping:
    """Create or change a mapping, and re-map the prior fact-checks whose rating it may cover."""
    fields = validate_mapping(mapping, **fields)
    old_key = mapping.rating_key if mapping is not None else None
    if mapping is None:
        mapping = RatingMapping(created_by=actor)
    for name, value in fields.items():
        setattr(mapping, name, value)
    mapping.rating_key = rating_key(mapping.rating_name)
    mapping.save()
    remap({mapping.rating_key, old_key} - {None})
    return mapping


@transaction.atomic
def delete_mapping(mapping: RatingMapping) -> None:
    key = mapping.rating_key
    mapping.delete()
    remap({key})


def remap(keys: set[str]) -> int:
    """Re-map every prior fact-check whose rating is one of `keys` (by name, any publisher or language),
    except those whose verdict an editor chose by hand."""
    table = MappingTable.load()
    groups = defaultdict(list)
    for keyword in keys:
        found = (
            PriorFactCheck.objects.filter(rating_name__iexact=keyword, verdict_corrected=False)
            .values_list("publisher_name", "language", "rating_name")
            .distinct()
        )
        for publisher, language, name in found:
            groups[table.verdict_for(publisher, language, name)].append((publisher, language, name))
    changed = 0
    for verdict_id, scopes in groups.items():
        for publisher, language, name in scopes:
            changed += (
                PriorFactCheck.objects.filter(
                    publisher_name=publisher, language=language, rating_name=name, verdict_corrected=False
                )
                .exclude(verdict_id=verdict_id)
                .update(verdict_id=verdict_id)
            )
    return changed
