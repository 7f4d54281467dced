"""The rows of a verdict export: which claims and versions (the filters of annotations.exports.filters), as
published now or at an instant.

One SELECT gives the raw rows every format reads. For CSV `copy_sql` gives
formatted cells instead, so `COPY ... TO STDOUT` produces the file with no
Python per cell: the published verdicts now are read, already formatted, from
the PublishedExportRow table in its key order (no sort); `as_of` and
`versions=all` wrap the raw SELECT and format in SQL. Either way the cells a
version alone decides were formatted when it was written
(`AnnotationVersion.*_cell`). One page of raw rows (`page_rows`, the Web
Annotation pages) is a keyset read in the same order: an index range scan from
the page's edge, never an OFFSET.

Which rows:

- default: one row per claim with a published verdict (`Claim.published_version`);
  `approved_by`/`approved_at` come from the claim's newest Publication row.
- `as_of=T`: the claim's newest Publication row at or before T decides; a
  withdrawn verdict (row without version) exports nothing.
- `versions=all`: one row per annotation version (created at or before T with
  `as_of`); `approved_by`/`approved_at` name the newest publication of that
  very version (at or before T), empty if it was never published.

"Newest Publication row" is the one with the highest id: publications of a
claim are written while the claim row is locked (review._transition), so per
claim ids grow with time, and `MAX(id) ... GROUP BY` is a cheap hash aggregate
where an ORDER BY ... LIMIT 1 per claim would be a million index probes. The
same holds for review transitions, written under the annotation row lock.

`status` is the review status that goes with the row: always `approved` in the
published export (the row is the verdict as approved, even if its annotation is
being edited again since); with `versions=all` the annotation's status now, or
at `as_of` from the transition log. The date range applies to the row's
verdict date: `approved_at` for the published export, `annotated_at` for
`versions=all`. Article fields are the article as it is now (articles are not
versioned). The claim's text and selectors are the words its verdict judged while
a change of them awaits an editor's decision (annotations.words), on every path.
"""

from collections.abc import Iterator, Sequence

from django.contrib.auth import get_user_model
from django.db.backends.base.base import BaseDatabaseWrapper

from ..languages import language_filter_sql
from ..models import (
    Annotation,
    AnnotationVersion,
    Article,
    Claim,
    Publication,
    PublishedExportRow,
    ReviewTransition,
    Verdict,
)
from .cells import sql_instant, sql_neutralised
from .filters import ExportFilters
from .labels import label_in_column_language_sql

COLUMNS = (
    "claim_id", "claim_text", "claimant", "claim_date", "article_id", "article_title", "article_url",
    "publisher", "language", "published_at", "verdict", "rating_value", "confidence", "rationale",
    "evidence_urls", "reviewer", "status", "version", "annotated_at", "approved_by", "approved_at",
)  # fmt: skip


def rows_sql(filters: ExportFilters, connection: BaseDatabaseWrapper) -> tuple[str, list]:
    """The raw rows (typed values, not formatted), in export order."""
    sql, params = _select(filters, connection)
    return f"{sql} ORDER BY claim_id, annotation_id, version", params


def page_order(filters: ExportFilters) -> tuple[tuple[str, str], ...]:
    """The export order as (SQL column, row field) pairs for keyset pages, the last one unique.

    Published rows are one per claim, so the claim alone orders them: the published export rows'
    primary key now, the claims' as of an instant. Versions order by claim, annotation, number: the
    claim's primary key, then the annotation's (claim, reviewer) and the version's (annotation, number)
    unique indexes, so a page is a nested loop from the edge and a sort of a claim's few versions.
    """
    if filters.all_versions:
        return (("c.id", "claim_id"), ("a.id", "annotation_id"), ("v.number", "version"))
    return (("c.id" if filters.as_of is not None else "e.claim_id", "claim_id"),)


