"""Claim search: full-text search in each article's language (of claims, and of prior fact-checks in
theirs), similar-claim suggestions.

Every claim stores its article language's text-search configuration (`search_config`, a regconfig)
and its published verdict's rationale, so that `search_vector` can be a stored generated column
(a generated column reads only its own row) under a GIN index.

A query is parsed once per configuration (websearch_to_tsquery: quotes, `-word`, `or`); the
configurations that parse it alike share one `search_vector @@ query` branch, so each branch is a
GIN index scan and a word is stemmed in the language of the claim it is matched against.

Similar claims are suggestions only: candidates from other articles (by their less common words,
figures and names), scored by annotations.likeness as prior fact-checks are.
"""

import time
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext as _

from . import likeness
from .models import Claim

# BCP 47 primary language subtag -> PostgreSQL text-search configuration (those shipped with PostgreSQL 13+).
LANGUAGE_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "nb": "norwegian", "ne": "nepali", "nl": "dutch", "nn": "norwegian", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
SIMPLE = "simple"
CONFIGS = sorted({*LANGUAGE_CONFIGS.values(), SIMPLE})

MAX_QUERY_LENGTH = 500
SEARCH_CANDIDATES = 1000
SEARCH_ORDER = ("-rank", "id")  # best first; `rank` of RankedSearch.keys
# ts_headline marks each match with these two private-use characters; clients split on them and
# render the parts as text (never as HTML).
HEADLINE_START = "\ue000"
HEADLINE_STOP = "\ue001"
HEADLINE_OPTIONS = f"StartSel={HEADLINE_START}, StopSel={HEADLINE_STOP}, MaxWords=30, MinWords=12, MaxFragments=2"


def config_for_language(language: str) -> str:
    """The text-search configuration for a BCP 47 tag: its language's, or `simple` (no stemming)."""
    primary = (language or "").split("-")[0].lower()
    return LANGUAGE_CONFIGS.get(primary, SIMPLE)


# ---------------------------------------------------------------- search


def clean_query(q: str) -> str:
    """The user's words, or ValidationError({"q": ...}) for a query that cannot be a search."""
    q = (q or "").strip()
    if not q:
        raise ValidationError({"q": _("Enter one or more words to search for.")})
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {
                "q": _("A search is at most %(limit)d characters (%(sent)d sent).")
                % {"limit": MAX_QUERY_LENGTH, "sent": len(q)}
            }
        )
    if "\x00" in q:
        raise ValidationError({"q": _("The search contains a NUL character.")})
    return q


def _parsed_queries(q: str) -> list[tuple[list[str], str]]:
    """[(configs, tsquery text)] for the configurations that parse `q` to a non-empty query, grouped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cfg::text, websearch_to_tsquery(cfg, %s)::text FROM unnest(%s::regconfig[]) AS cfg",
            [q, CONFIGS],
        )
        rows = cursor.fetchall()
    groups: dict[str, list[str]] = {}
    for config, tsquery in rows:
        if tsquery:  # only stop words in this language
            groups.setdefault(tsquery, []).append(config)
    return [(configs, tsquery) for tsquery, configs in groups.items()]


class _TsQuery(Func):
    """A tsquery already parsed (by websearch_to_tsquery in its configuration): cast, never re-parsed."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()

    def __init__(self, text: str):
        super().__init__(Value(text))


class _Matches(Func):
    """vector @@ query, as a condition."""

    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


class _AnyOf(Func):
    """`expression = ANY(values)` as a condition, the values passed as one array parameter (psycopg2
    adapts the list): the SQL and its preparation stay the same size however many values there are."""

    output_field = BooleanField()

    def __init__(self, expression, values: list, *, array_type: str) -> None:
        super().__init__(expression)
        self.values, self.array_type = values, array_type

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::{self.array_type})", (*params, self.values)


