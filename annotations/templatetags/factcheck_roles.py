"""Template filters asking annotations.roles who the user is, so pages show only what they may use."""

from django import template

from .. import roles

register = template.Library()


@register.filter
def is_editor(user) -> bool:
    return roles.is_editor(user)


@register.filter
def is_reviewer(user) -> bool:
    return roles.is_reviewer(user)


@register.filter
def is_viewer(user) -> bool:
    """Any role at all (viewer, reviewer or editor)."""
    return roles.is_viewer(user)
