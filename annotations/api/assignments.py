"""Assignments: POST /assignments/ (editors assign claims or an article's claims to reviewers), GET
/assignments/?reviewer=&claim=, DELETE /assignments/{id}/, and the caller's own: GET /me/assignments/."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import assignments, selectors
from ..models import Annotation, Assignment
from .permissions import IsEditor, IsReviewer


class AssignInputSerializer(serializers.Serializer):
    claims = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=assignments.MAX_CLAIMS,
        help_text=f"Claim ids (at most {assignments.MAX_CLAIMS:,}); or give `article`.",
    )  # fmt: skip
    article = serializers.IntegerField(min_value=1, required=False, help_text="Every claim of this article.")
    reviewers = serializers.ListField(
        child=serializers.CharField(max_length=150), min_length=1, max_length=assignments.MAX_REVIEWERS,
        help_text="Usernames of reviewers (or editors).",
    )  # fmt: skip
    due = serializers.DateTimeField(required=False, allow_null=True, help_text="Optional due time, with its offset.")
    replace = serializers.BooleanField(
        required=False, default=False, help_text="Reassign: take the claims away from everyone else."
    )

    def validate(self, data):
        if ("claims" in data) == ("article" in data):
            raise serializers.ValidationError({"claims": [_("Give either `claims` (ids) or `article` (an id).")]})
        return data


class AssignResultSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Claim-reviewer pairs assigned (new, or with a new due time)")
    created = serializers.IntegerField(help_text="Of which new")
    removed = serializers.IntegerField(help_text="Others' assignments removed (with `replace`)")


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    article = serializers.IntegerField(source="claim.article_id")
    claim_text = serializers.CharField(source="claim.exact")
    reviewer = serializers.CharField(source="reviewer.username")
    assigned_by = serializers.CharField(source="assigned_by.username", allow_null=True, default=None)
    due = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    done = serializers.BooleanField(help_text="The reviewer's annotation stands submitted or approved")
    overdue = serializers.BooleanField(help_text="Not done, and the due time has passed")
    status = serializers.ChoiceField(
        choices=[("", "not started"), *Annotation.Status.choices], source="annotation_status",
        help_text="The reviewer's annotation's review status; empty when not started",
    )  # fmt: skip


class AssignmentFilter(filters.FilterSet):
    reviewer = filters.CharFilter(field_name="reviewer__username", help_text="A reviewer's username")
    claim = filters.NumberFilter(field_name="claim_id", help_text="A claim id")

    class Meta:
        model = Assignment
        fields = ["reviewer", "claim"]


class AssignmentListView(generics.ListAPIView):
    """Editors: every assignment, filtered by reviewer or claim; POST assigns (one transaction)."""

    # JSON only: a form-encoded body with thousands of fields would stop at Django's field limit (an HTML 400).
    parser_classes = [JSONParser]

    serializer_class = AssignmentSerializer
    permission_classes = [IsEditor]
    filterset_class = AssignmentFilter
    keyset_ordering = ("id",)

    def get_queryset(self):
        return selectors.assignments()

    @extend_schema(request=AssignInputSerializer, responses={201: AssignResultSerializer})
    def post(self, request):
        data = AssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = assignments.assign(actor=request.user, **data.validated_data)
        return Response(AssignResultSerializer(result).data, status=status.HTTP_201_CREATED)


class AssignmentDetailView(APIView):
    """Editors unassign."""

    permission_classes = [IsEditor]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        assignments.unassign(get_object_or_404(Assignment, pk=pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyAssignmentsView(generics.ListAPIView):
    """The caller's assignments by due time (soonest first, undated last), with each one's status."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsReviewer]
    filter_backends = []
    keyset_ordering = ("due_key", "id")

    def get_queryset(self):
        return selectors.assignments().filter(reviewer=self.request.user)
