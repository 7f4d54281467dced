"""Pure text functions: normalise text and resolve W3C Web Annotation selectors to code point offsets.

Offsets are Unicode code points, which is what Python string indexing counts,
so `body[start:end] == exact` holds for every anchor this module returns.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        raise SelectorError(
            "selector", _("Give a %(position)s or a %(quote)s.") % {"position": POSITION, "quote": QUOTE}
        )
    if quote is None:
        return _resolve_position(body, position)
    if position is None:
        return _resolve_quote(body, quote)
    anchor = _resolve_position(body, position)
    if anchor.exact != normalise(quote["exact"]):
        raise SelectorError(
            "selector",
            _(
                "%(position)s [%(start)s, %(end)s) covers %(covered)r, "
                "which is not the %(quote)s's exact text %(exact)r."
            )
            % {
                "position": POSITION,
                "start": anchor.start,
                "end": anchor.end,
                "covered": anchor.exact,
                "quote": QUOTE,
                "exact": quote["exact"],
            },
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
        raise SelectorError("selector", _("Expected a list of W3C selector objects."))
    found: dict[str, dict] = {}
    for index, selector in enumerate(selectors):
        kind = selector.get("type") if isinstance(selector, dict) else None
        if kind not in (POSITION, QUOTE):
            raise SelectorError(
                f"selector[{index}].type",
                _("Unsupported selector type %(kind)r; use %(position)s or %(quote)s.")
                % {"kind": kind, "position": POSITION, "quote": QUOTE},
            )
        if kind in found:
            raise SelectorError(f"selector[{index}].type", _("More than one %(kind)s.") % {"kind": kind})
        found[kind] = selector
    return found.get(POSITION), found.get(QUOTE)


def _resolve_position(body: str, selector: dict) -> Anchor:
    start, end = selector.get("start"), selector.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SelectorError(
                f"selector.{name}",
                _("%(position)s.%(name)s must be a non-negative integer.") % {"position": POSITION, "name": name},
            )
    if end <= start:
        raise SelectorError("selector.end", _("%(position)s.end must be greater than start.") % {"position": POSITION})
    if end > len(body):
        raise SelectorError(
            "selector.end",
            _("%(position)s.end %(end)s is past the end of the body (%(length)s).")
            % {"position": POSITION, "end": end, "length": len(body)},
        )
    return anchor_at(body, start, end)


def _resolve_quote(body: str, selector: dict) -> Anchor:
    exact = selector.get("exact")
    if not isinstance(exact, str) or not exact.strip():
        raise SelectorError("selector.exact", _("%(quote)s.exact must be a non-empty string.") % {"quote": QUOTE})
    prefix, suffix = selector.get("prefix") or "", selector.get("suffix") or ""
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise SelectorError("selector.prefix", _("%(quote)s.prefix and suffix must be strings.") % {"quote": QUOTE})
    starts = find_quote(body, exact, prefix, suffix)
    if not starts:
        raise SelectorError(
            "selector.exact", _("The quote %(exact)r does not occur in the article body.") % {"exact": exact}
        )
    if len(starts) > 1:
        raise SelectorError(
            "selector.exact",
            ngettext(
                "The quote %(exact)r matches %(count)d place in the article body; "
                "add a prefix or suffix, or a TextPositionSelector, to pick one.",
                "The quote %(exact)r matches %(count)d places in the article body; "
                "add a prefix or suffix, or a TextPositionSelector, to pick one.",
                len(starts),
            )
            % {"exact": exact, "count": len(starts)},
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


# ---------------------------------------------------------------- re-anchoring after a new revision

# A fuzzy match is scored as Hypothesis scores its matches: quote similarity weighs 50,
# prefix 20, suffix 20, position 2 (normalised to 0..1). Below ORPHAN_BELOW the claim is
# orphaned; between that and TRUSTED_FROM it is re-attached but marked for review. The trusted
# threshold is high on purpose: a lookalike sentence must never take a claim silently.
WEIGHTS = {"quote": 50, "prefix": 20, "suffix": 20, "position": 2}
TRUSTED_FROM = 0.9
ORPHAN_BELOW = 0.6
# Quote similarity alone below this is never a match, whatever the context says.
MIN_QUOTE_SIMILARITY = 0.5
# Seconds the text diff may take before it settles for a coarser (still correct) one.
DIFF_TIMEOUT_S = 0.5


@dataclass(frozen=True)
class Reanchoring:
    """Where one claim lands in the new text: status, anchor (None when orphaned), score, review flag."""

    status: str
    anchor: Anchor | None
    score: float | None = None
    needs_review: bool = False


class PositionMap:
    """Maps offsets in the old text to offsets in the new one, through a diff of the two.

    The mapping is diff-match-patch's `diff_xIndex`, computed with a binary search over the
    diff's cumulative lengths, so mapping one offset costs O(log d) instead of O(d).
    """

    def __init__(self, old: str, new: str):
        from bisect import bisect_right

        from diff_match_patch import diff_match_patch

        dmp = diff_match_patch()
        dmp.Diff_Timeout = DIFF_TIMEOUT_S
        self.diffs = dmp.diff_main(old, new, len(old) > 2000)
        self._bisect = bisect_right
        self._old_ends, self._new_starts, self._ops = [], [], []
        old_pos = new_pos = 0
        for op, text in self.diffs:
            self._new_starts.append(new_pos)
            self._ops.append(op)
            if op != 1:  # equal or delete: consumes old text
                old_pos += len(text)
            if op != -1:  # equal or insert: consumes new text
                new_pos += len(text)
            self._old_ends.append(old_pos)
        self._old_starts = [
            end - (len(text) if op != 1 else 0) for end, (op, text) in zip(self._old_ends, self.diffs, strict=True)
        ]

    def __call__(self, offset: int) -> int:
        """diff_xIndex(diffs, offset): the new offset of old `offset` (a deleted one maps to the deletion's place)."""
        # The first diff whose old end passes `offset` holds it.
        index = self._bisect(self._old_ends, offset)
        if index >= len(self.diffs):
            # Past the end: the offset maps to the end of the new text, shifted as the last diff leaves it.
            return (
                self._new_starts[-1]
                + (len(self.diffs[-1][1]) if self._ops[-1] != -1 else 0)
                + (offset - self._old_ends[-1])
            )
        # Skip inserts, which hold no old text (diff_xIndex would pass over them too).
        while self._ops[index] == 1:
            index += 1
        if self._ops[index] == -1:
            return self._new_starts[index]
        return self._new_starts[index] + (offset - self._old_starts[index])


def reanchor(old_body: str, new_body: str, anchors: list[Anchor], lost: list[bool] | None = None) -> list[Reanchoring]:
    """Find each anchor of `old_body` in `new_body`: exact, moved, fuzzy (scored) or orphaned.

    `lost[i]` marks an anchor already orphaned: its offsets point into an older text, so only
    its quote is looked for. Two claims never land on the same span: the second is orphaned.
    """
    position = PositionMap(old_body, new_body)
    taken: set[tuple[int, int]] = set()
    results = []
    for index, anchor in enumerate(anchors):
        if lost and lost[index]:
            result = _find_moved(new_body, anchor, anchor.start) or Reanchoring("orphaned", None)
        else:
            result = reanchor_one(new_body, anchor, position)
        if result.anchor is not None:
            span = (result.anchor.start, result.anchor.end)
            if span in taken:
                result = Reanchoring("orphaned", None)
            else:
                taken.add(span)
        results.append(result)
    return results


def reanchor_one(new_body: str, anchor: Anchor, position: PositionMap) -> Reanchoring:
    if new_body[anchor.start : anchor.end] == anchor.exact:
        return Reanchoring("exact", anchor_at(new_body, anchor.start, anchor.end), 1.0)
    mapped = position(anchor.start)
    if new_body[mapped : mapped + len(anchor.exact)] == anchor.exact:
        # Where the diff carries the old place, the same words: the common case, no search needed.
        return Reanchoring("moved", anchor_at(new_body, mapped, mapped + len(anchor.exact)), 1.0)
    moved = _find_moved(new_body, anchor, mapped)
    if moved is not None:
        return moved
    return _find_fuzzy(new_body, anchor, mapped, position(anchor.end))


def _find_moved(body: str, anchor: Anchor, mapped: int) -> Reanchoring | None:
    """The same quote elsewhere: the occurrence whose context matches best, then the nearest to
    where the diff says the old place went. Ambiguous (a tie on both) is marked for review."""
    starts = _occurrences(body, anchor.exact)
    if not starts:
        return None
    length = len(anchor.exact)

    def context(start: int) -> int:
        before = body[max(0, start - len(anchor.prefix)) : start]
        after = body[start + length : start + length + len(anchor.suffix)]
        return _common_suffix(before, anchor.prefix) + _common_prefix(after, anchor.suffix)

    ranked = sorted(starts, key=lambda start: (-context(start), abs(start - mapped)))
    best = ranked[0]
    ambiguous = (
        len(ranked) > 1 and context(ranked[1]) == context(best) and abs(ranked[1] - mapped) == abs(best - mapped)
    )
    return Reanchoring("moved", anchor_at(body, best, best + length), 1.0, needs_review=ambiguous)


def _find_fuzzy(body: str, anchor: Anchor, mapped_start: int, mapped_end: int) -> Reanchoring:
    """An edited quote: the span the diff maps the old one to, snapped to whole words, scored."""
    start, end = _snap_to_words(body, mapped_start, mapped_end, anchor)
    if end - start < 1:
        return Reanchoring("orphaned", None)
    candidate = anchor_at(body, start, end)
    quote = similarity(anchor.exact, candidate.exact)
    if quote < MIN_QUOTE_SIMILARITY:
        return Reanchoring("orphaned", None)
    prefix = similarity(anchor.prefix, candidate.prefix) if anchor.prefix else 1.0
    suffix = similarity(anchor.suffix, candidate.suffix) if anchor.suffix else 1.0
    distance = abs(start - mapped_start) / max(len(body), 1)
    score = (
        WEIGHTS["quote"] * quote
        + WEIGHTS["prefix"] * prefix
        + WEIGHTS["suffix"] * suffix
        + WEIGHTS["position"] * (1 - min(distance, 1.0))
    ) / sum(WEIGHTS.values())
    score = round(score, 4)
    if score < ORPHAN_BELOW:
        return Reanchoring("orphaned", None)
    # Not unique (the edited words occur again elsewhere) or with other figures: a person decides,
    # since "voted 31 to 12" -> "voted 30 to 13" is a near-perfect match and a different claim.
    unique = len(_occurrences(body, candidate.exact)) == 1
    same_figures = _figures(anchor.exact) == _figures(candidate.exact)
    # An edit at either end of the quote may have taken words off the claim (or added some): where the
    # claim now begins or ends is a person's call, with both spans shown, never the diff's.
    same_edges = _edge_words(anchor.exact) == _edge_words(candidate.exact)
    trusted = score >= TRUSTED_FROM and unique and same_figures and same_edges
    return Reanchoring("fuzzy", candidate, score, needs_review=not trusted)


def _edge_words(text: str) -> tuple[str, str]:
    words = re.findall(r"\w+", text.casefold())
    return (words[0], words[-1]) if words else ("", "")


def _figures(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)*", text)


def _snap_to_words(body: str, start: int, end: int, anchor: Anchor) -> tuple[int, int]:
    """Widen a mapped span to whole words where the old quote began and ended on word boundaries."""
    if anchor.exact[:1].isalnum() and (not anchor.prefix or not anchor.prefix[-1:].isalnum()):
        while start > 0 and body[start - 1].isalnum():
            start -= 1
    if anchor.exact[-1:].isalnum() and (not anchor.suffix or not anchor.suffix[:1].isalnum()):
        while end < len(body) and body[end].isalnum():
            end += 1
    # Whitespace the edit left at the edges is not part of the quote.
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length, from a character diff (1.0: identical)."""
    if a == b:
        return 1.0
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    distance = dmp.diff_levenshtein(dmp.diff_main(a, b, False))
    return max(0.0, 1 - distance / max(len(a), len(b)))
