"""The audit trail for editors: GET /events/ (keyset pages, newest first) and the same events streamed as
CSV (/events/export.csv) or JSON Lines (/events/export.jsonl), in chain order."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .. import events
from ..audit import KINDS
from .exports import JSONOnlyNegotiation
from .permissions import IsEditor

PARAMETERS = [
    OpenApiParameter("actor", OpenApiTypes.STR, description="The username of who made the decision."),
    OpenApiParameter("claim", OpenApiTypes.INT),
    OpenApiParameter("article", OpenApiTypes.INT),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=list(KINDS)),
    OpenApiParameter("date_from", OpenApiTypes.STR, description="At or after this date or instant (ISO 8601)."),
    OpenApiParameter("date_to", OpenApiTypes.STR, description="Before this instant (a bare date: through that day)."),
]


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=list(KINDS))
    actor = serializers.CharField(source="actor_name", allow_null=True, help_text="Username; null: no one signed in")
    at = serializers.DateTimeField()
    claim = serializers.IntegerField(source="claim_id", allow_null=True)
    article = serializers.IntegerField(source="article_id", allow_null=True)
    annotation = serializers.IntegerField(source="annotation_id", allow_null=True)
    data = serializers.DictField(help_text="What was decided: versions, statuses, the note, the job ...")
    address = serializers.CharField(help_text="From where: kept as FACTCHECK_AUDIT_ADDRESSES says (network or hash)")
    user_agent = serializers.CharField()
    previous_hash = serializers.CharField()
    hash = serializers.CharField(help_text="sha256 over this event and the previous hash (manage.py verify_events)")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["actor"] = data["actor"] or None
        return data


def _filters(request) -> events.EventFilters:
    try:
        return events.parse_filters(request.query_params)
    except DjangoValidationError as error:
        raise exceptions.ValidationError(error.message_dict) from None


class EventListView(generics.GenericAPIView):
    """Every decision, newest first (editors): who, what, when, from where."""

    permission_classes = [IsEditor]
    serializer_class = EventSerializer
    filter_backends = []
    keyset_ordering = events.ORDER

    @extend_schema(parameters=PARAMETERS, responses=EventSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(events.events(_filters(request)))
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class _EventExportView(APIView):
    permission_classes = [IsEditor]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation
    content_type = ""
    extension = ""
    stream = None

    def get(self, request):
        rows = type(self).stream(_filters(request))
        response = StreamingHttpResponse(rows, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="events.{self.extension}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EventCsvView(_EventExportView):
    """The selected events as CSV, streamed, oldest first; text cells neutralised as in the verdict export."""

    content_type, extension, stream = "text/csv; charset=utf-8", "csv", events.stream_csv

    @extend_schema(
        operation_id="events_export_csv", parameters=PARAMETERS, responses={(200, "text/csv"): OpenApiTypes.STR}
    )
    def get(self, request):
        return super().get(request)


class EventJsonLinesView(_EventExportView):
    """The selected events as JSON Lines, streamed, oldest first (with their hashes)."""

    content_type, extension, stream = "application/x-ndjson", "jsonl", events.stream_jsonl

    @extend_schema(
        operation_id="events_export_jsonl",
        parameters=PARAMETERS,
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR},
    )
    def get(self, request):
        return super().get(request)
