"""API for the Web Annotation export served as a paged W3C AnnotationCollection (streamed pages)."""

from django.db import connection
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from ..exports import jobs, slots, webannotation
from ..exports.csv import Progress
from ..exports.filters import parse_filters, restrict_for
from ..models import ExportJob
from .errors import error_responses
from .exports import (
    FILTER_PARAMETERS,
    ExportsBusySerializer,
    JSONOnlyNegotiation,
    exports_busy_response,
    filename_for,
)
from .permissions import HasRole


def _cursor(filters, value) -> webannotation.PageCursor | None:
    """None for the collection (no `page`, or 1), else the cursor of a `next`/`prev` link (400 if not one)."""
    text = str(value or "1").strip()
    if text == "1":
        return None
    try:
        return webannotation.decode_page(filters, text)
    except webannotation.InvalidPage as error:
        raise serializers.ValidationError({"page": [str(error)]}) from None


class WebAnnotationPageView(APIView):
    """The verdicts as a W3C AnnotationCollection, served in pages of PAGE_SIZE annotations, streamed.

    Page 1 (no `page`) is the collection (`id`, `total`) with the first AnnotationPage embedded; its
    `next` links to the following AnnotationPage (`partOf`, `startIndex`, `prev`, `next`), and so on.
    Those links carry keyset cursors (`?page=<opaque>`, signed: the edge row's place in the export
    order, the direction, the startIndex, and the filters' digest), so any page is one index range
    scan from its edge: the same cost deep in the collection as at its start, and pages never shift
    while rows are added. Only the collection counts its `total`. A `page` that is not such a link,
    or a link of the collection with other filters, is 400; a page whose rows are all gone is 404.
    For a whole large export, an export job writes every annotation into one file.
    """

    permission_classes = [HasRole]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        operation_id="exports_webannotation",
        parameters=[
            *[p for p in FILTER_PARAMETERS if p.name not in ("bom", "excel")],
            OpenApiParameter(
                "page",
                str,
                description=f"1 (the collection with its first page, default), or the opaque cursor of a `next` or "
                f"`prev` link: another page of up to {webannotation.PAGE_SIZE} annotations. Cursors are tied to "
                "the filters: a link followed with other filters is 400.",
            ),
        ],
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            **error_responses(404),
            429: OpenApiResponse(ExportsBusySerializer, description="Too many streamed exports at once."),
        },
    )
    def get(self, request):
        params = request.query_params
        filters = restrict_for(request.user, parse_filters(params, as_of=params.get("as_of")))
        cursor = _cursor(filters, params.get("page"))
        slot = slots.acquire_slot(connection)
        if slot is None:
            return exports_busy_response(request)
        try:
            page = webannotation.read_page(filters, connection, cursor)
        except BaseException:
            slots.release_slot(connection, slot)
            raise
        if not page.rows and cursor is not None:
            slots.release_slot(connection, slot)
            raise NotFound({"detail": _("There is no such page: no annotations are left beside it."), "field": "page"})
        base_url = request.build_absolute_uri(request.path)
        pieces = webannotation.webannotation_text(
            filters,
            connection=connection,
            progress=Progress(),
            page=page,
            page_value=params.get("page") if cursor is not None else 1,
            base_url=base_url,
        )
        blocks = slots.holding_slot((piece.encode() for piece in pieces), connection, slot)
        response = StreamingHttpResponse(blocks, content_type=jobs.FILE_TYPES[ExportJob.Format.WEBANNOTATION][1])
        filename = filename_for(ExportJob.Format.WEBANNOTATION, "jsonld", filters.params)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
