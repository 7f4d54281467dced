"""Pure text functions: normalise text and resolve W3C Web Annotation selectors to code point offsets.

Offsets are Unicode code points, which is what Python string indexing counts,
so `body[start:end] == exact` holds for every anchor this module returns.
"""

import unicodedata
from dataclasses import dataclass

CONTEXT_LENGTH = 32

POSITION = "TextPositionSelector"
QUOTE = "TextQuoteSelector"

# Characters people type in place of their typographic forms. Each maps one
# code point to one code point, so offsets found in folded text are offsets in
# the original text too.
_TYPOGRAPHIC_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u00a0": " ", "\u2007": " ", "\u202f": " ",
    }
)  # fmt: skip


class SelectorError(ValueError):
    """A selector that cannot be resolved; `field` names the offending input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    def as_selectors(self) -> list[dict]:
        return [
            {"type": POSITION, "start": self.start, "end": self.end},
            {"type": QUOTE, "exact": self.exact, "prefix": self.prefix, "suffix": self.suffix},
        ]


def normalise(text: str) -> str:
    """NFC-normalise text and unify line endings, as every stored body and quote is."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def anchor_at(body: str, start: int, end: int) -> Anchor:
    """The anchor for body[start:end], with up to CONTEXT_LENGTH code points of context each side."""
    return Anchor(
        start=start,
        end=end,
        exact=body[start:end],
        prefix=body[max(0, start - CONTEXT_LENGTH) : start],
        suffix=body[end : end + CONTEXT_LENGTH],
    )


def resolve_selectors(body: str, selectors: list[dict]) -> Anchor:
    """Resolve a list of W3C selectors against `body` to one anchor.

    Accepts a TextQuoteSelector alone (found in the body; prefix and suffix pick
    among repeats), a TextPositionSelector alone, or both, which must agree.
    """
    position, quote = _split_selectors(selectors)
    if position is None and quote is None:
        raise SelectorError("selector", f"Give a {POSITION} or a {QUOTE}.")
    if quote is None:
        return _resolve_position(body, position)
    if position is None:
        return _resolve_quote(body, quote)
    anchor = _resolve_position(body, position)
    if anchor.exact != normalise(quote["exact"]):
        raise SelectorError(
            "selector",
            f"{POSITION} [{anchor.start}, {anchor.end}) covers {anchor.exact!r}, "
            f"which is not the {QUOTE}'s exact text {quote['exact']!r}.",
        )
    return anchor


def find_quote(body: str, exact: str, prefix: str = "", suffix: str = "") -> list[int]:
    """Start offsets where `exact` occurs in `body`, narrowed by prefix/suffix when they help.

    Matching is exact first; if the quote does not occur verbatim, typographic
    quotes, dashes and non-breaking spaces are folded on both sides.
    """
    exact, prefix, suffix = normalise(exact), normalise(prefix), normalise(suffix)
    starts = _occurrences(body, exact)
    if not starts:
        body = body.translate(_TYPOGRAPHIC_FOLD)
        exact, prefix, suffix = (s.translate(_TYPOGRAPHIC_FOLD) for s in (exact, prefix, suffix))
        starts = _occurrences(body, exact)
    if len(starts) <= 1:
        return starts
    return _narrow_by_context(body, starts, len(exact), prefix, suffix)


def _split_selectors(selectors: list[dict]) -> tuple[dict | None, dict | None]:
    if isinstance(selectors, dict):
        selectors = [selectors]
    if not isinstance(selectors, list):
        raise SelectorError("selector", "Expected a list of W3C selector objects.")
    found: dict[str, dict] = {}
    for index, selector in enumerate(selectors):
        kind = selector.get("type") if isinstance(selector, dict) else None
        if kind not in (POSITION, QUOTE):
            raise SelectorError(
                f"selector[{index}].type", f"Unsupported selector type {kind!r}; use {POSITION} or {QUOTE}."
            )
        if kind in found:
            raise SelectorError(f"selector[{index}].type", f"More than one {kind}.")
        found[kind] = selector
    return found.get(POSITION), found.get(QUOTE)


def _resolve_position(body: str, selector: dict) -> Anchor:
    start, end = selector.get("start"), selector.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SelectorError(f"selector.{name}", f"{POSITION}.{name} must be a non-negative integer.")
    if end <= start:
        raise SelectorError("selector.end", f"{POSITION}.end must be greater than start.")
    if end > len(body):
        raise SelectorError("selector.end", f"{POSITION}.end {end} is past the end of the body ({len(body)}).")
    return anchor_at(body, start, end)


def _resolve_quote(body: str, selector: dict) -> Anchor:
    exact = selector.get("exact")
    if not isinstance(exact, str) or not exact.strip():
        raise SelectorError("selector.exact", f"{QUOTE}.exact must be a non-empty string.")
    prefix, suffix = selector.get("prefix") or "", selector.get("suffix") or ""
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise SelectorError("selector.prefix", f"{QUOTE}.prefix and suffix must be strings.")
    starts = find_quote(body, exact, prefix, suffix)
    if not starts:
        raise SelectorError("selector.exact", f"The quote {exact!r} does not occur in the article body.")
    if len(starts) > 1:
        raise SelectorError(
            "selector.exact",
            f"The quote {exact!r} matches {len(starts)} places in the article body; "
            "add a prefix or suffix, or a TextPositionSelector, to pick one.",
        )
    start = starts[0]
    return anchor_at(body, start, start + len(normalise(exact)))


def _occurrences(body: str, exact: str) -> list[int]:
    starts, index = [], body.find(exact)
    while index != -1:
        starts.append(index)
        index = body.find(exact, index + 1)
    return starts


def _narrow_by_context(body: str, starts: list[int], length: int, prefix: str, suffix: str) -> list[int]:
    """Keep the occurrences whose surroundings match the given prefix and suffix best."""

    def score(start: int) -> int:
        before = body[max(0, start - len(prefix)) : start]
        after = body[start + length : start + length + len(suffix)]
        return _common_suffix(before, prefix) + _common_prefix(after, suffix)

    scores = {start: score(start) for start in starts}
    best = max(scores.values())
    return [start for start in starts if scores[start] == best]


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
