"""API errors: every refused request gets a 4xx with a JSON body naming the field and the reason."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.availability import is_database_unavailable, retry_after, unavailable_body

from ..anchoring import SelectorError
from ..exceptions import DomainConflict, NotAllowed, TaskQueueUnavailable
from ..fetching.policy import Refused


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag of the version you are changing."
    default_code = "precondition_required"


def exception_handler(exc, context):
    """DRF's handler, plus the domain errors raised by services, mapped to their 4xx; an unreachable
    database or task broker to 503 with Retry-After (factcheck.availability)."""
    if isinstance(exc, TaskQueueUnavailable):
        return Response(
            {"detail": str(exc), "retry_after": retry_after()},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(retry_after())},
        )
    if is_database_unavailable(exc):
        return Response(
            unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(retry_after()), "Cache-Control": "no-store"},
        )
    if isinstance(exc, Refused):
        exc = exceptions.ValidationError({"url": [str(exc)]})
    elif isinstance(exc, SelectorError):
        exc = exceptions.ValidationError({exc.field: [exc.message]})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DomainConflict):
        return Response({"detail": exc.message, **exc.details}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": "This resource is referenced by annotations or verdicts and cannot be deleted."},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest) -> JsonResponse:
    """A path under /api/v1/ that names no resource."""
    return JsonResponse({"detail": f"No API resource at {request.path}."}, status=404)