def page_rows(
    filters: ExportFilters,
    connection: BaseDatabaseWrapper,
    *,
    after: Sequence[int] | None,
    backwards: bool = False,
    size: int,
) -> list[dict]:
    """Up to `size` + 1 raw rows just after `after` in export order (the page_order values of a page's
    edge row; None: from the start), or just before it, nearest first, `backwards`.

    One index range scan that starts at the edge and stops after `size` + 1 matching rows, whatever
    the page's depth: no OFFSET walk, no count. The extra row says whether more follow.
    """
    columns = [column for column, _ in page_order(filters)]
    beyond = _beyond(columns, list(after), backwards=backwards) if after is not None else ([], [])
    if after is not None:
        # A planner carries equalities across a join, not ranges: bound the claim on the joined side too,
        # or a merge join on it reads every row before the edge (backwards, from the end).
        twin = {"e.claim_id": "c.id", "c.id": "a.claim_id"}[columns[0]]
        beyond[0].append(f"{twin} {'<' if backwards else '>'}= %s")
        beyond[1].append(after[0])
    sql, params = _select(filters, connection, one_page=True, also=beyond)
    direction = " DESC" if backwards else ""
    sql = f"{sql} ORDER BY {', '.join(column + direction for column in columns)} LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, size + 1])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _beyond(columns: list[str], values: list, *, backwards: bool) -> tuple[list[str], list]:
    """Rows strictly after `values` in the order of `columns` (before them, `backwards`): a bound on
    the first column, where the index scan starts, and the tie-breaks (keyset.after, in SQL)."""
    beyond = "<" if backwards else ">"
    either: list[str] = []
    params: list = [values[0]]
    for depth, column in enumerate(columns):
        either.append(" AND ".join([*(f"{tied} = %s" for tied in columns[:depth]), f"{column} {beyond} %s"]))
        params += values[: depth + 1]
    return [f"{columns[0]} {beyond}= %s", f"(({') OR ('.join(either)}))"], params


def count_sql(filters: ExportFilters, connection: BaseDatabaseWrapper) -> tuple[str, list]:
    if _reads_published_rows(filters):
        sql, params = _published_rows_from(filters, connection, counting=True)
        return f"SELECT COUNT(*) {sql}", params
    if filters.all_versions:
        return _versions_count(filters, connection)
    sql, params = _select(filters, connection)
    return f"SELECT COUNT(*) FROM ({sql}) AS q", params


def _versions_count(filters: ExportFilters, connection) -> tuple[str, list]:
    """How many versions the filters leave, joining only the tables a filter reads: every version has its
    annotation, claim, article, verdict and reviewer (foreign keys), so the count is the same, and with
    no filter it is an index-only scan of the versions."""
    status, status_params = _versions_status(filters.as_of)
    source = f"FROM {_table(AnnotationVersion)} v"
    if filters.status or filters.reviewer or filters.article is not None or filters.language:
        source += f" JOIN {_table(Annotation)} a ON a.id = v.annotation_id"
    if filters.article is not None or filters.language:
        source += f" JOIN {_table(Claim)} c ON c.id = a.claim_id"
    if filters.language:
        source += f" JOIN {_table(Article)} ar ON ar.id = c.article_id"
    if filters.verdicts:
        source += f" JOIN {_table(Verdict)} vd ON vd.id = v.verdict_id"
    if filters.reviewer:
        source += f" JOIN {get_user_model()._meta.db_table} ru ON ru.id = a.reviewer_id"
    where, params = _where(filters, connection, status=(status, status_params), date_column="v.created_at")
    if filters.as_of is not None:
        where.append("v.created_at <= %s")
        params.append(filters.as_of)
    return f"SELECT COUNT(*) {source}" + (" WHERE " + " AND ".join(where) if where else ""), params


def _versions_status(instant) -> tuple[str, list]:
    """A version's annotation's review status now, or as of `instant` (from the transitions' log)."""
    if instant is None:
        return "a.status", []
    return (
        f"COALESCE((SELECT t.to_status FROM {_table(ReviewTransition)} t WHERE t.annotation_id = a.id "
        "AND t.created_at <= %s ORDER BY t.id DESC LIMIT 1), 'draft')"
    ), [instant]


def copy_sql(filters: ExportFilters, connection: BaseDatabaseWrapper) -> str:
    """`COPY (formatted rows) TO STDOUT` for PostgreSQL, parameters already bound.

    Cells are formatted in SQL: empty text is NULL (an empty unquoted field),
    formula-looking text gets a leading "'", instants are ISO 8601 UTC with
    microseconds (as `cells.iso_instant` writes them for the other formats).
    The cells a version alone decides were formatted when it was written
    (`AnnotationVersion.*_cell`).

    The published verdicts now (no `as_of`, no `versions=all`) come from the
    published-rows table, whose rows hold their cells formatted, read in its
    primary key order (no sort); the history paths reconstruct their rows from
    the logs.
    """
    return copy_statement(*formatted_select(filters, connection), connection)


