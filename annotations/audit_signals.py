"""Decisions made outside the domain's services, recorded in the audit trail from their signals:
a login lockout (django-axes) and a change of someone's role groups (the admin, a shell)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed

from . import audit
from .audit import _current_request

_ACTIONS = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}


def connect() -> None:
    user_locked_out.connect(_locked_out, dispatch_uid="audit_login_lockout")
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="audit_role_change")


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit.record("login_lockout", request=request, data={"username": username or ""})


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in _ACTIONS:
        return
    request = _current_request.get()
    actor = getattr(request, "user", None)
    if reverse:  # group.user_set changed: `instance` is the group, `pk_set` the users
        users = [(pk, instance.name) for pk in sorted(pk_set or [])]
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
        users = [(instance.pk, ", ".join(names))]
    for user_id, groups in users:
        audit.record(
            "role_changed",
            actor=actor if actor is not None and actor.is_authenticated else None,
            request=request,
            data={"user": user_id, "change": _ACTIONS[action], "groups": groups},
        )
