"""Permission classes for the API, by role (see annotations.roles)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .. import roles


class ReadByRoleWriteByEditor(BasePermission):
    """Anyone with a role reads; only editors write (articles)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return roles.is_viewer(request.user)
        return roles.is_editor(request.user)


class ReadByRoleWriteByReviewer(BasePermission):
    """Anyone with a role reads; reviewers and editors write, and change only what they created
    unless they are editors (claims)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return roles.is_viewer(request.user)
        return roles.is_reviewer(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or roles.is_editor(request.user):
            return True
        return getattr(obj, "created_by_id", None) == request.user.pk


class IsEditor(BasePermission):
    def has_permission(self, request, view) -> bool:
        return roles.is_editor(request.user)


class IsReviewer(BasePermission):
    def has_permission(self, request, view) -> bool:
        return roles.is_reviewer(request.user)


class HasRole(BasePermission):
    def has_permission(self, request, view) -> bool:
        return roles.is_viewer(request.user)