def formatted_select(filters: ExportFilters, connection: BaseDatabaseWrapper) -> tuple[str, list]:
    """The SELECT of the CSV's formatted cells, in export order (see copy_sql)."""
    if _reads_published_rows(filters):
        return _published_rows_select(filters, connection)
    return _history_copy_select(filters, connection)


def copy_statement(query: str, params: list, connection: BaseDatabaseWrapper) -> str:
    """`COPY (query) TO STDOUT` as CSV with a header, parameters bound."""
    with connection.cursor() as cursor:
        bound = cursor.mogrify(query, params)
    bound = bound.decode() if isinstance(bound, bytes) else bound
    return f"COPY ({bound}) TO STDOUT WITH (FORMAT csv, HEADER)"


_TEXT_CELLS = {
    "claim_text", "claimant", "article_title", "article_url", "publisher", "language", "verdict", "reviewer",
    "approved_by",
}  # fmt: skip


def _reads_published_rows(filters: ExportFilters) -> bool:
    return not filters.all_versions and filters.as_of is None


def _published_rows_select(filters: ExportFilters, connection) -> tuple[str, list]:
    """The formatted cells of the published verdicts now, from PublishedExportRow, in claim order."""
    expressions = {
        "claim_id": "e.claim_id",
        "claim_text": "e.claim_text_cell",
        "claimant": "e.claimant_cell",
        "claim_date": "e.claim_date_cell",
        "article_id": "e.article_id",
        "article_title": "e.article_title_cell",
        "article_url": "e.article_url_cell",
        "publisher": "e.publisher_cell",
        "language": "e.language_cell",
        "published_at": "e.published_at_cell",
        "verdict": "vd.key_cell",
        "rating_value": "vd.rating_value",
        "confidence": "e.confidence",
        "rationale": "e.rationale_cell",
        "evidence_urls": "e.evidence_urls_cell",
        "reviewer": "ru.username_cell",
        "status": "'approved'",
        "version": "e.version_number",
        "annotated_at": "e.annotated_at_cell",
        "approved_by": "pu.username_cell",
        "approved_at": "e.approved_at_cell",
    }
    cells = [f"{expressions[name]} AS {name}" for name in COLUMNS]
    sql, params = _published_rows_from(filters, connection)
    return f"SELECT {', '.join(cells)} {sql} ORDER BY e.claim_id", params


def _published_rows_from(filters: ExportFilters, connection, *, counting: bool = False) -> tuple[str, list]:
    """FROM ... WHERE for the published rows, in the table's primary key order (no sort).

    The rows carry their claim's and article's cells. The verdict and the user names
    (a few rows each, which a rename may change) are read through LATERAL subqueries
    that format their cells: the planner memoizes them (one lookup and one formatting
    per verdict or user, not per row) and the nested loops keep the rows in claim
    order. `OFFSET 0` keeps each subquery whole, so its formatting is not pulled up
    into the per-row projection. The language filter reads the row's own language cell (_where).

    `counting` joins only what a filter reads: every row has its verdict and users (foreign keys),
    so the count is the same, and an index-only scan instead of a million lookups.
    """
    user_table = get_user_model()._meta.db_table
    source = f"FROM {_table(PublishedExportRow)} e"
    if not counting or filters.verdicts:
        source += (
            f" CROSS JOIN LATERAL (SELECT key, rating_value, {sql_neutralised('key')} AS key_cell "
            f"FROM {_table(Verdict)} WHERE id = e.verdict_id OFFSET 0) vd"
        )
    if not counting or filters.reviewer:
        source += (
            f" CROSS JOIN LATERAL (SELECT username, {sql_neutralised('username')} AS username_cell "
            f"FROM {user_table} WHERE id = e.reviewer_id OFFSET 0) ru"
        )
    if not counting:
        source += (
            f" CROSS JOIN LATERAL (SELECT {sql_neutralised('username')} AS username_cell "
            f"FROM {user_table} WHERE id = e.approved_by_id OFFSET 0) pu"
        )
    where, params = _where(
        filters, connection, status=("'approved'", []), date_column="e.approved_at", article_column="e.article_id"
    )
    return source + (" WHERE " + " AND ".join(where) if where else ""), params


