"""Prior fact-checks that may have checked a claim already, scored like the desk's own similar claims so
the two can be ranked together in "Checked before?", each with why it matches.

Candidates come from `match_vector` (the fact-check's unstemmed words, any language) by prefix queries
on the claim's less common words' first letters ('gove':* finds governo and government alike), its
figures and its names; at most PRIOR_SCAN matches are ranked, the best CANDIDATES scored by
annotations.likeness, as the desk's similar claims are.
"""

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, TextField, Value

from .. import likeness, search
from ..models import Claim, PriorFactCheck

PRIOR_SCAN = 3000  # matches read and ranked at most (a bound on the work of one suggestion)
CANDIDATES = 40
COMMON_PREFIX_SHARE = 0.01


@dataclass(frozen=True)
class PriorSuggestion:
    prior: PriorFactCheck
    score: float
    why: dict


def claim_features(claim: Claim) -> likeness.Features:
    return likeness.features(likeness.claim_text(claim.exact, claim.statement), claim.search_config)


def _common_prefixes() -> frozenset:
    """Word prefixes (and whole words: a name, a figure) found in more than COMMON_PREFIX_SHARE of prior
    fact-checks: either would read a large share of the table."""
    shares: dict[str, float] = {}
    words = set()
    for word, share in search.element_shares(PriorFactCheck, "match_vector").items():
        shares[likeness.cognate(word)] = shares.get(likeness.cognate(word), 0.0) + share
        if share > COMMON_PREFIX_SHARE:
            words.add(word)
    return frozenset(prefix for prefix, share in shares.items() if share > COMMON_PREFIX_SHARE) | words


def _match_query(own: likeness.Features) -> str:
    common = _common_prefixes()
    # Figures exactly, not as prefixes: '94':* would read every number starting with 94.
    terms = {search.tsquery_term(term) for term in own.names | own.figures if term not in common}
    for word in own.words:
        prefix = likeness.cognate(word)
        if len(prefix) >= likeness.COGNATE_LETTERS and prefix not in common and not prefix.isdigit():
            terms.add(search.tsquery_term(prefix) + ":*")
    return " | ".join(sorted(terms))


def prior_suggestions(claim: Claim, *, limit: int = search.SIMILAR_LIMIT, own=None) -> list[PriorSuggestion]:
    """Prior fact-checks that may have checked `claim`, best first (score >= likeness.MIN_SCORE); `own` is
    the claim's likeness.Features when the caller has them."""
    own = own or claim_features(claim)
    query = _match_query(own)
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
        words, same_language = set(prior.words), prior.search_config == claim.search_config
        score = likeness.score(own, prior.claim_reviewed, words, prior.trigram, same_language=same_language)
        if score >= likeness.MIN_SCORE:
            why = likeness.explain(own, prior.claim_reviewed, words)
            scored.append(PriorSuggestion(prior, round(score, 3), why))
    scored.sort(key=lambda s: (-s.score, s.prior.pk))
    return scored[:limit]
