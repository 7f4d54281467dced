"""Assignments: an editor asks reviewers to check claims, optionally by a due date.

Assigning is one INSERT ... SELECT ... ON CONFLICT for any number of claims and reviewers (10,000
claims of an article, or every claim of an article, in one statement and one transaction); a second
assignment of the same claim to the same reviewer moves its due date. The number of queries does not
depend on the number of claims. Assignment does not change what anyone may read (blind review holds):
it says who is asked, not who may see.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications, roles
from .exceptions import NotAllowed
from .models import Annotation, Article, Assignment, Claim

MAX_CLAIMS = 10_000
MAX_REVIEWERS = 50


@dataclass(frozen=True)
class AssignResult:
    assigned: int  # claim-reviewer pairs assigned (new or with a new due date)
    created: int  # of which new
    removed: int  # assignments of other reviewers taken off the claims (replace=True)


def _reviewers(usernames: list[str]) -> list:
    if not usernames:
        raise ValidationError({"reviewers": _("Name at least one reviewer.")})
    if len(usernames) > MAX_REVIEWERS:
        raise ValidationError({"reviewers": _("At most %(count)s reviewers at once.") % {"count": MAX_REVIEWERS}})
    users = list(get_user_model().objects.filter(username__in=set(usernames), is_active=True))
    found = {user.username for user in users}
    unknown = sorted(set(usernames) - found)
    if unknown:
        raise ValidationError({"reviewers": _("No such active user: %(names)s.") % {"names": ", ".join(unknown)}})
    not_reviewers = sorted(user.username for user in users if not roles.is_reviewer(user))
    if not_reviewers:
        raise ValidationError({"reviewers": _("Not a reviewer: %(names)s.") % {"names": ", ".join(not_reviewers)}})
    return users


def _check_due(due: datetime.datetime | None) -> None:
    if due is not None and timezone.is_naive(due):
        raise ValidationError({"due": _("Give the due time with its offset (e.g. 2026-12-05T18:00:00Z).")})


@transaction.atomic
def assign(
    *,
    actor,
    reviewers: list[str],
    claims: list[int] | None = None,
    article: int | None = None,
    due: datetime.datetime | None = None,
    replace: bool = False,
) -> AssignResult:
    """Assign `claims` (ids) or every claim of `article` to each of `reviewers` (usernames).

    `replace`: reassign, i.e. the claims' assignments to anyone else are removed. Raises
    ValidationError naming the field for unknown claims, articles or users.
    """
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors assign claims."))
    if (claims is None) == (article is None):
        raise ValidationError({"claims": _("Give either `claims` (ids) or `article` (an id), not both.")})
    _check_due(due)
    users = _reviewers(reviewers)
    reviewer_ids = [user.pk for user in users]
    if claims is not None:
        claim_ids = sorted(set(claims))
        if not claim_ids:
            raise ValidationError({"claims": _("Name at least one claim.")})
        if len(claim_ids) > MAX_CLAIMS:
            raise ValidationError({"claims": _("At most %(count)s claims per request.") % {"count": MAX_CLAIMS}})
        scope, parameter = "c.id = ANY(%s)", claim_ids
    else:
        if not Article.objects.filter(pk=article).exists():
            raise ValidationError({"article": _("No article %(id)s.") % {"id": article}})
        scope, parameter = "c.article_id = %s", article
    now = timezone.now()
    table = Assignment._meta.db_table
    with connection.cursor() as cursor:
        # One statement for every pair; `xmax = 0` tells an inserted row from an updated one.
        cursor.execute(
            f"""
            INSERT INTO {table} (claim_id, reviewer_id, due, assigned_by_id, created_at)
            SELECT c.id, r.id, %s, %s, %s
            FROM {Claim._meta.db_table} c CROSS JOIN unnest(%s::int[]) AS r(id)
            WHERE {scope}
            ON CONFLICT (claim_id, reviewer_id) DO UPDATE
                SET due = EXCLUDED.due, assigned_by_id = EXCLUDED.assigned_by_id, overdue_notified_at = NULL
            RETURNING claim_id, reviewer_id, (xmax = 0)
            """,
            [due, actor.pk, now, reviewer_ids, parameter],
        )
        rows = cursor.fetchall()
        if claims is not None and len({row[0] for row in rows}) < len(claim_ids):
            missing = sorted(set(claim_ids) - {row[0] for row in rows})[:10]
            raise ValidationError({"claims": _("No such claim: %(ids)s.") % {"ids": ", ".join(map(str, missing))}})
        # Work a reviewer had already submitted is done. Driven from the reviewers' own annotations (an
        # index on reviewer), not one probe per claim: rows inserted by this statement carry `now`.
        cursor.execute(
            f"""
            UPDATE {table} a SET done_at = %s
            FROM {Annotation._meta.db_table} n
            WHERE n.reviewer_id = ANY(%s) AND n.status IN ('submitted', 'approved')
              AND a.claim_id = n.claim_id AND a.reviewer_id = n.reviewer_id
              AND a.created_at = %s AND a.done_at IS NULL
            """,
            [now, reviewer_ids, now],
        )
        removed = 0
        if replace and rows:
            cursor.execute(
                f"DELETE FROM {table} a WHERE a.claim_id = ANY(%s) AND NOT (a.reviewer_id = ANY(%s))",
                [sorted({row[0] for row in rows}), reviewer_ids],
            )
            removed = cursor.rowcount
    claims_by_reviewer: dict[int, list[int]] = {}
    for claim_id, reviewer_id, _created in rows:
        claims_by_reviewer.setdefault(reviewer_id, []).append(claim_id)
    notifications.assigned(claims_by_reviewer, actor=actor, due=due)
    return AssignResult(assigned=len(rows), created=sum(1 for row in rows if row[2]), removed=removed)


@transaction.atomic
def unassign(assignment: Assignment, *, actor) -> None:
    if not roles.is_editor(actor):
        raise NotAllowed(_("Only editors unassign claims."))
    assignment.delete()


def may_take(user, claim: Claim | int) -> bool:
    """Whether `user` may start an annotation of `claim`: editors always; reviewers any claim while
    FACTCHECK["REVIEWERS_TAKE_UNASSIGNED"] is on (the default), otherwise only the claims assigned to them."""
    if roles.is_editor(user) or settings.FACTCHECK["REVIEWERS_TAKE_UNASSIGNED"]:
        return True
    claim_id = claim if isinstance(claim, int) else claim.pk
    return Assignment.objects.filter(claim_id=claim_id, reviewer=user).exists()
