"""The calling person: GET/PATCH /api/v1/me/ (username, roles, interface language, email notifications)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import people, roles


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username", read_only=True)
    roles = serializers.SerializerMethodField()
    language = serializers.ChoiceField(
        choices=[("", "Follow the browser"), *settings.LANGUAGES],
        allow_blank=True,
        required=False,
        help_text="Interface language; empty: the browser's Accept-Language, then the desk's default.",
    )
    email_notifications = serializers.BooleanField(required=False, help_text="Also send notifications by email.")

    def get_roles(self, profile) -> list[str]:
        user = profile.user
        names = roles.role_names(user)
        if user.is_superuser:
            names = {*names, roles.EDITOR}
        return sorted(names)


class MeView(APIView):
    """The calling person's account and preferences."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(people.profile_of(request.user)).data)

    @extend_schema(request=MeSerializer, responses={200: MeSerializer})
    def patch(self, request):
        changes = MeSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        profile = people.update_profile(request.user, **changes.validated_data)
        return Response(MeSerializer(profile).data)
