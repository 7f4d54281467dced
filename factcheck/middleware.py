"""Request guards that apply before any view runs."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse


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
                return JsonResponse({"detail": "The Content-Length header is not a number."}, status=400)
            if length > limit:
                return JsonResponse(
                    {
                        "detail": f"The request body is {length:,} bytes; the limit is {limit:,} bytes.",
                        "limit_bytes": limit,
                    },
                    status=413,
                )
        return self.get_response(request)
