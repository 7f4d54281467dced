"""The published export rows: one row per claim with a published verdict, kept in step with review.

`refresh_claim` runs inside the transaction of every approve, reject and
withdrawal (through annotations.derived), after the claim's publication log and
`published_version` are written, while the claim row is locked: the table
always equals what `rebuild` would compute from the history. The rows hold the
export's cells formatted; the claim's and the article's are rewritten by
triggers when those rows change (see models.PublishedExportRow).
"""

from django.db import connection

from ..exports.cells import sql_article_cells, sql_claim_cells, sql_instant
from ..models import Annotation, AnnotationVersion, Article, Claim, Publication, PublishedExportRow

_CELLS = {
    "claim_id": "c.id",
    "article_id": "c.article_id",
    "annotation_id": "a.id",
    "version_id": "v.id",
    "verdict_id": "v.verdict_id",
    "reviewer_id": "a.reviewer_id",
    "approved_by_id": "p.actor_id",
    "approved_at": "p.created_at",
    "version_number": "v.number",
    "confidence": "v.confidence",
    "rationale_cell": "v.rationale_cell",
    "evidence_urls_cell": "v.evidence_urls_cell",
    "annotated_at_cell": "v.annotated_at_cell",
    "approved_at_cell": sql_instant("p.created_at"),
    **sql_claim_cells("c"),
    **sql_article_cells("ar"),
}


def _insert_sql(where: str) -> str:
    publication = Publication._meta.db_table
    return (
        f"INSERT INTO {PublishedExportRow._meta.db_table} ({', '.join(_CELLS)}) "
        f"SELECT {', '.join(_CELLS.values())} "
        f"FROM {Claim._meta.db_table} c "
        f"JOIN (SELECT claim_id, MAX(id) AS id FROM {publication} {where.replace('c.id', 'claim_id')} "
        "GROUP BY claim_id) lp ON lp.claim_id = c.id "
        f"JOIN {publication} p ON p.id = lp.id "
        f"JOIN {AnnotationVersion._meta.db_table} v ON v.id = c.published_version_id "
        f"JOIN {Annotation._meta.db_table} a ON a.id = v.annotation_id "
        f"JOIN {Article._meta.db_table} ar ON ar.id = c.article_id "
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
