"""POST /api/auth/token (issue) and DELETE /api/auth/token (revoke the token in use)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.accounts.services import api_token_issue, api_token_revoke, staff_authenticate
from hotel.accounts.tokens import BearerTokenAuthentication
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import StrictInputSerializer
from hotel.errors import DomainError


class InvalidCredentials(DomainError):
    status_code = 401
    code = "INVALID_CREDENTIALS"
    default_message = "Email or password is wrong, or the account is inactive."


class TokenInput(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expiresAt = serializers.DateTimeField()


class TokenView(APIView):
    # The token endpoint authenticates by the body alone: no session, so no CSRF to forge.
    authentication_classes = [BearerTokenAuthentication]
    throttle_classes: list = []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        request=TokenInput, responses={201: TokenOutput}, operation_id="auth_token_create"
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        user = staff_authenticate(
            email=data.validated_data["email"], password=data.validated_data["password"], now=now
        )
        if user is None:
            raise InvalidCredentials()
        issued = api_token_issue(user=user, now=now, label=data.validated_data.get("label", ""))
        return Response(
            {"token": issued.token, "expiresAt": issued.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_revoke")
    def delete(self, request):
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
