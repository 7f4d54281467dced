"""Template tags of the team pages: the unread count in the navigation."""

from django import template

from .. import notifications

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """Counted only where the navigation is drawn (a partial index over unread rows)."""
    return notifications.unread_count(user)
