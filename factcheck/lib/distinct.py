"""The distinct values of an indexed column without reading the table: a loose index scan (a recursive
query that probes the column's index once per distinct value), so the cost follows how many values
there are, not how many rows."""

from django.db import connection

_DISTINCT = """
WITH RECURSIVE found(value) AS (
    (SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1)
    UNION ALL
    SELECT (SELECT t.{column} FROM {table} t WHERE t.{column} > found.value ORDER BY t.{column} LIMIT 1)
      FROM found WHERE found.value IS NOT NULL
)
SELECT value FROM found WHERE value IS NOT NULL AND value <> '' LIMIT %s
"""


def distinct_values(model, column: str, *, limit: int) -> list:
    """The first `limit` distinct non-blank values of `model`'s `column` (which needs a leading index), in order."""
    sql = _DISTINCT.format(
        column=connection.ops.quote_name(column), table=connection.ops.quote_name(model._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]
