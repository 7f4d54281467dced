"""How alike two claims are, for "Checked before?": the desk's similar claims (annotations.search) and
prior fact-checks (annotations.priors.matching) are scored here alike, so they rank together.

A claim's features are its lexemes (stemmed in its language), figures and names. A candidate scores
by how much of the claim's content words it covers (across languages, by a cognate's first letters:
agencies / agenzie, government / governo), by the figures and names it shares, which carry across
languages, and by trigram similarity (pg_trgm); `explain` says which words, figures and names matched.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection

FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
SENTENCE_END = re.compile(r"[.!?:;«»\"“”]\s*$")
MIN_SCORE = 0.15
WEIGHTS = {"words": 0.45, "figures": 0.3, "names": 0.15, "trigram": 0.1}
COGNATE_LETTERS = 4


@dataclass(frozen=True)
class Features:
    """What a claim is compared by: its text, lexemes (in its language), figures and names."""

    text: str
    words: set
    figures: set
    names: set


def claim_text(exact: str, statement: str = "") -> str:
    return " ".join(part for part in (exact, statement) if part)


def features(text: str, config: str) -> Features:
    """The features of `text`, its lexemes stemmed by the text-search configuration `config`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [config or "simple", text])
        words = set(cursor.fetchone()[0])
    return Features(text, words, figures(text), names(text))


def figures(text: str) -> set[str]:
    """Numbers in `text`, written alike across languages: `1,000` and `1.000` -> 1000, `94mil` -> 94."""
    found = set()
    for match in FIGURE.finditer(text):
        raw = match.group()
        groups = re.split(r"[.,]", raw)
        thousands = len(groups) > 1 and all(len(g) == 3 for g in groups[1:])
        number = "".join(groups) if thousands else ".".join(groups[:2])
        number = number.lstrip("0") or "0"
        if len(number) > 1:  # single digits say little
            found.add(number)
    return found


def names(text: str) -> set[str]:
    """Proper nouns and acronyms: capitalised words that do not start a sentence, casefolded
    (a sentence's first word is capitalised in any case; an acronym counts there too)."""
    found = set()
    before_end = 0
    for match in WORD.finditer(text):
        word = match.group().strip("'\u2019-")
        between = text[before_end : match.start()]
        starts_sentence = before_end == 0 or bool(SENTENCE_END.search(between))
        before_end = match.end()
        if len(word) >= 2 and word[0].isupper() and (word.isupper() or not starts_sentence):
            found.add(word.casefold())
    return found


def cognate(word: str) -> str:
    """A word's first COGNATE_LETTERS letters, casefolded, accents dropped (économie / economia)."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
    return letters[:COGNATE_LETTERS]


def score(own: Features, text: str, words: set, trigram: float, *, same_language: bool) -> float:
    """How alike a candidate (its `text`, lexemes `words` and trigram similarity) is to `own`, 0..1."""
    parts = {"trigram": trigram}
    if own.words:
        parts["words"] = _covered(own.words, words, same_language=same_language)
    if own.figures:
        parts["figures"] = len(own.figures & figures(text)) / len(own.figures)
    if own.names:
        parts["names"] = len(own.names & names(text)) / len(own.names)
    total = sum(WEIGHTS[name] for name in parts)
    return min(1.0, sum(WEIGHTS[name] * value for name, value in parts.items()) / total)


def _covered(own: set[str], theirs: set[str], *, same_language: bool) -> float:
    """The share of the claim's words (lexemes) a candidate has. Across languages the stems differ
    ('agenc' / 'agenz'), so there a word counts when the two share a cognate's first letters."""
    if not same_language:
        own, theirs = _cognates(own), _cognates(theirs)
    return len(own & theirs) / len(own) if own else 0.0


def _cognates(lexemes: set[str]) -> set[str]:
    return {prefix for prefix in map(cognate, lexemes) if len(prefix) >= COGNATE_LETTERS}


def explain(own: Features, other_text: str, other_words: set) -> dict:
    """Why two claims match, in the claim's own words: the content words, figures and names they share
    (words compared by their first letters, so across languages too)."""
    theirs = _cognates(other_words)
    ours = {cognate(word) for word in own.words}
    shared_words, seen = [], set()
    for match in WORD.finditer(own.text):
        word = match.group().strip("'\u2019-")
        prefix = cognate(word)
        if len(prefix) < COGNATE_LETTERS or word.casefold() in own.names or prefix in seen:
            continue
        if prefix in ours and prefix in theirs:
            seen.add(prefix)
            shared_words.append(word)
    return {
        "words": shared_words[:12],
        "figures": sorted(own.figures & figures(other_text), key=lambda f: (len(f), f)),
        "names": [re.sub(r"^\w", lambda m: m.group().upper(), name) for name in sorted(own.names & names(other_text))],
    }
