"""W3C Web Annotation (JSON-LD): each verdict an Annotation targeting its claim by both selectors.

The document is an AnnotationCollection (`id`, `label`, `total`) whose `first`
AnnotationPage carries the items. A job's file holds every item in that one
page; the streamed endpoint serves the same collection in pages of PAGE_SIZE,
`first` embedded and linked to `next`, each page an AnnotationPage of its own
(`partOf`, `startIndex`, `next`/`prev`). Every item has its own `@context`, so
an annotation copied out of the file stays valid alone.

Served pages are keyset pages (read_page): a link's `page` is a signed cursor
holding the edge row's place in the export order (query.page_order), the
direction, the page's startIndex and a digest of the filters. A page is one
index range scan from its edge, whatever its depth; only the collection (page
1) counts, for its `total`. Pages never shift while verdicts are published;
`startIndex` is exact for a collection that does not change while it is paged
(it is carried, not counted). A cursor is refused under other filters: its
edge and its startIndex belong to another collection.

The verdict is two bodies, both allowed a `purpose` by the model (3.3.5):
a TextualBody without `id` (an embedded body; an `id` would make the W3C
suite read it as an external web resource, which may not carry a purpose)
whose value is the verdict's label, purpose `assessing`, and a
SpecificResource, purpose `classifying`, whose `source` is the verdict's IRI
under the organisation's URL: the stable key a machine compares, where the
label is words for people. The rationale is a `commenting` TextualBody and
evidence URLs are `linking` SpecificResources; the target carries a
TextPositionSelector (code point offsets) and a TextQuoteSelector.
"""

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterator
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core import signing
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..anchoring import Anchor
from .blocks import BlockWriter
from .cells import evidence_urls, iso_instant
from .csv import Progress
from .filters import ExportFilters
from .query import count_rows, iter_rows, page_order, page_rows

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PAGE_SIZE = 1000


def web_annotation(row: dict) -> dict:
    base = settings.FACTCHECK["ORGANIZATION_URL"]
    body = [
        {"type": "TextualBody", "purpose": "assessing", "value": row["verdict_label"], "format": "text/plain"},
        {"type": "SpecificResource", "purpose": "classifying", "source": urljoin(base, f"verdicts/{row['verdict']}")},
    ]
    if row["rationale"]:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": row["rationale"], "format": "text/plain"})
    body += [
        {"type": "SpecificResource", "purpose": "linking", "source": url} for url in evidence_urls(row["evidence"])
    ]
    return {
        "@context": CONTEXT,
        "id": urljoin(base, f"annotations/{row['annotation_id']}/versions/{row['version']}"),
        "type": "Annotation",
        "motivation": "assessing",
        "created": iso_instant(row["annotated_at"]),
        "creator": {"type": "Person", "nickname": row["reviewer"]},
        "body": body,
        "target": {
            "source": row["article_url"] or urljoin(base, f"articles/{row['article_id']}/"),
            "selector": Anchor(
                row["claim_start"], row["claim_end"], row["claim_text"], row["claim_prefix"], row["claim_suffix"]
            ).as_selectors(),
        },
    }


def collection_id(filters: ExportFilters, base_url: str | None = None) -> str:
    """The collection's IRI: the streamed endpoint's URL with the filters (a job's file names the same)."""
    base = base_url or urljoin(settings.FACTCHECK["ORGANIZATION_URL"], "api/v1/exports/webannotation.jsonld")
    query = _collection_query(filters)
    return f"{base}?{query}" if query else base


def _collection_query(filters: ExportFilters) -> str:
    query = {**filters.params, **({"as_of": iso_instant(filters.as_of)} if filters.as_of else {})}
    return urlencode(sorted(query.items()))


def _page_id(collection: str, page: int | str) -> str:
    return f"{collection}{'&' if '?' in collection else '?'}{urlencode({'page': page})}"


class InvalidPage(ValueError):
    """A `page` that is neither 1 nor a cursor from a link of this very collection."""


@dataclasses.dataclass(frozen=True)
class PageCursor:
    """Where a served page is: beside the row whose ordering values are `edge` (query.page_order),
    after it, or before it when `backwards`; `at` is the position (0-based) of the boundary between
    the edge row and the page: forwards, the page's startIndex; backwards, the edge row's own index,
    so the page starts at `at` minus its length. Carrying it keeps `startIndex` exact without counting."""

    edge: tuple[int, ...]
    backwards: bool
    at: int


NOT_A_LINK = gettext_lazy(
    "Expected 1 (the collection) or the page of a `next` or `prev` link of this collection, unchanged."
)


def encode_page(filters: ExportFilters, cursor: PageCursor) -> str:
    """The opaque, signed `page` value of a link. The filters' digest ties it to this collection."""
    data = {"v": list(cursor.edge), "i": cursor.at, "f": _filters_digest(filters)}
    if cursor.backwards:
        data["b"] = 1
    return _signer().sign_object(data)


