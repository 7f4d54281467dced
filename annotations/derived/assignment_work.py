"""Whether an assignment's work is done: `Assignment.done_at` follows the reviewer's annotation of the
claim (set while it stands submitted or approved, cleared when it goes back to draft or is rejected)."""

import datetime

from django.db import connection
from django.utils import timezone

from ..models import Annotation, Assignment

_DONE = {Annotation.Status.SUBMITTED, Annotation.Status.APPROVED}


def review_changed(annotation: Annotation, to_status: str, now: datetime.datetime) -> None:
    mine = Assignment.objects.filter(claim_id=annotation.claim_id, reviewer_id=annotation.reviewer_id)
    if to_status in _DONE:
        mine.filter(done_at__isnull=True).update(done_at=now)
    else:
        mine.filter(done_at__isnull=False).update(done_at=None)


def reopened(claim_id: int, reviewer_id: int) -> None:
    Assignment.objects.filter(claim_id=claim_id, reviewer_id=reviewer_id, done_at__isnull=False).update(done_at=None)


def rebuild() -> int:
    """Recompute every assignment's done state from the annotations (a done one keeps its time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Assignment._meta.db_table} a SET done_at = CASE WHEN EXISTS (
                SELECT 1 FROM {Annotation._meta.db_table} n
                WHERE n.claim_id = a.claim_id AND n.reviewer_id = a.reviewer_id
                  AND n.status IN ('submitted', 'approved')
            ) THEN COALESCE(a.done_at, %s) END
            """,
            [timezone.now()],
        )
        return cursor.rowcount
