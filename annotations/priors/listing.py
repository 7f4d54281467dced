"""What the prior fact-checks page offers as filters: the languages and fact-checkers present.

Both are loose index scans (one index probe per distinct value, on `prior_language_id` and
`prior_rating_key`), so the page costs the same with a thousand fact-checks or ten million.
"""

from django.db import connection

from ..models import PriorFactCheck

MAX_PUBLISHERS = 500

_DISTINCT = """
WITH RECURSIVE found(value) AS (
    (SELECT {column} FROM {table} ORDER BY {column} LIMIT 1)
    UNION ALL
    SELECT (SELECT p.{column} FROM {table} p WHERE p.{column} > found.value ORDER BY p.{column} LIMIT 1)
      FROM found WHERE found.value IS NOT NULL
)
SELECT value FROM found WHERE value IS NOT NULL AND value <> '' LIMIT %s
"""


def _distinct(column: str, limit: int) -> list[str]:
    sql = _DISTINCT.format(column=column, table=PriorFactCheck._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]


def prior_languages() -> list[str]:
    """The language tags of the prior fact-checks, in order."""
    return _distinct("language", 1000)


def prior_publishers() -> list[str]:
    """The fact-checkers' names, in order (the first MAX_PUBLISHERS)."""
    return _distinct("publisher_name", MAX_PUBLISHERS)
