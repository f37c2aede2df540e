"""API for accounts: tokens and the current user."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User


class InvalidCredentials(APIException):
    """One answer for an unknown user and a wrong password alike: no account enumeration."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Unable to log in with those credentials.")
    default_code = "invalid_credentials"


class AccountLocked(APIException):
    """Too many wrong passwords for the account (or from the address): try later or reset."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_login_attempts"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        required=False, help_text=_("Username or email address."), max_length=254
    )
    email = serializers.EmailField(required=False)
    password = serializers.CharField(style={"input_type": "password"}, max_length=4096)

    def validate(self, attrs):
        login = attrs.get("username") or attrs.get("email")
        if not login:
            raise serializers.ValidationError({"username": [_("Give a username or an email.")]})
        # allauth's adapter counts failures against the same per-account and per-address budget
        # as the login form ("login_failed"), so the API is no way round the form's lockout.
        request = self.context["request"]
        credentials = {"email" if "@" in login else "username": login}
        try:
            user = get_adapter(request._request).authenticate(
                request._request, **credentials, password=attrs["password"]
            )
        except DjangoValidationError as error:
            raise AccountLocked(error.messages[0]) from error
        if user is None or not user.is_active:
            raise InvalidCredentials
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "display_name", "name", "role"]
        read_only_fields = fields


class TokenView(APIView):
    """Exchange a username (or email) and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "token"

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request, version=None):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class MeView(APIView):
    """The authenticated user."""

    @extend_schema(responses=MeSerializer)
    def get(self, request, version=None):
        return Response(MeSerializer(request.user).data)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
]
