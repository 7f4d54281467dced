"""API errors: every refused request gets a 4xx with a JSON body naming the field and the reason."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..anchoring import SelectorError
from ..exceptions import DomainConflict, NotAllowed
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
    """DRF's handler, plus the domain errors raised by services, mapped to their 4xx."""
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
