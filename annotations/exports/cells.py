"""CSV cells as the export writes them: formula-looking text neutralised, instants in ISO 8601 UTC.

Pure functions, used when a version is written (its cells are stored with it)
and by the chunked export path; the COPY path formats the cells it cannot store
(mutable article, claim, verdict and user fields) in SQL with the same rules.
"""

import datetime
import json

# A spreadsheet runs a cell starting with one of these as a formula; such cells get a leading "'".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str | None) -> str | None:
    """A cell a spreadsheet would run as a formula gets a leading "'"; empty text is no value."""
    if not text:
        return None
    return "'" + text if text[0] in FORMULA_PREFIXES else text


def iso_instant(value) -> str | None:
    """ISO 8601 in UTC with microseconds, e.g. 2024-05-01T12:00:00.000000Z."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def evidence_urls(evidence) -> list[str]:
    """The evidence items' URLs, in order (evidence arrives as JSON text or already decoded)."""
    items = json.loads(evidence) if isinstance(evidence, str | bytes) else evidence
    if not isinstance(items, list):
        return []
    return [
        item["url"] for item in items if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"]
    ]


def version_cells(*, rationale: str, evidence, created_at: datetime.datetime) -> dict:
    """The cells a version alone decides, stored with it: `AnnotationVersion.*_cell`."""
    return {
        "rationale_cell": neutralise(rationale),
        "evidence_urls_cell": neutralise(" ".join(evidence_urls(evidence))),
        "annotated_at_cell": iso_instant(created_at),
    }
