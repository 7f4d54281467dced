"""API tokens for scripts: log in with a username and password, log out by revoking the token.

Tokens are django-rest-knox tokens: only their hash is stored, each expires (`FACTCHECK_TOKEN_TTL_HOURS`).
Wrong passwords count towards django-axes' lockout, the same counter the login page uses: the
credentials are checked against the Django request, so the lockout flag reaches `AxesMiddleware`,
which answers a locked-out attempt with `lockout.lockout_response` (429, JSON on the API).
"""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.lockout import last_attempt_warning


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. Shown once, stored hashed.")
    expires = serializers.DateTimeField(help_text="After this instant the token is refused with 401.")


class LockedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_after_seconds = serializers.IntegerField()


class TokenView(APIView):
    """Exchange a username and password for an expiring API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Missing field, or the username and password do not match."),
            429: OpenApiResponse(
                LockedOutSerializer, description="Too many wrong passwords: the account is locked for a while."
            ),
        },
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request._request, **credentials.validated_data)
        if user is None or not user.is_active:
            message = _("The username and password do not match an active account.")
            warning = last_attempt_warning(request._request, credentials.validated_data["username"])
            raise ValidationError({"non_field_errors": [f"{message} {warning}".strip()]})
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenSerializer({"token": token, "expires": instance.expiry}).data)


class LogoutView(APIView):
    """Revoke the token this request was made with; other tokens of the user stay valid."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: OpenApiResponse(description="No valid token.")})
    def post(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
