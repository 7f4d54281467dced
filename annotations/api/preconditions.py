"""Request headers and parameters that condition an answer: If-Match (the version a change is
based on) and as_of (the instant a past state is read at)."""

import datetime

from django.utils.translation import gettext as _
from rest_framework import exceptions

from factcheck.lib.instants import parse_instant

from .errors import PreconditionRequired


def if_match(request, *, required: bool) -> int | None:
    """The version number named by If-Match: `"3"`, `W/"3"` or `3`. Absent: 428 if required."""
    raw = request.headers.get("If-Match")
    if raw is None:
        if required:
            raise PreconditionRequired()
        return None
    value = raw.strip()
    value = value[2:] if value.startswith("W/") else value
    value = value.strip('"')
    if not value.isdigit():
        message = _('Expected the ETag of a version, e.g. "3"; got %(raw)r.') % {"raw": raw}
        raise exceptions.ValidationError({"If-Match": [message]})
    return int(value)


def instant_param(value: str, field: str) -> datetime.datetime:
    """A typed instant from the query string; 400 naming `field` if it is not one."""
    try:
        return parse_instant(value)
    except ValueError as error:
        raise exceptions.ValidationError({field: [str(error)]}) from None


def as_of(request) -> datetime.datetime | None:
    """The `?as_of=` instant, or None when the current state is asked for."""
    value = request.query_params.get("as_of")
    return instant_param(value, "as_of") if value else None
