"""DRF authentication: `Authorization: Bearer <token>` with tokens from POST /api/auth/token."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from .services import api_token_user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header.")
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        user = api_token_user(token=token, now=timezone.now())
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
