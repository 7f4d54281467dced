"""What a locked-out login attempt gets: django-axes calls `lockout_response` (AXES_LOCKOUT_CALLABLE).

The API answers 429 with a JSON reason and `Retry-After`; the login page shows itself again, with
the reason, under the same status.
"""

from axes.helpers import get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    seconds = int(get_cool_off(request).total_seconds())
    minutes = max(1, round(seconds / 60))
    reason = ngettext(
        "Too many failed logins for this account: it is locked for %(minutes)s minute.",
        "Too many failed logins for this account: it is locked for %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": reason, "retry_after_seconds": seconds}, status=429)
    else:
        # Unbound: binding the posted form would authenticate again and count one more failure.
        form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
        response = render(request, "registration/login.html", {"form": form, "lockout": reason}, status=429)
    response["Retry-After"] = str(seconds)
    return response
