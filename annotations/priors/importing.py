"""Store ClaimReview items as prior fact-checks: one row per fact-check URL, in batches.

A batch is one transaction: its items are parsed (a malformed one is refused with its reason and the
rest go on), the rows with the same URLs are read in one query, new ones inserted, changed ones updated
with what changed appended to their history, and the job's counts and progress written. Memory is one
batch whatever the size of the input; the readers stream the file.
"""

import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..fetching.policy import normalise_url
from ..models import PriorFactCheck, PriorFactCheckChange, PriorImportJob
from ..search import config_for_language
from . import ratings
from .claimreview import FIELDS, ItemRefused, PriorRecord, record_from_item

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 200


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    items: int = 0
    errors: list[dict] = field(default_factory=list)

    def refuse(self, position: int, url: str, reason: str) -> None:
        self.refused += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"item": position, "url": url, "reason": reason})


def import_items(
    items: Iterable[tuple[int, object]],
    *,
    source_kind: str,
    source: str,
    job: PriorImportJob | None = None,
    on_batch: Callable[[Counts], None] | None = None,
) -> Counts:
    """Import `(position, ClaimReview object or ItemRefused)` pairs; returns the counts."""
    counts = Counts()
    mapping = ratings.MappingTable.load()
    batch: list[tuple[int, object]] = []
    for pair in items:
        batch.append(pair)
        if len(batch) >= BATCH_SIZE:
            _import_batch(batch, counts, mapping, source_kind=source_kind, source=source, job=job)
            batch = []
            if on_batch is not None:
                on_batch(counts)
    if batch:
        _import_batch(batch, counts, mapping, source_kind=source_kind, source=source, job=job)
        if on_batch is not None:
            on_batch(counts)
    return counts


def _url_of(item) -> str:
    url = item.get("url") if isinstance(item, dict) else None
    return url if isinstance(url, str) else ""


def _import_batch(batch, counts: Counts, mapping, *, source_kind: str, source: str, job) -> None:
    records: dict[str, PriorRecord] = {}
    for position, item in batch:
        counts.items += 1
        if isinstance(item, ItemRefused):
            counts.refuse(position, "", str(item))
            continue
        try:
            record = record_from_item(item)
        except ItemRefused as refused:
            counts.refuse(position, _url_of(item)[:300], str(refused))
            continue
        key = normalise_url(record.url)
        if key in records:  # the same fact-check twice in a batch: the later one is the newer
            counts.unchanged += 1
        records[key] = record
    if not records:
        return
    now = timezone.now()
    with transaction.atomic():
        # Rows of the same URLs, locked: two imports of one feed at once queue here instead of both inserting.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT url_key, id, content_hash FROM {TABLE} WHERE url_key = ANY(%s) FOR UPDATE", [list(records)]
            )
            existing = {key: (pk, digest) for key, pk, digest in cursor.fetchall()}
        new_rows, changed = [], {}
        for key, record in records.items():
            digest = record.content_hash()
            verdict_id = mapping.verdict_for(record.publisher_name, record.language, record.rating_name)
            if key not in existing:
                new_rows.append(_row(record, key, digest, verdict_id, source_kind, source, now))
            elif existing[key][1] == digest:
                counts.unchanged += 1
            else:
                changed[existing[key][0]] = (record, digest, verdict_id)
        _copy_new(new_rows)
        if changed:
            _update_changed(changed, source_kind, source, now, job)
        counts.new += len(new_rows)
        counts.updated += len(changed)


TABLE = PriorFactCheck._meta.db_table
COPY_COLUMNS = (
    *FIELDS, "url_key", "verdict_id", "source_kind", "source", "imported_at", "updated_at", "content_hash",
    "search_config",
)  # fmt: skip


def _row(record: PriorRecord, key: str, digest: str, verdict_id, kind: str, source: str, now) -> list:
    return [
        *(getattr(record, name) for name in FIELDS), key, verdict_id, kind, source[:2000], now, now, digest,
        config_for_language(record.language),
    ]  # fmt: skip


def _copy_cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):  # a text[] literal
        return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _copy_new(rows: list[list]) -> None:
    """Insert new rows with COPY: a 100,000-item feed spends its time in the database's indexes, not in
    building INSERT statements."""
    if not rows:
        return
    # Every value quoted, NULL unquoted: a claim reading "\\N" stays text.
    buffer = io.StringIO()
    for row in rows:
        cells = ("\\N" if cell is None else '"' + cell.replace('"', '""') + '"' for cell in map(_copy_cell, row))
        buffer.write(",".join(cells) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {TABLE} ({', '.join(COPY_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def _update_changed(changed: dict, kind: str, source: str, now, job) -> None:
    """Changed items (few, in a re-import): update each row and keep what changed in its history."""
    priors = PriorFactCheck.objects.defer("search_vector", "match_vector").in_bulk(list(changed))
    history = []
    for pk, (record, digest, verdict_id) in changed.items():
        prior = priors[pk]
        history.append(PriorFactCheckChange(prior=prior, job=job, changed_at=now, changes=_diff(prior, record)))
        for name, value in record.values().items():
            setattr(prior, name, value)
        if not prior.verdict_corrected:  # an editor's verdict outlives the publisher's edits
            prior.verdict_id = verdict_id
        prior.source_kind, prior.source = kind, source[:2000]
        prior.content_hash, prior.updated_at = digest, now
        prior.search_config = config_for_language(record.language)
    PriorFactCheck.objects.bulk_update(
        list(priors.values()),
        [*FIELDS, "verdict_id", "source_kind", "source", "content_hash", "updated_at", "search_config"],
    )
    PriorFactCheckChange.objects.bulk_create(history)


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _diff(prior: PriorFactCheck, record: PriorRecord) -> dict:
    changes = {}
    for name, value in record.values().items():
        before = getattr(prior, name)
        if before != value:
            changes[name] = [_json(before), _json(value)]
    return changes