def _history_copy_select(filters: ExportFilters, connection) -> tuple[str, list]:
    """The formatted cells of `as_of` and `versions=all` exports, reconstructed from the logs."""
    inner, params = _select(filters, connection)
    stored = {"rationale": "rationale_cell", "evidence_urls": "evidence_urls_cell", "annotated_at": "annotated_at_cell"}
    cells = []
    for name in COLUMNS:
        if name in stored:
            cells.append(f"r.{stored[name]} AS {name}")
        elif name in _TEXT_CELLS:
            cells.append(f"{sql_neutralised(f'r.{name}')} AS {name}")
        elif name in ("published_at", "approved_at"):
            cells.append(f"{sql_instant(f'r.{name}')} AS {name}")
        elif name == "claim_date":
            cells.append("to_char(r.claim_date, 'YYYY-MM-DD') AS claim_date")
        else:
            cells.append(f"r.{name}")
    query = f"SELECT {', '.join(cells)} FROM ({inner}) AS r ORDER BY r.claim_id, r.annotation_id, r.version"
    return query, params


def iter_rows(filters: ExportFilters, connection: BaseDatabaseWrapper, *, chunk: int = 2000) -> Iterator[dict]:
    """Every raw row as a dict, fetched `chunk` at a time from a server-side cursor (one page: page_rows)."""
    sql, params = rows_sql(filters, connection)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchmany(chunk)
        names = [column[0] for column in cursor.description]  # a server-side cursor knows them after a fetch
        while rows:
            for row in rows:
                yield dict(zip(names, row, strict=True))
            rows = cursor.fetchmany(chunk)


