"""What a login attempt is told about the lockout: django-axes calls `lockout_response`
(AXES_LOCKOUT_CALLABLE) for a locked account, and `last_attempt_warning` is added to the failure
before the last one, on the login page and the token endpoint alike.

The API answers a locked account with 429, a JSON reason and `Retry-After`; the login page shows
itself again, with the reason and who can lift the lock, under the same status.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext


def _minutes(request: HttpRequest) -> tuple[int, int]:
    seconds = int(get_cool_off(request).total_seconds())
    return seconds, max(1, round(seconds / 60))


def last_attempt_warning(request: HttpRequest, username: str) -> str:
    """After a failed login: a warning when one more failure would lock the account, else ""."""
    if not username:
        return ""
    failures = AxesProxyHandler.get_failures(request, {"username": username})
    if settings.AXES_FAILURE_LIMIT - failures != 1:
        return ""
    _seconds, minutes = _minutes(request)
    return ngettext(
        "One more failed attempt locks this account for %(minutes)d minute.",
        "One more failed attempt locks this account for %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def unlock_hint() -> str:
    # The README names the same ways: the command, or the admin's list of access attempts.
    return gettext(
        "An administrator can unlock it sooner: in the admin, under Access attempts, "
        "or with python manage.py axes_reset_username NAME."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    seconds, minutes = _minutes(request)
    reason = ngettext(
        "Too many failed logins for this account: it is locked for %(minutes)d minute.",
        "Too many failed logins for this account: it is locked for %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        body = {"detail": f"{reason} {unlock_hint()}", "retry_after_seconds": seconds}
        response = JsonResponse(body, status=429)
    else:
        # Unbound: binding the posted form would authenticate again and count one more failure.
        form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
        context = {"form": form, "lockout": reason, "unlock_hint": unlock_hint()}
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