def _rank(query) -> Cast:
    # ts_rank gives a float4; as float8 it reaches Python exactly (float4 text is rounded short), so a
    # cursor's rank, sent back, compares equal to the rank it came from.
    return Cast(Func(F("search_vector"), query, function="ts_rank", output_field=FloatField()), FloatField())


@dataclass(frozen=True)
class RankedSearch:
    """A search's candidates, ranked: `keys` holds (rank, pk) for each; `rows` reads their rows, with a
    `headline` (`rows_for` adds the rank). Pages are picked from `keys` (keyset.page_of_keys)."""

    keys: list[tuple[float, int]]
    rows: QuerySet

    def rows_for(self, pks: list[int]) -> dict:
        ranks = {pk: rank for rank, pk in self.keys}
        found = self.rows.filter(_AnyOf(F("pk"), list(pks), array_type="bigint[]")).in_bulk()
        for pk, row in found.items():
            row.rank = ranks[pk]
        return found


def matching(q: str) -> Q:
    """Rows (with `search_vector` and `search_config`) matching `q`, each stemmed in its own language."""
    return _matching(_parsed_queries(clean_query(q)))


def _matching(groups: list[tuple[list[str], str]]) -> Q:
    if not groups:
        return Q(pk__in=[])
    condition = Q()
    for configs, tsquery in groups:
        match = Q(_Matches(F("search_vector"), _TsQuery(tsquery)))
        condition |= match & _in_configs(configs) if len(configs) < len(CONFIGS) else match
    return condition


def _in_configs(configs: list[str]) -> Q:
    return Q(_AnyOf(F("search_config"), configs, array_type="regconfig[]"))


def search_claims(queryset: QuerySet, q: str) -> RankedSearch:
    """The claims of `queryset` matching `q`, ranked (ordering `(-rank, id)`), their rows with `headline`
    over their words, restatement and published rationale (see ranked_search)."""
    text = Func(
        Value(" … "), "exact", NullIf("statement", Value("")), NullIf("published_rationale", Value("")),
        function="concat_ws", output_field=TextField(),
    )  # fmt: skip
    return ranked_search(queryset, q, text)


def search_priors(queryset: QuerySet, q: str) -> RankedSearch:
    """The prior fact-checks of `queryset` matching `q`, ranked as claims are: their `search_vector` weighs
    the claim reviewed as a claim's words (A) and its author as a claimant (B), so the ranks compare."""
    return ranked_search(queryset, q, F("claim_reviewed"))


def ranked_search(queryset: QuerySet, q: str, text) -> RankedSearch:
    """The rows of `queryset` (a model with `search_vector` and `search_config`) matching `q`, ranked.

    Ranking reads every candidate's vector, so a word found in a large share of a million claims would
    cost seconds: the candidates are the first SEARCH_CANDIDATES matches (in index order) of `queryset`.
    A query matching fewer rows (nearly all real searches) is ranked in full. One query finds and ranks
    them (the rank is computed on the rows the index scan reads anyway); the page is picked from those
    keys, and only its rows are read again, for the headline of `text`. A query of stop words only
    matches nothing (an empty result, not an error).
    """
    groups = _parsed_queries(clean_query(q))
    if not groups:
        return RankedSearch([], queryset.none())
    whens = [When(_in_configs(configs), then=_TsQuery(tsquery)) for configs, tsquery in groups]
    query = Case(*whens, default=_TsQuery(""), output_field=SearchQueryField())
    candidates = queryset.filter(_matching(groups)).order_by().annotate(rank=_rank(query)).values_list("rank", "pk")
    headline = Func(
        F("search_config"), text, query, Value(HEADLINE_OPTIONS), function="ts_headline", output_field=TextField()
    )
    return RankedSearch(keys=list(candidates[:SEARCH_CANDIDATES]), rows=queryset.annotate(headline=headline))


# ---------------------------------------------------------------- similar claims

SIMILAR_LIMIT = 10
CANDIDATES = 60
WORD_CANDIDATES = 600  # matches of the less common words that are ranked to pick CANDIDATES
# A word in more than this share of all claims does not pick candidates (it still counts in the score).
COMMON_WORD_SHARE = 0.005


