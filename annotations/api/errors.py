"""API errors: every refused request gets a 4xx with a JSON body naming the field and the reason.

One exception mapping (`exception_handler`) turns the domain's errors into their 4xx, and one
vocabulary documents them in the OpenAPI schema: `error_responses(409, 412)` in an
`extend_schema(responses={200: X, **error_responses(409)})`. The codes every operation can answer
(400, 403, 404, 413, 415) are added by `annotations.api.schema.ContractSchema` without a line.
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.availability import is_database_unavailable, retry_after, unavailable_body

from ..anchoring import SelectorError
from ..exceptions import DomainConflict, NotAllowed, StaleVersion, TaskQueueUnavailable
from ..fetching.policy import Refused


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy("Send If-Match with the ETag of the version you are changing.")
    default_code = "precondition_required"


class ErrorSerializer(serializers.Serializer):
    """A refusal: `detail` says why; some carry more keys naming what is in the way
    (409: `field`, `status`, `claim_ids`...)."""

    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """Bad input (400): each key is a field of the request (`title`, `evidence[0].url`, `If-Match`,
    a query parameter) with its messages; `non_field_errors` for the request as a whole, `detail`
    when the body could not be read at all."""

    detail = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERROR_DESCRIPTIONS = {
    400: "Bad input: the body names each field and what is wrong with it.",
    401: "Not authenticated.",
    403: "Not allowed: not authenticated, or the user's role does not allow this.",
    404: "No such resource (or not visible to this user), or no such page.",
    405: "Method not allowed.",
    406: "The Accept header asks for a type this endpoint cannot give.",
    409: "Valid, but in conflict with the current state of the resource.",
    410: "Gone: the resource existed but its content has expired.",
    412: "If-Match names a version that is no longer current; nothing was saved.",
    413: "The request body is too large.",
    415: "The request body's media type is not accepted here.",
    428: "If-Match is required to change this resource.",
    429: "Too many requests (or too many failed logins): wait and retry.",
}


def error_responses(*codes: int, **serializers_by_code) -> dict:
    """`responses` entries for extend_schema documenting error codes with the error shape.

    `error_responses(409, 428)` -> {409: OpenApiResponse(ErrorSerializer, ...), 428: ...};
    400 gets ValidationErrorSerializer; pass `_412=MySerializer` to give a code its own shape.
    """
    responses = {}
    for code in codes:
        default = ValidationErrorSerializer if code == status.HTTP_400_BAD_REQUEST else ErrorSerializer
        shape = serializers_by_code.get(f"_{code}", default)
        responses[code] = OpenApiResponse(shape, description=ERROR_DESCRIPTIONS.get(code, ""))
    return responses


def exception_handler(exc, context):
    """DRF's handler, plus the domain errors raised by services, mapped to their 4xx, and an unreachable
    database or task broker to 503 with Retry-After (factcheck.availability): the one place they are
    translated (views do not catch them)."""
    view = context.get("view")
    if isinstance(exc, StaleVersion) and hasattr(view, "stale"):
        # 412 with the current state and its ETag, as the view represents it.
        return view.stale(exc.annotation.pk, exc.based_on)
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
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        # Django raises these where the body is parsed (DRF's form parsers); its own answer is an HTML 400.
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
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
            {"detail": _("This resource is referenced by annotations or verdicts and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def bad_request(request, exception):
    """handler400: a request Django refuses outside a DRF view (SuspiciousOperation) is answered in JSON
    on the API; pages keep Django's page."""
    if request.path.startswith("/api/"):
        detail = str(exception) if isinstance(exception, SuspiciousOperation) else _("Bad request.")
        return JsonResponse({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


@csrf_exempt  # it changes nothing; a POST without a CSRF token must get this 404, not an HTML 403
def api_path_not_found(request, path=""):
    """The API's last route: an /api/ path that matches no other answers JSON 404 also with DEBUG on,
    where Django would otherwise show its technical 404 page instead of calling handler404."""
    return not_found(request, None)


def not_found(request, exception):
    """handler404: an API path that matches no route (`/api/v1/claims/1.5/`) is answered in JSON
    like any other API 404; pages keep Django's page."""
    if request.path.startswith("/api/"):
        detail = _("No API resource at %(path)s.") % {"path": request.path}
        return JsonResponse({"detail": detail}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
