"""A person's notifications: the unread count and marking them read."""

from django.db import transaction

from ..models import Notification


def unread_count(user) -> int:
    """Served by a partial index over unread rows: cheap enough for every page's navigation."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read=False).count()


@transaction.atomic
def mark_read(user, *, ids: list[int] | None = None, everything: bool = False) -> int:
    """Mark the person's notifications `ids` (others' ids are ignored), or all of them, read. Returns how
    many changed."""
    unread = Notification.objects.filter(recipient=user, read=False)
    if not everything:
        unread = unread.filter(pk__in=ids or [])
    return unread.update(read=True)
