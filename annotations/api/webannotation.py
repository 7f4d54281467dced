"""API for the Web Annotation export served as a paged W3C AnnotationCollection (streamed pages)."""

from django.db import connection
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from ..exports import jobs, slots, webannotation
from ..exports.csv import Progress
from ..exports.query import count_rows, parse_filters, restrict_for
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

MAX_PAGE = 1_000_000


def _page(value) -> int:
    text = str(value or "1").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise serializers.ValidationError({"page": [f"Expected a page number from 1 to {MAX_PAGE}."]})
    return int(text)


class WebAnnotationPageView(APIView):
    """The verdicts as a W3C AnnotationCollection, served in pages of PAGE_SIZE annotations, streamed.

    Page 1 is the collection (`id`, `total`) with the first AnnotationPage embedded; `next` links to
    `?page=2` and so on, each an AnnotationPage with `partOf`, `startIndex`, `prev` and `next`. A page
    past the last one is 404. Page N reads past the N-1 pages before it (OFFSET): for a whole large
    export, an export job writes every annotation into one file.
    """

    permission_classes = [HasRole]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        operation_id="exports_webannotation",
        parameters=[
            *[p for p in FILTER_PARAMETERS if p.name not in ("bom", "excel")],
            OpenApiParameter(
                "page", int, description=f"1 (the collection, default) or a later page of {webannotation.PAGE_SIZE}."
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
        page = _page(params.get("page"))
        filters = restrict_for(request.user, parse_filters(params, as_of=params.get("as_of")))
        if page > 1 and (page - 1) * webannotation.PAGE_SIZE >= count_rows(filters, connection):
            raise NotFound({"detail": f"There is no page {page}: the collection ends before it.", "field": "page"})
        slot = slots.acquire_slot(connection)
        if slot is None:
            return exports_busy_response(request)
        base_url = request.build_absolute_uri(request.path)
        pieces = webannotation.webannotation_text(
            filters, connection=connection, progress=Progress(), page=page, base_url=base_url
        )
        blocks = slots.holding_slot((piece.encode() for piece in pieces), connection, slot)
        response = StreamingHttpResponse(blocks, content_type=jobs.FILE_TYPES[ExportJob.Format.WEBANNOTATION][1])
        filename = filename_for(ExportJob.Format.WEBANNOTATION, "jsonld", filters.params)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
