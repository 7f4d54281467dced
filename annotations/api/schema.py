"""The OpenAPI schema class: every operation documents the errors any DRF view can answer.

An endpoint documents its own answers and its particular errors (409, 410, 412, 428, 429) with
`extend_schema(responses={200: X, **error_responses(409)})`; the ones that follow from how the
operation is shaped are added here, so a new endpoint gets them without a line:

- 403 (and 401 when the first authentication class answers with a challenge) unless anyone may call it;
- 404 when the path names a resource, or the list is paginated (a page past the end);
- 400 when it takes a body, a header or a query parameter that is validated;
- 413 and 415 when it takes a body.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

from .errors import ErrorSerializer, ValidationErrorSerializer

# Query parameters that never refuse a request: an unknown ordering or any search text is accepted
# (a bad page number is a 404, counted with the paginated list).
_FORGIVING_PARAMETERS = {"ordering", "search", "page"}


class ContractSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._implied_error_codes(operation):
            if str(code) not in responses:
                shape = ValidationErrorSerializer if code == 400 else ErrorSerializer
                responses[str(code)] = self._get_response_for_code(
                    shape, str(code), media_types=["application/json"], direction="response"
                )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _implied_error_codes(self, operation: dict) -> list[int]:
        codes = []
        parameters = operation.get("parameters", [])
        takes_body = "requestBody" in operation
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            codes.append(403)
            authenticators = self.view.get_authenticators()
            if authenticators and authenticators[0].authenticate_header(None):
                codes.append(401)
        validated = [p for p in parameters if p["in"] != "path" and p["name"] not in _FORGIVING_PARAMETERS]
        if takes_body or validated:
            codes.append(400)
        paginated = self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        if any(p["in"] == "path" for p in parameters) or paginated:
            codes.append(404)
        if takes_body:
            codes += [413, 415]
        return codes
