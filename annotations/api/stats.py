"""API for the desk's figures (editors): GET /api/v1/stats/. The figures come from annotations.desk."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..desk import figures as stats
from .permissions import IsEditor


class StatsRangeSerializer(serializers.Serializer):
    date_from = serializers.DateField(help_text="First UTC day counted")
    date_to = serializers.DateField(help_text="Last UTC day counted (inclusive)")
    days = serializers.IntegerField()
    language = serializers.CharField(allow_null=True)
    article = serializers.IntegerField(allow_null=True)


class VerdictCountSerializer(serializers.Serializer):
    verdict = serializers.CharField(help_text="Key on the rating scale")
    label = serializers.CharField()
    colour = serializers.CharField()
    count = serializers.IntegerField(help_text="Claims whose standing published verdict was published in the range")


class ReviewerWorkSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="Username")
    annotations = serializers.IntegerField(help_text="Annotations started in the range")
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    assigned = serializers.IntegerField(help_text="Claims assigned to them (now)")
    open = serializers.IntegerField(help_text="Of which not yet submitted (now)")
    overdue = serializers.IntegerField(help_text="Of which past their due time (now)")


class DayThroughputSerializer(serializers.Serializer):
    date = serializers.DateField()
    annotated = serializers.IntegerField(help_text="Annotations started that day")
    published = serializers.IntegerField(help_text="Approvals made that day")


class AgreementSummarySerializer(serializers.Serializer):
    basis = serializers.CharField(
        help_text="What agreement is computed on: first_submissions, each reviewer's first submitted verdict"
    )
    alpha = serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha, nominal; null when undefined")
    claims = serializers.IntegerField(help_text="Claims with two or more submitted annotations compared")
    annotations = serializers.IntegerField()


class BacklogSerializer(serializers.Serializer):
    unannotated_claims = serializers.IntegerField(help_text="Claims nobody has annotated, not even a draft (now)")
    drafts_never_submitted = serializers.IntegerField(help_text="Annotations still in draft, never submitted (now)")
    claims_needing_review = serializers.IntegerField(
        help_text="Claims a revision orphaned or moved by similarity, for a person to check (now)"
    )
    overdue_assignments = serializers.IntegerField(help_text="Assigned claims not submitted by their due time (now)")
    waiting = serializers.IntegerField(help_text="Annotations submitted and waiting for an editor (now)")
    oldest_waiting_since = serializers.DateTimeField(allow_null=True)
    oldest_waiting_age_seconds = serializers.IntegerField(allow_null=True)


class StatsTotalsSerializer(serializers.Serializer):
    published = serializers.IntegerField()
    annotated = serializers.IntegerField()
    approved = serializers.IntegerField()


class DeskStatsSerializer(serializers.Serializer):
    range = StatsRangeSerializer(source="filters")
    verdicts = VerdictCountSerializer(many=True)
    reviewers = ReviewerWorkSerializer(many=True)
    daily = DayThroughputSerializer(many=True)
    agreement = AgreementSummarySerializer()
    backlog = BacklogSerializer()
    totals = StatsTotalsSerializer()


class StatsErrorSerializer(serializers.Serializer):
    date_from = serializers.ListField(child=serializers.CharField(), required=False)
    date_to = serializers.ListField(child=serializers.CharField(), required=False)
    language = serializers.ListField(child=serializers.CharField(), required=False)
    article = serializers.ListField(child=serializers.CharField(), required=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


_DATE_HELP = "A date (YYYY-MM-DD) or an ISO 8601 instant; counted by UTC day, inclusive."


class StatsView(APIView):
    """The desk at a glance: published verdicts, reviewers' work, daily throughput, agreement, backlog."""

    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "date_from", OpenApiTypes.STR, description=f"{_DATE_HELP} Default: 29 days before date_to."
            ),
            OpenApiParameter("date_to", OpenApiTypes.STR, description=f"{_DATE_HELP} Default: today."),
            OpenApiParameter("language", OpenApiTypes.STR, description="Articles in this language (BCP 47)"),
            OpenApiParameter("article", OpenApiTypes.INT, description="One article"),
        ],
        responses={
            200: DeskStatsSerializer,
            400: OpenApiResponse(StatsErrorSerializer, description="A filter is malformed; the body names it"),
            401: OpenApiResponse(DetailSerializer, description="Not logged in (token clients)"),
            403: OpenApiResponse(DetailSerializer, description="Not an editor, or not logged in (session)"),
        },
        description=f"Figures by UTC day over at most {stats.MAX_DAYS} days; the backlog is the state now.",
    )
    def get(self, request):
        figures = stats.desk_stats(stats.parse_filters(request.query_params))
        return Response(DeskStatsSerializer(figures).data)
