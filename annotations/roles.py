"""Role groups and who may do what.

Roles are Django groups named `reviewer`, `editor` and `viewer` (created by a
migration); superusers count as editors.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

REVIEWER = "reviewer"
EDITOR = "editor"
VIEWER = "viewer"
ROLES = (REVIEWER, EDITOR, VIEWER)

User = AbstractBaseUser | AnonymousUser


def role_names(user: User) -> set[str]:
    """The user's role group names, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_factcheck_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._factcheck_roles = cached
    return cached


def is_editor(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or EDITOR in role_names(user))


def is_reviewer(user: User) -> bool:
    """Reviewers and editors may mark claims and write annotations."""
    return is_editor(user) or REVIEWER in role_names(user)


def is_viewer(user: User) -> bool:
    """Anyone with a role may read; viewers see published verdicts only."""
    return is_reviewer(user) or VIEWER in role_names(user)
