"""Notifications: what a person must know, in the browser and by email.

One function per trigger (assigned, mentioned, approved, rejected, re-opened, words changed, overdue),
called by the service that makes the change, inside its transaction: the notifications commit or
roll back with the change. Nobody is notified of their own act. Email goes out afterwards, batched
as a digest, through Celery (`email.py`): enqueued on commit, so it never holds up the request.
"""

from .inbox import mark_read, unread_count
from .triggers import (
    assigned,
    mentioned,
    notify_overdue,
    verdict_approved,
    verdict_rejected,
    verdict_reopened,
    words_changed,
)

__all__ = [
    "assigned",
    "mark_read",
    "mentioned",
    "notify_overdue",
    "unread_count",
    "verdict_approved",
    "verdict_rejected",
    "verdict_reopened",
    "words_changed",
]
