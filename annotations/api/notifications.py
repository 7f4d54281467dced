"""The caller's notifications: GET /me/notifications/ (newest first, `?unread=true`) and
POST /me/notifications/read/ {"ids": [...]} or {"all": true}."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import notifications
from ..models import Notification


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    read = serializers.BooleanField()
    at = serializers.DateTimeField(source="created_at")
    claim = serializers.IntegerField(source="claim_id", allow_null=True, help_text="The claim it is about, if one")
    text = serializers.CharField(help_text="In the person's language, as plain text")


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=1000)
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notification read")

    def validate(self, data):
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": [_('Give the ids to mark read, or "all": true.')]})
        return data


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read")
    unread = serializers.IntegerField(help_text="How many remain unread")


class MyNotificationsView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []
    keyset_ordering = ("-created_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        rows = Notification.objects.filter(recipient=self.request.user)
        unread = self.request.query_params.get("unread")
        if unread is None:
            return rows
        if unread not in ("true", "false"):
            raise exceptions.ValidationError({"unread": [_("Expected true or false.")]})
        return rows.filter(read=unread == "false")


class MarkReadView(APIView):
    # JSON only: a form-encoded body with thousands of fields would stop at Django's field limit (an HTML 400).
    parser_classes = [JSONParser]

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses={200: MarkReadResultSerializer})
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications.mark_read(
            request.user, ids=data.validated_data.get("ids"), everything=data.validated_data["all"]
        )
        return Response({"marked": marked, "unread": notifications.unread_count(request.user)})
