"""JSON from outside, read with a nesting limit.

Python's decoder recurses once per level of nesting: ten thousand `[` raise RecursionError (a 500
wherever only ValueError was expected), and a few hundred levels that do decode make every later
walk over the value (validation, serialisation, the database driver) recurse as deep. No document
this project accepts nests more than a handful of levels, so anything deeper than MAX_DEPTH is
refused as bad input, the same ValueError as malformed JSON.
"""

import json

from django.utils.translation import gettext as _

MAX_DEPTH = 100


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""

    def __init__(self, limit: int = MAX_DEPTH):
        super().__init__(_("JSON nested more than %(limit)d levels deep is not accepted.") % {"limit": limit})
        self.limit = limit


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs):
    """json.loads, raising TooDeep (a ValueError) for nesting beyond `max_depth`."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise TooDeep(max_depth) from None
    check_depth(value, max_depth)
    return value


def check_depth(value, max_depth: int = MAX_DEPTH) -> None:
    """Raise TooDeep if lists and objects in `value` nest deeper than `max_depth` (without recursing)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise TooDeep(max_depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
