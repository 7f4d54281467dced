"""Prior fact-checks that may have checked a claim already, scored like the desk's own similar claims so
the two can be ranked together in "Checked before?", each with why it matches.

Candidates come from `match_vector` (the fact-check's unstemmed words, any language) by prefix queries
on the claim's less common words' first letters ('gove':* finds governo and government alike), its
figures and its names; at most PRIOR_SCAN matches are ranked, the best CANDIDATES re-scored by
annotations.search's scoring (content-word coverage, figures, names, trigram similarity).
"""

import re
import time
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, TextField, Value

from .. import search
from ..models import Claim, PriorFactCheck

PRIOR_SCAN = 3000  # matches read and ranked at most (a bound on the work of one suggestion)
CANDIDATES = 40
COMMON_PREFIX_SHARE = 0.01


@dataclass(frozen=True)
class PriorSuggestion:
    prior: PriorFactCheck
    score: float
    why: dict


def claim_features(claim: Claim) -> tuple[str, set, set, set]:
    """The claim's text, lexemes (in its language), figures and names."""
    text = " ".join(part for part in (claim.exact, claim.statement) if part)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [claim.search_config or search.SIMPLE, text]
        )
        words = set(cursor.fetchone()[0])
    return text, words, search.figures(text), search.names(text)


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def _prefix(word: str) -> str:
    return _plain(word)[: search.COGNATE_LETTERS]


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


_common_cache: dict = {"at": 0.0, "prefixes": frozenset()}


def _common_prefixes() -> frozenset:
    """Word prefixes found in more than COMMON_PREFIX_SHARE of prior fact-checks (planner statistics)."""
    if time.monotonic() - _common_cache["at"] < 300:
        return _common_cache["prefixes"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = 'match_vector'",
            [PriorFactCheck._meta.db_table],
        )
        row = cursor.fetchone()
    shares: dict[str, float] = {}
    words = set()
    if row and row[0]:
        for word, share in zip(row[0], row[1], strict=False):
            shares[_prefix(word)] = shares.get(_prefix(word), 0.0) + share
            if share > COMMON_PREFIX_SHARE:
                words.add(word)
    # Common whole words (a name, a figure) and common prefixes: both would read a large share of the table.
    prefixes = frozenset(prefix for prefix, share in shares.items() if share > COMMON_PREFIX_SHARE) | words
    _common_cache.update(at=time.monotonic(), prefixes=prefixes)
    return prefixes


def _match_query(words: set, own_figures: set, own_names: set) -> str:
    common = _common_prefixes()
    # Figures exactly, not as prefixes: '94':* would read every number starting with 94.
    terms = {_quote(term) for term in own_names | own_figures if term not in common}
    for word in words:
        prefix = _prefix(word)
        if len(prefix) >= search.COGNATE_LETTERS and prefix not in common and not prefix.isdigit():
            terms.add(_quote(prefix) + ":*")
    return " | ".join(sorted(terms))


def prior_suggestions(claim: Claim, *, limit: int = search.SIMILAR_LIMIT, features=None) -> list[PriorSuggestion]:
    """Prior fact-checks that may have checked `claim`, best first (score >= search.MIN_SCORE)."""
    text, words, own_figures, own_names = features or claim_features(claim)
    query = _match_query(words, own_figures, own_names)
    if not query:
        return []
    table = PriorFactCheck._meta.db_table
    # The planner overestimates an OR of prefix queries and reads the whole table; the GIN index answers
    # each term in a few ms (bench/prior_suggest.py), so the sequential scan is switched off for this query.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"SELECT id FROM (SELECT id, match_vector FROM {table} WHERE match_vector @@ %s::tsquery LIMIT %s) AS m "
            "ORDER BY ts_rank(match_vector, %s::tsquery) DESC, id LIMIT %s",
            [query, PRIOR_SCAN, query, CANDIDATES],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    vector = Func(F("search_config"), F("claim_reviewed"), function="to_tsvector", output_field=SearchVectorField())
    candidates = (
        PriorFactCheck.objects.filter(pk__in=ids)
        .select_related("verdict")
        .defer("search_vector", "match_vector")
        .annotate(
            words=Func(vector, function="tsvector_to_array", output_field=ArrayField(TextField())),
            trigram=Func(F("claim_reviewed"), Value(claim.exact), function="similarity", output_field=FloatField()),
        )
    )
    scored = []
    for prior in candidates:
        prior.exact, prior.statement = prior.claim_reviewed, ""
        score = search._score(words, own_figures, own_names, prior, config=claim.search_config)
        if score >= search.MIN_SCORE:
            why = explain(text, words, own_figures, own_names, prior.claim_reviewed, set(prior.words))
            scored.append(PriorSuggestion(prior, round(score, 3), why))
    scored.sort(key=lambda s: (-s.score, s.prior.pk))
    return scored[:limit]


def explain(text: str, words: set, own_figures: set, own_names: set, other_text: str, other_words: set) -> dict:
    """Why two claims match, in the claim's own words: the content words, figures and names they share
    (words compared by their first letters, so across languages too)."""
    theirs = {_prefix(word) for word in other_words if len(word) >= search.COGNATE_LETTERS}
    ours = {_prefix(word) for word in words}
    shared_names = sorted(own_names & search.names(other_text))
    shared_words, seen = [], set()
    for match in search.WORD.finditer(text):
        word = match.group().strip("'\u2019-")
        prefix = _prefix(word)
        if len(prefix) < search.COGNATE_LETTERS or word.casefold() in own_names or prefix in seen:
            continue
        if prefix in ours and prefix in theirs:
            seen.add(prefix)
            shared_words.append(word)
    return {
        "words": shared_words[:12],
        "figures": sorted(own_figures & search.figures(other_text), key=lambda f: (len(f), f)),
        "names": [re.sub(r"^\w", lambda m: m.group().upper(), name) for name in shared_names],
    }