def decode_page(filters: ExportFilters, token: str) -> PageCursor:
    """The cursor in a `page` value; InvalidPage when it is not one of our links, or is a link of a
    collection with other filters (its edge and startIndex mean nothing here)."""
    try:
        data = _signer().unsign_object(token)
        edge, at, digest = data["v"], data["i"], data["f"]
    except (signing.BadSignature, ValueError, TypeError, KeyError, UnicodeError):
        raise InvalidPage(NOT_A_LINK) from None
    if digest != _filters_digest(filters):
        raise InvalidPage(
            _(
                "This page belongs to the collection with other filters; "
                "start again from this collection's first page (page=1) and follow its links."
            )
        )
    if (
        not isinstance(edge, list)
        or len(edge) != len(page_order(filters))
        or not all(type(value) is int for value in [*edge, at])
    ):
        raise InvalidPage(NOT_A_LINK)
    return PageCursor(tuple(edge), bool(data.get("b")), at)


def _signer() -> signing.Signer:
    # "." rather than ":" between payload and signature: nothing in the value needs escaping in a URL.
    return signing.Signer(salt="annotations.exports.webannotation.page", sep=".")


def _filters_digest(filters: ExportFilters) -> str:
    return hashlib.sha256(_collection_query(filters).encode()).hexdigest()[:16]


@dataclasses.dataclass
class ServedPage:
    """A page read ahead of its response: its rows, in order, and its links (the page values)."""

    rows: list[dict]
    start: int
    next: str | None
    prev: str | None  # 1 when the page before is the first (the collection), else a cursor


def read_page(filters: ExportFilters, connection: BaseDatabaseWrapper, cursor: PageCursor | None) -> ServedPage:
    """The rows of one page of PAGE_SIZE, beside `cursor` (None: the first page), by one index range
    scan from the edge (query.page_rows): no OFFSET walk, no count. `next` is there when a row
    follows the page, `prev` when rows come before it."""
    size = PAGE_SIZE
    names = [name for _, name in page_order(filters)]
    backwards = cursor is not None and cursor.backwards
    rows = page_rows(filters, connection, after=cursor and cursor.edge, backwards=backwards, size=size)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        # Nothing before: the page is the collection's start, whatever rows came or went meanwhile.
        start = max(cursor.at - len(rows), 1) if more else 0
        has_next, has_prev = True, more
    else:
        start = cursor.at if cursor else 0
        has_next, has_prev = more, cursor is not None
    if not rows:
        return ServedPage(rows, start, None, None)

    def link(row: dict, *, backwards: bool, at: int) -> str:
        return encode_page(filters, PageCursor(tuple(row[name] for name in names), backwards, at))

    following = link(rows[-1], backwards=False, at=start + len(rows)) if has_next else None
    preceding = None
    if has_prev:
        # When the page before starts the collection, link the collection's own first page (page=1).
        preceding = 1 if start <= size else link(rows[0], backwards=True, at=start)
    return ServedPage(rows, start, following, preceding)


def write_webannotation(
    filters: ExportFilters,
    write: Callable[[bytes], object],
    *,
    connection: BaseDatabaseWrapper,
    progress: Progress,
    page: ServedPage | None = None,
    page_value: int | str = 1,
    base_url: str | None = None,
) -> int:
    """The collection (page None: every item in `first`), or one served page (read_page; `page_value`
    the `page` it was asked by: 1 for the collection with its first page)."""
    out = BlockWriter(write)
    pieces = webannotation_text(
        filters, connection=connection, progress=progress, page=page, page_value=page_value, base_url=base_url
    )
    for text in pieces:
        out.text(text)
    out.flush()
    return progress.rows


def webannotation_text(
    filters: ExportFilters,
    *,
    connection: BaseDatabaseWrapper,
    progress: Progress,
    page: ServedPage | None = None,
    page_value: int | str = 1,
    base_url: str | None = None,
) -> Iterator[str]:
    """The document as pieces of text, item by item (a streamed response sends them as they come).

    The whole collection (an export job's file, `page` None) counts its `total` first: the collection
    states it before its items, as the model's examples do, and reads every row in order. A served
    page was read beforehand (read_page); only the collection's first page counts, for its `total`.
    """
    collection = collection_id(filters, base_url)
    first = page is None or page_value == 1
    total = count_rows(filters, connection) if first else None
    if page is None:
        # The whole file is one page, named within the collection.
        page_head = {"id": f"{collection}#items", "type": "AnnotationPage", "startIndex": 0}
        rows = iter_rows(filters, connection)
    else:
        page_head = {"id": _page_id(collection, page_value), "type": "AnnotationPage", "startIndex": page.start}
        page_head |= {"prev": _page_id(collection, page.prev)} if page.prev is not None else {}
        page_head |= {"next": _page_id(collection, page.next)} if page.next is not None else {}
        rows = iter(page.rows)
    head = {"id": collection, "type": "AnnotationCollection", "label": "Verdicts"}
    if first:
        # The embedded page carries its own @context too: valid when read out of the collection.
        document = {"@context": CONTEXT, **head, "total": total, "first": {"@context": CONTEXT, **page_head}}
    else:
        document = {"@context": CONTEXT, **page_head, "partOf": head}
    text = json.dumps(document, ensure_ascii=False)
    # The items go last in the innermost object: close it (and the collection) after them.
    yield text[: -(2 if first else 1)] + ', "items": ['
    for row in rows:
        yield ("\n" if not progress.rows else ",\n") + json.dumps(web_annotation(row), ensure_ascii=False)
        progress.add(1)
    yield "\n" + ("]}}\n" if first else "]}\n")
