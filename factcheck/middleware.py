"""Request guards that apply before any view runs."""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from factcheck.localformat import format_number


class ApiBodyLimitMiddleware:
    """A request body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 with a JSON reason on every API path.

    Django itself would answer 400 in plain text (RequestDataTooBig), and only when a view reads
    `request.body`; DRF's parsers read the stream and would not check at all. The declared length is
    checked before anything is read, so an oversized body costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return JsonResponse({"detail": gettext("The Content-Length header is not a number.")}, status=400)
            if length > limit:
                return JsonResponse(
                    {
                        "detail": gettext("The request body is %(length)s bytes; the limit is %(limit)s bytes.")
                        % {"length": format_number(length), "limit": format_number(limit)},
                        "limit_bytes": limit,
                    },
                    status=413,
                )
        return self.get_response(request)


class QueryStringGuardMiddleware:
    """A query string the application cannot use is refused once, here, before any view reads it.

    A NUL character in a parameter's name or value reaches PostgreSQL as a text parameter, which it
    refuses ("A string literal cannot contain NUL"): every page and API list that filters on the
    parameter answered 500. More parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS make Django raise
    TooManyFieldsSent where the query string is first read. Both get 400 naming the parameter: JSON
    on /api/, a page elsewhere. It runs after authentication, so the page has the site's layout.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        try:
            params = request.GET
        except TooManyFieldsSent:
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            message = gettext("The query string has more than %(limit)s parameters.") % {"limit": limit}
            return refuse(request, message)
        for name, values in params.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\x00")
                message = gettext("The query parameter %(name)s contains a NUL character (%%00).") % {"name": shown}
                return refuse(request, message, field=shown)
        return self.get_response(request)


def refuse(request: HttpRequest, message: str, *, field: str | None = None, status: int = 400):
    """A 4xx for a request that cannot be served as sent: JSON naming the field on the API, a page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"detail": message}
        if field is not None:
            body[field] = [message]
        return JsonResponse(body, status=status)
    return render(request, "bad_request.html", {"message": message}, status=status)
