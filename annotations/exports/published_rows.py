"""The published export rows: one row per claim with a published verdict, kept in step with review.

`refresh_claim` runs inside the transaction of every approve, reject and
withdrawal (review._transition), after the claim's publication log and
`published_version` are written, while the claim row is locked: the table
always equals what `rebuild` would compute from the history. The rows hold
only what cannot change after the publication (the version's stored cells,
who approved it and when); see models.PublishedExportRow.
"""

from django.db import connection

from ..models import Annotation, AnnotationVersion, Claim, Publication, PublishedExportRow

ISO_INSTANT = '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''

_COLUMNS = (
    "claim_id, article_id, annotation_id, version_id, verdict_id, reviewer_id, approved_by_id, approved_at, "
    "version_number, confidence, rationale_cell, evidence_urls_cell, annotated_at_cell, approved_at_cell"
)


def _insert_sql(where: str) -> str:
    table = PublishedExportRow._meta.db_table
    publication = Publication._meta.db_table
    return (
        f"INSERT INTO {table} ({_COLUMNS}) "
        "SELECT c.id, c.article_id, a.id, v.id, v.verdict_id, a.reviewer_id, p.actor_id, p.created_at, "
        "v.number, v.confidence, v.rationale_cell, v.evidence_urls_cell, v.annotated_at_cell, "
        f"to_char(p.created_at AT TIME ZONE 'UTC', {ISO_INSTANT}) "
        f"FROM {Claim._meta.db_table} c "
        f"JOIN (SELECT claim_id, MAX(id) AS id FROM {publication} {where.replace('c.id', 'claim_id')} "
        "GROUP BY claim_id) lp ON lp.claim_id = c.id "
        f"JOIN {publication} p ON p.id = lp.id "
        f"JOIN {AnnotationVersion._meta.db_table} v ON v.id = c.published_version_id "
        f"JOIN {Annotation._meta.db_table} a ON a.id = v.annotation_id "
        f"{where} ORDER BY c.id"
    )


def refresh_claim(claim_id: int) -> None:
    """Make the claim's row match its published verdict now (none: no row). Call inside the review transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PublishedExportRow._meta.db_table} WHERE claim_id = %s", [claim_id])
        cursor.execute(_insert_sql("WHERE c.id = %s"), [claim_id, claim_id])


def rebuild() -> int:
    """Recompute every row from the history (after a bulk load); returns the row count."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PublishedExportRow._meta.db_table}")
        cursor.execute(_insert_sql(""))
        return cursor.rowcount
