"""JSON Lines export: one JSON object per row, typed values (numbers, null, evidence items), not neutralised."""

import json
from collections.abc import Callable

from django.db.backends.base.base import BaseDatabaseWrapper

from .blocks import BlockWriter
from .cells import evidence_urls, iso_instant
from .csv import Progress
from .filters import ExportFilters
from .query import COLUMNS, iter_rows


def record(row: dict) -> dict:
    """The CSV's columns with their JSON types, plus the annotation id, verdict label and full evidence."""
    evidence = json.loads(row["evidence"]) if isinstance(row["evidence"], str | bytes) else row["evidence"]
    data = {name: row.get(name) for name in COLUMNS}
    data.update(
        claim_date=row["claim_date"].isoformat() if hasattr(row["claim_date"], "isoformat") else row["claim_date"],
        published_at=iso_instant(row["published_at"]),
        annotated_at=iso_instant(row["annotated_at"]),
        approved_at=iso_instant(row["approved_at"]),
        evidence_urls=evidence_urls(evidence),
        annotation_id=row["annotation_id"],
        verdict_label=row["verdict_label"],
        evidence=evidence if isinstance(evidence, list) else [],
    )
    return data


def write_jsonl(
    filters: ExportFilters, write: Callable[[bytes], object], *, connection: BaseDatabaseWrapper, progress: Progress
) -> int:
    out = BlockWriter(write)
    for row in iter_rows(filters, connection):
        out.text(json.dumps(record(row), ensure_ascii=False) + "\n")
        progress.add(1)
    out.flush()
    return progress.rows
