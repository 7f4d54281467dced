"""CSV cells as the export writes them: formula-looking text neutralised, instants in ISO 8601 UTC.

The Python functions format the cells a version alone decides when it is written
(they are stored with it). The `sql_*` functions write the same rules as SQL
expressions: for the published-rows table (derived/export_rows.py, and the
triggers that keep its claim and article cells in step, models.py) and for the
history exports, which format their rows in the COPY itself.
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


ISO_INSTANT_SQL = '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''


def sql_neutralised(expression: str) -> str:
    """`neutralise` as SQL over a text expression."""
    prefixes = ", ".join(f"chr({ord(c)})" if c in "\t\r" else f"'{c}'" for c in FORMULA_PREFIXES)
    return (
        f"CASE WHEN {expression} = '' THEN NULL "
        f"WHEN substr({expression}, 1, 1) IN ({prefixes}) THEN '''' || {expression} ELSE {expression} END"
    )


def sql_instant(expression: str) -> str:
    """`iso_instant` as SQL over a timestamptz expression."""
    return f"to_char({expression} AT TIME ZONE 'UTC', {ISO_INSTANT_SQL})"


def sql_claim_cells(row: str) -> dict[str, str]:
    """The export's cells of a claim row (`row`: its alias, or NEW in a trigger), by stored column.

    The claim's text is the words its verdict was judged on while a change of them awaits an editor's
    decision (`judged_exact`, annotations.words): a verdict is never published on words nobody judged."""
    return {
        "claim_text_cell": sql_neutralised(f"COALESCE({row}.judged_exact, {row}.exact)"),
        "claimant_cell": sql_neutralised(f"{row}.claimant"),
        "claim_date_cell": f"to_char({row}.claim_date, 'YYYY-MM-DD')",
    }


def sql_article_cells(row: str) -> dict[str, str]:
    """The export's cells of an article row, by stored column."""
    return {
        "article_title_cell": sql_neutralised(f"{row}.title"),
        "article_url_cell": sql_neutralised(f"{row}.url"),
        "publisher_cell": sql_neutralised(f"{row}.publisher"),
        "language_cell": sql_neutralised(f"{row}.language"),
        "published_at_cell": sql_instant(f"{row}.published_at"),
    }
