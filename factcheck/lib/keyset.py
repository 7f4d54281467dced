"""Keyset paging: pages that start from an index position, so a deep page costs what the first costs.

An ordering is a tuple of non-null fields whose last one is unique (`("-created_at", "-id")`).
A cursor is an opaque token holding that tuple's values at a page's edge and a direction. The
page after it is `first <= edge AND (first < edge OR (first = edge AND second < ...))` (< or >
by each field's direction): the leading bound lets the database start the index scan at the
edge, the rest breaks ties. Rows inserted while someone pages never shift the pages: nothing is
skipped or repeated. Used by the API's pagination (api/pagination.py) and the browser pages.
"""

import base64
import binascii
import datetime
import json
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from factcheck.lib import bounded_json


class InvalidCursor(ValueError):
    pass


@dataclass
class Page:
    rows: list
    next_cursor: str | None  # older / further on
    previous_cursor: str | None  # newer / back


def page(queryset: QuerySet, ordering: tuple[str, ...], *, cursor: str | None, size: int) -> Page:
    """One page of `queryset` in `ordering`, after (or, for a backwards cursor, before) `cursor`."""
    values, backwards = decode_cursor(cursor, len(ordering))
    order = [_flip(name) for name in ordering] if backwards else list(ordering)
    keys = queryset.order_by(*order)
    if values is not None:
        keys = keys.filter(after(order, values))
    # Two steps: the page's keys from the ordering's index alone, then the rows with all their joins for
    # those keys only (a planner handed the joins and a LIMIT may merge-join a whole table first).
    ids = list(keys.values_list("pk", flat=True)[: size + 1])
    return _page(ids, queryset.order_by().in_bulk(ids), ordering, size=size, came_from=values, backwards=backwards)


def page_of_keys(
    keys: list[tuple], ordering: tuple[str, ...], *, cursor: str | None, size: int, fetch, identity: int = 1
) -> Page:
    """One page of rows whose ordering values are known beforehand, for an order no index serves (a
    ranked search's candidates, `keys` one tuple of numbers per row in `ordering`, the last the pk).
    The page is picked here; `fetch(pks)` returns its rows by pk, carrying the ordering's fields.
    Rows of several tables ranked together are told apart by more than the pk: with `identity` n, a
    row is known by the last n values of its key (`(kind, pk)`), and so are `fetch`'s argument and answer."""
    values, backwards = decode_cursor(cursor, len(ordering))
    if values is not None and not all(isinstance(value, int | float) for value in values):
        raise InvalidCursor("not numbers")
    signs = [-1 if name.startswith("-") else 1 for name in ordering]

    def position(key) -> tuple:
        return tuple(sign * value for sign, value in zip(signs, key, strict=True))

    ordered = sorted(keys, key=position, reverse=backwards)
    if values is not None:
        edge = position(values)
        ordered = [key for key in ordered if (position(key) < edge if backwards else position(key) > edge)]
    ids = [key[-identity:] if identity > 1 else key[-1] for key in ordered[: size + 1]]
    return _page(ids, fetch(ids), ordering, size=size, came_from=values, backwards=backwards)


def _page(ids: list, by_id: dict, ordering: tuple[str, ...], *, size: int, came_from, backwards: bool) -> Page:
    """The Page of the rows `ids` (size + 1 of them when there is more), in page order."""
    rows = [by_id[pk] for pk in ids if pk in by_id]
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    # Forwards, there is a page before whenever we came from a cursor; backwards, one after.
    has_next, has_previous = (True, more) if backwards else (more, came_from is not None)
    return Page(
        rows=rows,
        next_cursor=encode_cursor(_edge(rows[-1], ordering), backwards=False) if rows and has_next else None,
        previous_cursor=encode_cursor(_edge(rows[0], ordering), backwards=True) if rows and has_previous else None,
    )


def after(ordering: list[str], values: list) -> Q:
    """Rows strictly after `values` in `ordering`."""
    names = [name.lstrip("-") for name in ordering]
    beyond = ["lt" if name.startswith("-") else "gt" for name in ordering]
    either = Q()
    for depth in range(len(ordering)):
        tie = {names[i]: values[i] for i in range(depth)}
        either |= Q(**tie, **{f"{names[depth]}__{beyond[depth]}": values[depth]})
    return Q(**{f"{names[0]}__{beyond[0]}e": values[0]}) & either


def encode_cursor(values: list, *, backwards: bool) -> str:
    data = {"v": [_jsonable(value) for value in values], **({"b": 1} if backwards else {})}
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str | None, length: int) -> tuple[list | None, bool]:
    """(values, backwards) of a cursor, (None, False) for none; InvalidCursor if it is not one of ours."""
    if not token:
        return None, False
    try:
        data = bounded_json.loads(base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4)))
        values = data["v"]
        if not isinstance(values, list) or len(values) != length:
            raise InvalidCursor("wrong length")
        if not all(isinstance(value, str | int | float) and not isinstance(value, bool) for value in values):
            raise InvalidCursor("wrong types")
        return values, bool(data.get("b"))
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error, AttributeError) as error:
        raise InvalidCursor(str(error)) from None


def _edge(row, ordering: tuple[str, ...]) -> list:
    return [row[name.lstrip("-")] if isinstance(row, dict) else getattr(row, name.lstrip("-")) for name in ordering]


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