@dataclass(frozen=True)
class Suggestion:
    claim: Claim
    score: float


def tsquery_term(word: str) -> str:
    """`word` as one quoted tsquery term."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery_of(words) -> str:
    return " | ".join(tsquery_term(word) for word in sorted(words))


_stats_cache: dict = {}


def element_shares(model, column: str) -> dict[str, float]:
    """The most common lexemes of a tsvector column and the share of rows holding each, from the planner's
    statistics (ANALYZE); read again at most every 5 minutes."""
    key = (model._meta.db_table, column)
    at, shares = _stats_cache.get(key, (0.0, {}))
    if time.monotonic() - at < 300:
        return shares
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = %s",
            [model._meta.db_table, column],
        )
        row = cursor.fetchone()
    shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _stats_cache[key] = (time.monotonic(), shares)
    return shares


def _common_words() -> frozenset:
    """Lexemes in more than COMMON_WORD_SHARE of claims."""
    return frozenset(w for w, share in element_shares(Claim, "search_vector").items() if share > COMMON_WORD_SHARE)


def similar_claims(
    claim: Claim, candidates: QuerySet, *, limit: int = SIMILAR_LIMIT, finish=lambda queryset: queryset, own=None
) -> list[Suggestion]:
    """Claims from other articles that may be the same claim as `claim`, best first, score 0..1.

    `candidates` is what the asking user may see (a Claim queryset); `finish` adds to the query of the
    chosen candidates what the answer needs besides; `own` is the claim's likeness.Features when the
    caller has them. One bounded search finds and ranks up to WORD_CANDIDATES matches of the claim's
    less common words (rank computed on the rows the index scan reads anyway), the best CANDIDATES of
    them are read with their features and scored by annotations.likeness.
    """
    own = own or likeness.features(likeness.claim_text(claim.exact, claim.statement), claim.search_config)
    common = _common_words()
    picking = {word for word in own.words | own.figures | own.names if word not in common}
    others = candidates.exclude(article_id=claim.article_id)
    found: dict[int, Claim] = {}
    # No trigram index scan for candidates: with a claim's dozens of trigrams, the common ones' posting
    # lists made it 130-440 ms at 100,000 claims (bench/search.py). Near-verbatim copies share the rare
    # words anyway; trigram similarity still scores every candidate.
    if picking:
        tsquery = _TsQuery(_tsquery_of(picking))
        matching = others.filter(_Matches(F("search_vector"), tsquery)).order_by().annotate(pick=_rank(tsquery))
        ranked = sorted(matching.values_list("pick", "pk")[:WORD_CANDIDATES], key=lambda key: (-key[0], key[1]))
        chosen = others.filter(_AnyOf(F("pk"), [pk for _pick, pk in ranked[:CANDIDATES]], array_type="bigint[]"))
        found.update((c.pk, c) for c in _with_features(finish(chosen), claim.exact))
    scored = []
    for candidate in found.values():
        text = likeness.claim_text(candidate.exact, candidate.statement)
        same_language = candidate.search_config == claim.search_config
        score = likeness.score(own, text, set(candidate.words), candidate.trigram, same_language=same_language)
        if score >= likeness.MIN_SCORE:
            scored.append(Suggestion(candidate, round(score, 3)))
    scored.sort(key=lambda s: (-s.score, s.claim.pk))
    return scored[:limit]


def _with_features(queryset: QuerySet, exact: str) -> list[Claim]:
    text = Func(Value(" "), "exact", "statement", function="concat_ws", output_field=TextField())
    vector = Func(F("search_config"), text, function="to_tsvector", output_field=SearchVectorField())
    return list(
        queryset.annotate(
            words=Func(vector, function="tsvector_to_array", output_field=ArrayField(TextField())),
            trigram=Func(F("exact"), Value(exact), function="similarity", output_field=FloatField()),
        )
    )
