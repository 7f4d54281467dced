"""Agreement's maintained sums: each paired claim's share (`PairedClaim`) and their sums by day and
language (`AgreementTally`), refreshed from the history for the claims a domain event touched.

`refresh_claims` recomputes the touched claims' rows with the same query `rebuild` runs over all
claims (`_PAIRED_SQL`), so the incremental path and the rebuild cannot drift apart; which verdict
of an annotation counts is decided once, in annotations.agreement.COUNTED_VERDICTS_SQL. Concurrent
refreshes of one claim are serialised by a transaction-scoped advisory lock taken last (after the
service's own row locks), so it adds no lock-order cycle.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from ..agreement import COUNTED_VERDICTS_SQL
from ..models import AgreementTally, Article, Claim, PairedClaim

# A claim's row: counted verdicts grouped per verdict, then per claim (two or more of them).
_PAIRED_SQL = f"""
WITH votes AS ({COUNTED_VERDICTS_SQL}),
cells AS (SELECT claim_id, verdict_id, COUNT(*) AS n, MAX(updated_at) AS last FROM votes GROUP BY 1, 2),
units AS (
    SELECT claim_id, SUM(n) AS m, SUM(n * n) AS squares, COUNT(*) AS kinds, MAX(last) AS last,
           jsonb_object_agg(verdict_id::text, n) AS votes
      FROM cells GROUP BY claim_id HAVING SUM(n) >= 2
)
SELECT u.claim_id, lower(ar.language), u.last, u.m, u.m * u.m - u.squares, u.kinds > 1, u.votes
  FROM units u
  JOIN {Claim._meta.db_table} c ON c.id = u.claim_id
  JOIN {Article._meta.db_table} ar ON ar.id = c.article_id
"""
_COLUMNS = "claim_id, language, updated_at, size, spread, disagreeing, votes"
_OF_CLAIMS = "AND a.claim_id = ANY(%s)"
_LOCK_NAMESPACE = 0x0A67  # pg_advisory_xact_lock(namespace, claim id): one refresh of a claim at a time


def refresh_claims(claim_ids: Iterable[int]) -> None:
    """Make the claims' PairedClaim rows and the tally equal to what the history says now."""
    claim_ids = sorted(set(claim_ids))
    if not claim_ids:
        return
    table = PairedClaim._meta.db_table
    with connection.cursor() as cursor:
        for claim_id in claim_ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, claim_id])
        cursor.execute(f"DELETE FROM {table} WHERE claim_id = ANY(%s) RETURNING {_COLUMNS}", [claim_ids])
        old = cursor.fetchall()
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}) {_PAIRED_SQL.replace('{scope}', _OF_CLAIMS)} RETURNING {_COLUMNS}",
            [claim_ids],
        )
        new = cursor.fetchall()
    _add_to_tally(
        [delta for row in old for delta in _share(row, -1)] + [delta for row in new for delta in _share(row, 1)]
    )


def rebuild() -> int:
    """Recompute every PairedClaim row and the tally from the history; returns the rows written."""
    paired, tally = PairedClaim._meta.db_table, AgreementTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {paired}")
        cursor.execute(f"INSERT INTO {paired} ({_COLUMNS}) {_PAIRED_SQL.replace('{scope}', '')}")
        written = cursor.rowcount
        cursor.execute(f"DELETE FROM {tally}")
        cursor.execute(
            f"""
            INSERT INTO {tally} (day, language, size, verdict_id, units, spread, disagreeing, votes)
            SELECT (updated_at AT TIME ZONE 'UTC')::date, language, size, 0,
                   COUNT(*), SUM(spread), COUNT(*) FILTER (WHERE disagreeing), 0
              FROM {paired} GROUP BY 1, 2, 3
            UNION ALL
            SELECT (p.updated_at AT TIME ZONE 'UTC')::date, p.language, 0, v.key::int, 0, 0, 0, SUM(v.value::bigint)
              FROM {paired} p, jsonb_each_text(p.votes) v GROUP BY 1, 2, 4
            """
        )
        return written + cursor.rowcount


def refresh_article(article_id: int) -> None:
    """An article's language changed: its paired claims' shares move to the new language."""
    refresh_claims(PairedClaim.objects.filter(claim__article_id=article_id).values_list("claim_id", flat=True))


def _share(row: tuple, sign: int) -> list[tuple]:
    """A claim's row as tally deltas: (day, language, size, verdict_id, units, spread, disagreeing, votes)."""
    _claim, language, updated_at, size, spread, disagreeing, votes = row
    day = updated_at.astimezone(datetime.UTC).date()
    votes = json.loads(votes) if isinstance(votes, str) else votes
    deltas = [(day, language, size, 0, sign, sign * spread, sign * int(disagreeing), 0)]
    deltas += [(day, language, 0, int(verdict), 0, 0, 0, sign * n) for verdict, n in votes.items()]
    return deltas


def _add_to_tally(deltas: list[tuple]) -> None:
    """Upsert summed deltas in key order (concurrent transactions lock rows in the same order); a row
    whose sums all reach zero is deleted, as a rebuild would not write it."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for *key, units, spread, disagreeing, votes in deltas:
        sums = totals[tuple(key)]
        for index, value in enumerate((units, spread, disagreeing, votes)):
            sums[index] += value
    rows = [(*key, *sums) for key, sums in sorted(totals.items()) if any(sums)]
    if not rows:
        return
    table = AgreementTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, language, size, verdict_id, units, spread, disagreeing, votes) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
            + " ON CONFLICT (day, language, size, verdict_id) DO UPDATE SET"
            f" units = {table}.units + excluded.units, spread = {table}.spread + excluded.spread,"
            f" disagreeing = {table}.disagreeing + excluded.disagreeing, votes = {table}.votes + excluded.votes",
            [value for row in rows for value in row],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE (day, language) IN (SELECT DISTINCT d, l FROM unnest(%s::date[], %s::text[])"
            " AS t(d, l)) AND units = 0 AND spread = 0 AND disagreeing = 0 AND votes = 0",
            [[row[0] for row in rows], [row[1] for row in rows]],
        )
