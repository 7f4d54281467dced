"""W3C Web Annotation (JSON-LD): each verdict an Annotation targeting its claim by both selectors.

The document is an AnnotationCollection (`id`, `label`, `total`) whose `first`
AnnotationPage carries the items. A job's file holds every item in that one
page; the streamed endpoint serves the same collection in pages of PAGE_SIZE,
`first` embedded and linked to `next` (`?page=2`, ...), each page an
AnnotationPage of its own (`partOf`, `startIndex`, `next`/`prev`). Every item
has its own `@context`, so an annotation copied out of the file stays valid alone.

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

import json
from collections.abc import Callable, Iterator
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from ..anchoring import Anchor
from .blocks import BlockWriter
from .cells import evidence_urls, iso_instant
from .csv import Progress
from .query import ExportFilters, count_rows, iter_rows

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
    query = {**filters.params, **({"as_of": iso_instant(filters.as_of)} if filters.as_of else {})}
    return f"{base}?{urlencode(sorted(query.items()))}" if query else base


def _page_id(collection: str, number: int) -> str:
    return f"{collection}{'&' if '?' in collection else '?'}page={number}"


def write_webannotation(
    filters: ExportFilters,
    write: Callable[[bytes], object],
    *,
    connection: BaseDatabaseWrapper,
    progress: Progress,
    page: int | None = None,
    base_url: str | None = None,
) -> int:
    """The collection (page None: every item in `first`; page 1: the first PAGE_SIZE) or page `page` > 1."""
    out = BlockWriter(write)
    for text in webannotation_text(filters, connection=connection, progress=progress, page=page, base_url=base_url):
        out.text(text)
    out.flush()
    return progress.rows


def webannotation_text(
    filters: ExportFilters,
    *,
    connection: BaseDatabaseWrapper,
    progress: Progress,
    page: int | None = None,
    base_url: str | None = None,
) -> Iterator[str]:
    """The document as pieces of text, item by item (a streamed response sends them as they come).

    `total` is counted first: the collection states it before its items, as the model's examples do.
    """
    total = count_rows(filters, connection)
    collection = collection_id(filters, base_url)
    size = total if page is None else PAGE_SIZE
    number = page or 1
    start = (number - 1) * size
    # The whole file is one page, named within the collection; a served page is the URL that serves it.
    page_id = _page_id(collection, number) if page else f"{collection}#items"
    page_head = {"id": page_id, "type": "AnnotationPage", "startIndex": start}
    if number > 1:
        page_head |= {"prev": _page_id(collection, number - 1)}
    if page is not None and start + size < total:
        page_head |= {"next": _page_id(collection, number + 1)}
    head = {"id": collection, "type": "AnnotationCollection", "label": "Verdicts", "total": total}
    if number > 1:
        document = {"@context": CONTEXT, **page_head, "partOf": head}
    else:
        # The embedded page carries its own @context too: valid when read out of the collection.
        document = {"@context": CONTEXT, **head, "first": {"@context": CONTEXT, **page_head}}
    text = json.dumps(document, ensure_ascii=False)
    # The items go last in the innermost object: close it (and the collection) after them.
    closing = "]}}\n" if number == 1 else "]}\n"
    yield text[: -(2 if number == 1 else 1)] + ', "items": ['
    rows = iter_rows(filters, connection, offset=start if page else 0, limit=size if page else None)
    for row in rows:
        yield ("\n" if not progress.rows else ",\n") + json.dumps(web_annotation(row), ensure_ascii=False)
        progress.add(1)
    yield "\n" + closing
