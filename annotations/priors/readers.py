"""Stream ClaimReview items out of a file: a schema.org DataFeed or a JSON array (parsed as a stream with
ijson, so a feed of hundreds of MB is read in constant memory), JSON Lines, the Fact-Check Insights CSV
(dotted column names), or an HTML fact-check page (JSON-LD, microdata or RDFa, read with extruct).

Each reader yields `(position, item)` where `item` is a ClaimReview object or an ItemRefused for an item
that could not even be read (a broken JSON line); the importer turns items into records.
"""

import csv
import io
import json
from collections.abc import Iterator
from typing import BinaryIO

import extruct
import ijson

from .claimreview import ItemRefused, claimreviews_in, compact_rdfa, item_from_flat_row


class FileUnreadable(Exception):
    """The file as a whole cannot be read in any of the formats (the job fails with this reason)."""


SNIFF_BYTES = 64 * 1024
MAX_WHOLE_DOCUMENT = 20_000_000
Items = Iterator[tuple[int, dict | ItemRefused]]


def detect_format(head: bytes, *, name: str = "", content_type: str = "") -> str:
    """'datafeed' (JSON document), 'jsonl', 'csv' or 'html' from the first bytes, the name and the type."""
    name, content_type = name.lower(), content_type.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if "html" in content_type or text[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    if name.endswith((".jsonl", ".ndjson")) or "ndjson" in content_type or "jsonl" in content_type:
        return "jsonl"
    if name.endswith(".csv") or "csv" in content_type:
        return "csv"
    if text.startswith(b"["):
        return "datafeed"
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0]
        try:
            json.loads(first_line)
        except ValueError:
            return "datafeed"  # an object over several lines: one JSON document
        rest = text[len(first_line) :].lstrip()
        return "jsonl" if rest.startswith(b"{") else "datafeed"
    if text.startswith(b"<"):
        return "html"
    if text:
        return "csv"
    raise FileUnreadable("the file is empty")


def read_items(stream: BinaryIO, kind: str, *, base_url: str = "") -> Items:
    """The items of `stream` read as `kind` (see detect_format)."""
    if kind == "html":
        return _html(stream, base_url)
    return {"datafeed": _datafeed, "jsonl": _json_lines, "csv": _csv}[kind](stream)


def _datafeed(stream: BinaryIO) -> Items:
    """A DataFeed ({"dataFeedElement": [{"item": [ClaimReview...]}]}), a JSON array of ClaimReview (or of
    DataFeedItems), or one ClaimReview / @graph document. Streamed element by element: only one element
    is in memory at a time, whatever the size of the feed."""
    head = stream.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    prefixes = ["item"] if head.startswith(b"[") else ["dataFeedElement.item", "@graph.item", "itemListElement.item"]
    position = 0
    try:
        for prefix in prefixes:
            for element in ijson.items(stream, prefix, use_float=True):
                position += 1
                yield from _items_of(element, position)
            if position:
                return
            stream.seek(0)
        # No list of elements: a single ClaimReview (or a small document holding some), read whole.
        document = stream.read(MAX_WHOLE_DOCUMENT + 1)
        if len(document) > MAX_WHOLE_DOCUMENT:
            raise FileUnreadable("a large JSON document without a dataFeedElement list or an array")
        yield from _items_of(json.loads(document), 1)
    except (ijson.JSONError, ValueError) as error:
        raise FileUnreadable(f"the JSON is malformed after element {position}: {error}") from None


def _items_of(element, position: int) -> Items:
    found = claimreviews_in(element)
    if not found:
        yield position, ItemRefused("no ClaimReview in this element")
    for item in found:
        yield position, item


def _json_lines(stream: BinaryIO) -> Items:
    """One JSON object per line (a ClaimReview, or anything holding some); a broken line is refused alone."""
    for position, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            element = json.loads(line)
        except ValueError as error:
            yield position, ItemRefused(f"line {position} is not JSON ({error.args[0][:80]})")
            continue
        yield from _items_of(element, position)


def _csv(stream: BinaryIO) -> Items:
    """A CSV with a header row of dotted ClaimReview paths (`claimReviewed`, `reviewRating.alternateName`,
    `author.name`, `itemReviewed.author.name`, `url`, `datePublished` ...), one ClaimReview a row."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        reader = csv.DictReader(text)
        if not reader.fieldnames or not {"claimReviewed", "url"} <= {f.strip() for f in reader.fieldnames}:
            raise FileUnreadable("the CSV has no header row naming claimReviewed and url")
        for position, row in enumerate(reader, start=1):
            yield position, item_from_flat_row(row)
    except csv.Error as error:
        raise FileUnreadable(f"the CSV is malformed: {error}") from None
    finally:
        text.detach()


def _html(stream: BinaryIO, base_url: str) -> Items:
    """The ClaimReview markup of a fact-check page: JSON-LD, microdata and RDFa alike."""
    html = stream.read()
    try:
        data = extruct.extract(html, base_url=base_url or None, syntaxes=["json-ld", "microdata", "rdfa"], uniform=True)
    except Exception as error:  # any parser's failure on broken markup
        raise FileUnreadable(f"the page's markup could not be read ({type(error).__name__})") from None
    found = [item for syntax in ("json-ld", "microdata") for item in claimreviews_in(data.get(syntax, []))]
    found += claimreviews_in(compact_rdfa(data.get("rdfa", [])))
    if not found:
        raise FileUnreadable("the page has no ClaimReview markup")
    yield from enumerate(found, start=1)
