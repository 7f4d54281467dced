"""Keyset (cursor) pagination for every API list (factcheck.lib.keyset): deep pages cost what the first costs.

A view names its order with `keyset_ordering` (or `get_keyset_ordering()`), non-null fields
ending with a unique one; e.g. `("-created_at", "-id")`, or a ranked search's `("-rank", "id")`.
Responses are `{"next", "previous", "results"}`: no total, since counting every row is the scan
this avoids. `page_size` is bounded (1 to 200).
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from factcheck.lib import keyset

PAGE_SIZE = api_settings.PAGE_SIZE or 50
MAX_PAGE_SIZE = 200


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    default_ordering = ("id",)

    def paginate_queryset(self, queryset, request, view=None):
        ordering = self.ordering(view)
        return self._paginate(request, lambda cursor, size: keyset.page(queryset, ordering, cursor=cursor, size=size))

    def paginate_keys(self, keys: list[tuple], ordering: tuple[str, ...], *, fetch, request, identity: int = 1):
        """A page of rows whose ordering values are known beforehand (keyset.page_of_keys: a ranked search)."""
        return self._paginate(
            request,
            lambda cursor, size: keyset.page_of_keys(
                keys, ordering, cursor=cursor, size=size, fetch=fetch, identity=identity
            ),
        )

    def _paginate(self, request, read):
        self.request = request
        try:
            self.page = read(request.query_params.get(self.cursor_query_param), self.size(request))
        except keyset.InvalidCursor:
            raise ValidationError(
                {self.cursor_query_param: [_("Invalid cursor; follow the `next` or `previous` link of a list.")]}
            ) from None
        return self.page.rows

    def get_paginated_response(self, data):
        return Response({"next": self._link(self.page.next_cursor), "previous": self._link(self.page.previous_cursor),
                         "results": data})  # fmt: skip

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def ordering(self, view) -> tuple[str, ...]:
        if view is not None and hasattr(view, "get_keyset_ordering"):
            return tuple(view.get_keyset_ordering())
        return tuple(getattr(view, "keyset_ordering", self.default_ordering))

    def size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            message = _("Expected a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page (a `cursor` link), or null on the last page."},
                "previous": {**link, "description": "The page before (a `cursor` link), or null on the first page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset cursor, from a `next` or `previous` link (opaque). This list pages by "
                f"cursor in the order ({', '.join(self.ordering(view))}); no page numbers, no total.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
            },
        ]
