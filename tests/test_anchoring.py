"""Claims point at exactly the right characters: code points, NFC, typographic quotes, repeats."""

import unicodedata

import pytest

from annotations.anchoring import SelectorError, find_quote, resolve_selectors


def quote(exact, **context):
    return [{"type": "TextQuoteSelector", "exact": exact, **context}]


def test_claim_after_emoji_gets_code_point_offsets():
    body = "Rockets \U0001f680\U0001f680 launched: 42 satellites reached orbit."
    anchor = resolve_selectors(body, quote("42 satellites"))
    assert (anchor.start, anchor.end) == (21, 34)
    assert body[anchor.start : anchor.end] == "42 satellites"


def test_decomposed_quote_finds_composed_body():
    body = unicodedata.normalize("NFC", "Il caffè è più caro del 20%.")
    anchor = resolve_selectors(body, quote(unicodedata.normalize("NFD", "più caro")))
    assert anchor.exact == "più caro"
    assert body[anchor.start : anchor.end] == "più caro"


def test_straight_quotes_find_typographic_quotes():
    body = "He said \u201cthe vendor\u2019s software is malicious\u201d on Tuesday."
    anchor = resolve_selectors(body, quote('"the vendor\'s software is malicious"'))
    assert anchor.exact == "\u201cthe vendor\u2019s software is malicious\u201d"


def test_repeated_quote_is_ambiguous_and_says_how_many():
    body = "Prices rose. Then prices rose again. And prices rose once more."
    with pytest.raises(SelectorError) as error:
        resolve_selectors(body, quote("prices rose"))
    assert error.value.field == "selector.exact"
    assert "2 places" in error.value.message


def test_prefix_picks_among_repeats():
    body = "Prices rose. Then prices rose again. And prices rose once more."
    anchor = resolve_selectors(body, quote("prices rose", prefix="And "))
    assert anchor.start == body.index("And prices rose") + 4


def test_suffix_picks_among_repeats():
    body = "Prices rose. Then prices rose again. And prices rose once more."
    assert find_quote(body, "prices rose", suffix=" again") == [body.index("prices rose again")]


def test_position_and_quote_must_agree():
    body = "The vote was 476 to 151 in favour."
    selectors = [{"type": "TextPositionSelector", "start": 13, "end": 23}, *quote("476 to 151")]
    assert resolve_selectors(body, selectors).exact == "476 to 151"
    with pytest.raises(SelectorError):
        resolve_selectors(body, [{"type": "TextPositionSelector", "start": 0, "end": 3}, *quote("476 to 151")])


def test_position_past_the_end_is_refused():
    with pytest.raises(SelectorError) as error:
        resolve_selectors("short", [{"type": "TextPositionSelector", "start": 0, "end": 9}])
    assert error.value.field == "selector.end"


def test_context_is_32_code_points_each_side():
    body = "a" * 50 + "CLAIM" + "b" * 50
    anchor = resolve_selectors(body, quote("CLAIM"))
    assert anchor.prefix == "a" * 32 and anchor.suffix == "b" * 32
