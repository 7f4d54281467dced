"""The database is unreachable: answer 503 with Retry-After, not 500.

While PostgreSQL restarts or fails over, every request that touches it fails
to connect. That is an outage the client can wait out, not a bug: the API
(annotations.api.errors) and the pages (DatabaseUnavailableMiddleware, and
`server_error` for failures raised outside a view) answer 503 with a
Retry-After header and a JSON reason. With CONN_HEALTH_CHECKS on, the next
request after the database returns opens a fresh connection, so service comes
back by itself.

Only failures of the connection count: a deadlock, a serialization failure or
a constraint violation is the server answering, and stays what it is.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy
from django.views import defaults

# SQLSTATE classes meaning "no usable connection": 08 (connection exception), and the server
# shutting down or starting up (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
_UNAVAILABLE_CODES = ("57P01", "57P02", "57P03")
DETAIL = gettext_lazy("The database is unavailable for a moment; retry after the number of seconds in Retry-After.")


def is_database_unavailable(error: BaseException) -> bool:
    """True when `error` means the database could not be reached (not an error the server reported)."""
    if isinstance(error, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    code = getattr(cause, "pgcode", None)
    return code is None or code.startswith("08") or code in _UNAVAILABLE_CODES


def retry_after() -> int:
    return int(settings.FACTCHECK.get("UNAVAILABLE_RETRY_AFTER", 5))


def unavailable_body() -> dict:
    return {"detail": str(DETAIL), "retry_after": retry_after()}


def unavailable_response() -> JsonResponse:
    response = JsonResponse(unavailable_body(), status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Pages: a view that cannot reach the database answers 503 + Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return unavailable_response()
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database outage met outside any view (session, authentication) is still a 503."""
    error = sys.exc_info()[1]
    if error is not None and is_database_unavailable(error):
        return unavailable_response()
    return defaults.server_error(request, template_name)