def count_rows(filters: ExportFilters, connection: BaseDatabaseWrapper) -> int:
    sql, params = count_sql(filters, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _table(model) -> str:
    return model._meta.db_table


def _select(
    filters: ExportFilters,
    connection: BaseDatabaseWrapper,
    *,
    one_page: bool = False,
    also: tuple[list[str], list] = ([], []),
) -> tuple[str, list]:
    """SELECT ... FROM ... WHERE ... for the filters, without ORDER BY; params in placeholder order.

    A whole export finds each claim's (or version's) newest publication with one hash aggregate
    over the log. `one_page` (page_sql) finds it per row instead, by index, and reads the published
    verdicts now from PublishedExportRow, whose primary key is the page order: a page then reads
    its rows only. `also` adds conditions (and their params) to the WHERE.
    """
    instant = filters.as_of
    select_params: list = []
    from_params: list = []
    approval = ("p.actor_id", "p.created_at")
    article_column = "c.article_id"
    if filters.all_versions:
        status, status_params = _versions_status(instant)
        select_params += status_params
        published_within = "AND created_at <= %s" if instant is not None else ""
        from_params += [instant] if instant is not None else []
        newest = (
            f"LEFT JOIN LATERAL (SELECT MAX(id) AS id FROM {_table(Publication)} "
            f"WHERE version_id = v.id {published_within}) lp ON true "
            if one_page
            else f"LEFT JOIN (SELECT version_id, MAX(id) AS id FROM {_table(Publication)} "
            f"WHERE version_id IS NOT NULL {published_within} GROUP BY version_id) lp ON lp.version_id = v.id "
        )
        source = (
            f"FROM {_table(AnnotationVersion)} v "
            f"JOIN {_table(Annotation)} a ON a.id = v.annotation_id "
            f"JOIN {_table(Claim)} c ON c.id = a.claim_id "
            f"{newest}LEFT JOIN {_table(Publication)} p ON p.id = lp.id "
        )
        date_column = "v.created_at"
    elif one_page and instant is None:
        status = "'approved'"
        # The published export rows are (claim, its newest publication, the published version), kept in step.
        source = (
            f"FROM {_table(PublishedExportRow)} e "
            f"JOIN {_table(Claim)} c ON c.id = e.claim_id "
            f"JOIN {_table(AnnotationVersion)} v ON v.id = e.version_id "
            f"JOIN {_table(Annotation)} a ON a.id = e.annotation_id "
        )
        approval = ("e.approved_by_id", "e.approved_at")
        article_column = "e.article_id"
        date_column = "e.approved_at"
    else:
        status = "'approved'"
        published_within = "created_at <= %s" if instant is not None else ""
        from_params += [instant] if instant is not None else []
        newest = (
            f"CROSS JOIN LATERAL (SELECT MAX(id) AS id FROM {_table(Publication)} "
            f"WHERE claim_id = c.id {'AND ' + published_within if published_within else ''}) lp "
            if one_page
            else f"JOIN (SELECT claim_id, MAX(id) AS id FROM {_table(Publication)} "
            f"{'WHERE ' + published_within if published_within else ''} GROUP BY claim_id) lp ON lp.claim_id = c.id "
        )
        version_of = "p.version_id" if instant is not None else "c.published_version_id"
        source = (
            f"FROM {_table(Claim)} c {newest}"
            f"JOIN {_table(Publication)} p ON p.id = lp.id "
            f"JOIN {_table(AnnotationVersion)} v ON v.id = {version_of} "
            f"JOIN {_table(Annotation)} a ON a.id = v.annotation_id "
        )
        date_column = "p.created_at"
    user_table = get_user_model()._meta.db_table
    source += (
        f"JOIN {_table(Verdict)} vd ON vd.id = v.verdict_id "
        f"JOIN {_table(Article)} ar ON ar.id = c.article_id "
        f"JOIN {user_table} ru ON ru.id = a.reviewer_id "
        f"LEFT JOIN {user_table} pu ON pu.id = {approval[0]}"
    )
    # While an editor has not decided on changed words, the claim is published with the words its verdict
    # judged, and their selectors (annotations.words).
    select = (
        "SELECT c.id AS claim_id, COALESCE(c.judged_exact, c.exact) AS claim_text, c.claimant AS claimant, "
        "c.claim_date AS claim_date, COALESCE(c.judged_start, c.start) AS claim_start, "
        'COALESCE(c.judged_end, c."end") AS claim_end, '
        "CASE WHEN c.judged_exact IS NULL THEN c.prefix ELSE c.judged_prefix END AS claim_prefix, "
        "CASE WHEN c.judged_exact IS NULL THEN c.suffix ELSE c.judged_suffix END AS claim_suffix, "
        "c.statement AS claim_statement, ar.id AS article_id, ar.title AS article_title, ar.url AS article_url, "
        "ar.publisher AS publisher, ar.language AS language, ar.published_at AS published_at, "
        "vd.key AS verdict, vd.label AS verdict_label, vd.rating_value AS rating_value, "
        f"{label_in_column_language_sql('vd.id', 'NULL', 'ar.language')} AS verdict_label_in_language, "
        "v.confidence AS confidence, v.rationale AS rationale, v.evidence AS evidence, "
        "v.rationale_cell AS rationale_cell, v.evidence_urls_cell AS evidence_urls_cell, "
        "v.annotated_at_cell AS annotated_at_cell, "
        f"ru.username AS reviewer, {status} AS status, v.number AS version, v.created_at AS annotated_at, "
        f"pu.username AS approved_by, {approval[1]} AS approved_at, a.id AS annotation_id "
    )
    where, where_params = _where(
        filters, connection, status=(status, select_params), date_column=date_column, article_column=article_column
    )
    if filters.all_versions and instant is not None:
        where.append("v.created_at <= %s")
        where_params.append(instant)
    where += also[0]
    where_params += also[1]
    sql = select + source + (" WHERE " + " AND ".join(where) if where else "")
    return sql, select_params + from_params + where_params


def _where(
    filters: ExportFilters,
    connection,
    *,
    status: tuple[str, list],
    date_column: str,
    article_column: str = "c.article_id",
) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if filters.article is not None:
        where.append(f"{article_column} = %s")
        params.append(filters.article)
    if filters.language:
        # The one language rule (annotations.languages): "en" also matches "en-GB", "en-GB" only itself.
        if article_column == "e.article_id":  # reading the published rows
            # The published rows carry the article's language: by its primary subtag, an indexed expression
            # whose statistics the planner has (a LIKE on the article's column it misjudged by 30 times).
            where.append("lower(split_part(e.language_cell, '-', 1)) = %s")
            params.append(filters.language.split("-")[0].lower())
            if "-" in filters.language:
                where.append("lower(e.language_cell) = %s")
                params.append(filters.language.lower())
        else:
            sql, language_params = language_filter_sql("ar.language", filters.language)
            where.append(sql)
            params += language_params
    if filters.verdicts:
        where.append(f"vd.key IN ({', '.join(['%s'] * len(filters.verdicts))})")
        params += list(filters.verdicts)
    if filters.status:
        expression, expression_params = status
        where.append(f"{expression} = %s")
        params += [*expression_params, filters.status]
    if filters.reviewer:
        where.append("ru.username = %s")
        params.append(filters.reviewer)
    if filters.date_from:
        where.append(f"{date_column} >= %s")
        params.append(filters.date_from)
    if filters.date_before:
        where.append(f"{date_column} < %s")
        params.append(filters.date_before)
    return where, params
