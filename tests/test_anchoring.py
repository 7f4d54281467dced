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


# ---------------------------------------------------------------- re-anchoring (pure functions)


def test_position_map_agrees_with_diff_match_patch_x_index():
    import random

    from diff_match_patch import diff_match_patch

    from annotations.anchoring import PositionMap

    rng = random.Random(7)
    words = [
        "the",
        "council",
        "voted",
        "31",
        "to",
        "12",
        "on",
        "Tuesday",
        "mayor",
        "said",
        "project",
        "funded",
        "budget",
    ]
    for _ in range(20):
        old = " ".join(rng.choice(words) for _ in range(60))
        new_words = old.split()
        for _ in range(5):
            index = rng.randrange(len(new_words))
            if rng.random() < 0.5:
                new_words.insert(index, rng.choice(words))
            else:
                del new_words[index]
        new = " ".join(new_words)
        mapping = PositionMap(old, new)
        dmp = diff_match_patch()
        for offset in range(len(old) + 1):
            assert mapping(offset) == dmp.diff_xIndex(mapping.diffs, offset), (old, new, offset)


def test_reanchoring_keeps_a_repeated_quote_on_its_own_occurrence():
    from annotations.anchoring import anchor_at, reanchor

    old = "Prices rose. The budget is too high. Later: the budget is too high, again."
    second = old.index("the budget is too high")
    new = "News first. " + old
    (result,) = reanchor(old, new, [anchor_at(old, second, second + 22)])
    assert result.status == "moved"
    assert result.anchor.start == new.index("the budget is too high")


def test_reanchoring_orphans_a_quote_whose_words_are_gone():
    from annotations.anchoring import anchor_at, reanchor

    old = "One. The tram line opens in May 2027 after years of delay. Two."
    start = old.index("The tram")
    (result,) = reanchor(old, "One. Two.", [anchor_at(old, start, start + 20)])
    assert (result.status, result.anchor) == ("orphaned", None)


def test_two_claims_never_land_on_one_span():
    from annotations.anchoring import anchor_at, reanchor

    old = "Alpha said the vote was 31 to 12. Beta said the vote was 31 to 13."
    first, second = old.index("the vote was 31 to 12"), old.index("the vote was 31 to 13")
    new = "Alpha said the vote was 31 to 14."
    results = reanchor(old, new, [anchor_at(old, first, first + 21), anchor_at(old, second, second + 21)])
    spans = [(r.anchor.start, r.anchor.end) for r in results if r.anchor]
    assert len(spans) == len(set(spans))
