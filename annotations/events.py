"""Reading the audit trail: the events a filter selects, a page at a time, and streamed as CSV or JSON Lines.

Writing events is annotations.audit's job; this module only reads them.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from factcheck.lib.instants import is_bare_date, parse_instant

from .audit import KINDS
from .exports.cells import iso_instant, neutralise
from .models import AuditEvent

ORDER = ("-id",)  # newest first; ids follow the chain
COLUMNS = ("id", "kind", "actor", "at", "claim", "article", "annotation", "data", "address", "user_agent", "hash")
BATCH = 2000


@dataclass(frozen=True)
class EventFilters:
    actor: str = ""
    claim: int | None = None
    article: int | None = None
    kind: str = ""
    date_from: datetime.datetime | None = None
    date_to: datetime.datetime | None = None


def parse_filters(params) -> EventFilters:
    """Filters from a query string; ValidationError naming each bad parameter."""
    errors, values = {}, {"actor": (params.get("actor") or "").strip()}
    for name in ("claim", "article"):
        raw = (params.get(name) or "").strip()
        if raw and not raw.isdigit():
            errors[name] = [_("Expected an id (a whole number).")]
        values[name] = int(raw) if raw.isdigit() else None
    kind = (params.get("kind") or "").strip()
    if kind and kind not in KINDS:
        errors["kind"] = [_("Unknown kind; use one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}]
    values["kind"] = kind
    for name in ("date_from", "date_to"):
        raw = (params.get(name) or "").strip()
        values[name] = None
        if not raw:
            continue
        try:
            instant = parse_instant(raw)
        except ValueError as error:
            errors[name] = [str(error)]
            continue
        # A bare date_to includes its whole day.
        values[name] = instant + datetime.timedelta(days=1) if name == "date_to" and is_bare_date(raw) else instant
    if not errors and values["date_from"] and values["date_to"] and values["date_from"] >= values["date_to"]:
        errors["date_to"] = [_("Must be after date_from.")]
    if errors:
        raise ValidationError(errors)
    return EventFilters(**values)


def events(filters: EventFilters) -> QuerySet:
    rows = AuditEvent.objects.all()
    if filters.actor:
        rows = rows.filter(actor_name=filters.actor)
    for name in ("claim", "article"):
        if getattr(filters, name) is not None:
            rows = rows.filter(**{f"{name}_id": getattr(filters, name)})
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.date_from:
        rows = rows.filter(at__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(at__lt=filters.date_to)
    return rows


def _batches(filters: EventFilters) -> Iterator[list[AuditEvent]]:
    """Every selected event in chain order, a keyset batch at a time (memory flat in the row count)."""
    after = 0
    rows = events(filters).order_by("id")
    while True:
        batch = list(rows.filter(id__gt=after)[:BATCH])
        if batch:
            yield batch
        if len(batch) < BATCH:
            return
        after = batch[-1].id


def _cells(event: AuditEvent) -> list:
    data = json.dumps(event.data, sort_keys=True, ensure_ascii=False) if event.data else ""
    text = (event.kind, event.actor_name, data, event.address, event.user_agent)
    kind, actor, data, address, user_agent = (neutralise(value) or "" for value in text)
    return [event.id, kind, actor, iso_instant(event.at), event.claim_id or "", event.article_id or "",
            event.annotation_id or "", data, address, user_agent, event.hash]  # fmt: skip


def stream_csv(filters: EventFilters) -> Iterator[bytes]:
    """RFC 4180, one header row; text cells neutralised as in the verdict export (exports/cells.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue().encode("utf-8")
    for batch in _batches(filters):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_cells(event) for event in batch)
        yield buffer.getvalue().encode("utf-8")


def as_dict(event: AuditEvent) -> dict:
    return {
        "id": event.id, "kind": event.kind, "actor": event.actor_name or None, "at": iso_instant(event.at),
        "claim": event.claim_id, "article": event.article_id, "annotation": event.annotation_id, "data": event.data,
        "address": event.address, "user_agent": event.user_agent, "previous_hash": event.previous_hash,
        "hash": event.hash,
    }  # fmt: skip


def stream_jsonl(filters: EventFilters) -> Iterator[bytes]:
    for batch in _batches(filters):
        yield "".join(json.dumps(as_dict(event), ensure_ascii=False) + "\n" for event in batch).encode("utf-8")
