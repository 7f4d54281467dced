"""Discussion: GET|POST /claims/{id}/comments/, PATCH|DELETE /comments/{id}/, GET /comments/{id}/revisions/,
and GET /people/?prefix= for @mention autocomplete. Who reads what: annotations.comments."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from .. import comments, roles
from ..models import Claim, Comment, CommentRevision
from .permissions import IsReviewer


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    version = serializers.IntegerField(source="version_id", allow_null=True, help_text="Verdict version discussed")
    author = serializers.CharField(source="author.username")
    body = serializers.CharField(help_text="Markdown-lite as written; empty once deleted", allow_blank=True)
    html = serializers.CharField(
        help_text="The body rendered safely (no raw HTML); empty once deleted", allow_blank=True
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.SerializerMethodField()

    def get_deleted(self, comment) -> bool:
        return comment.deleted_at is not None


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=comments.MAX_BODY, help_text="Markdown-lite; @username mentions")
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text="The comment replied to")
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The id of a verdict version this comment is about"
    )


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=comments.MAX_BODY)


class CommentRevisionSerializer(serializers.Serializer):
    body = serializers.CharField()
    written_at = serializers.DateTimeField()
    replaced_at = serializers.DateTimeField()
    replaced_by = serializers.CharField(source="replaced_by.username", allow_null=True, default=None)


class ClaimCommentsView(generics.GenericAPIView):
    """A claim's discussion, oldest first (replies name their `parent`); blind review applies."""

    # JSON only: a form-encoded body with thousands of fields would stop at Django's field limit (an HTML 400).
    parser_classes = [JSONParser]

    serializer_class = CommentSerializer
    permission_classes = [IsReviewer]
    filter_backends = []
    keyset_ordering = ("created_at", "id")

    @extend_schema(
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, description="Only comments on this verdict version")],
        responses=CommentSerializer(many=True),
    )
    def get(self, request, claim_pk: int):
        claim = get_object_or_404(Claim, pk=claim_pk)
        rows = comments.visible_comments(request.user, claim).select_related("author")
        version = request.query_params.get("version")
        if version is not None:
            if not version.isdigit():
                raise exceptions.ValidationError({"version": [_("Expected a verdict version id.")]})
            rows = rows.filter(version_id=int(version))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request, claim_pk: int):
        claim = get_object_or_404(Claim, pk=claim_pk)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comments.add_comment(claim, author=request.user, **data.validated_data)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(generics.GenericAPIView):
    """The author edits a comment (its history is kept); editors delete it as a tombstone."""

    # JSON only: a form-encoded body with thousands of fields would stop at Django's field limit (an HTML 400).
    parser_classes = [JSONParser]

    serializer_class = CommentSerializer
    permission_classes = [IsReviewer]

    def _comment(self, pk) -> Comment:
        return get_object_or_404(comments.visible_comments(self.request.user).select_related("author"), pk=pk)

    @extend_schema(request=CommentEditSerializer, responses={200: CommentSerializer})
    def patch(self, request, pk: int):
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comments.edit_comment(self._comment(pk), actor=request.user, body=data.validated_data["body"])
        return Response(CommentSerializer(comment).data)

    @extend_schema(responses={200: CommentSerializer})
    def delete(self, request, pk: int):
        comment = comments.delete_comment(self._comment(pk), actor=request.user)
        return Response(CommentSerializer(comment).data)


class CommentRevisionsView(generics.ListAPIView):
    """A comment's earlier texts (the author and editors): what it said before each edit or its deletion."""

    serializer_class = CommentRevisionSerializer
    permission_classes = [IsReviewer]
    filter_backends = []
    keyset_ordering = ("replaced_at", "id")

    def get_queryset(self):
        comment = get_object_or_404(comments.visible_comments(self.request.user), pk=self.kwargs["pk"])
        if comment.author_id != self.request.user.pk and not roles.is_editor(self.request.user):
            raise exceptions.PermissionDenied(_("Only the author and editors read a comment's history."))
        return CommentRevision.objects.filter(comment=comment).select_related("replaced_by")


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()


class PeopleView(generics.ListAPIView):
    """Desk members (reviewers and editors) whose username starts with `prefix`: @mention autocomplete."""

    serializer_class = PersonSerializer
    permission_classes = [IsReviewer]
    filter_backends = []
    keyset_ordering = ("username", "id")

    @extend_schema(parameters=[OpenApiParameter("prefix", OpenApiTypes.STR, description="The start of a username")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        prefix = self.request.query_params.get("prefix", "")
        User = get_user_model()
        in_desk = User.groups.through.objects.filter(
            user_id=OuterRef("pk"), group__name__in=[roles.REVIEWER, roles.EDITOR]
        )
        members = User.objects.filter(is_active=True, username__istartswith=prefix)
        return members.filter(Q(is_superuser=True) | Exists(in_desk))
