"""DRF authentication: `Authorization: Bearer <token>`, a staff token from POST
/api/auth/token or an integrator's API key (`hkey_…`, hotel.accounts.services.api_keys).

An API key becomes a principal here and nowhere else, and only once its request has passed
three checks, in this order: the key is live (else 401, the same answer for a malformed,
unknown, wrong or revoked key), the key's minute has a request left (else 429 with
Retry-After), and the route, (URL name, method) of the resolver's match, needs a scope the
key holds (hotel.api.scopes; else 403, also for routes no app registered). The check sits
in authentication rather than in a permission class because every DRF view authenticates
before its permissions run, whatever `permission_classes` it sets: there is no view on
which a key is a user without its scope having been checked. A view that does not list
this class does not know keys at all (the caller is anonymous there).
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from hotel.actor import API_KEY_PREFIX
from hotel.api.scopes import scope_for, scope_grants
from hotel.throttle import Throttled

from .models import ApiKey
from .services import (
    KEY_PREFIX,
    api_key_rate_reserve,
    api_key_touch,
    api_key_verify,
    api_token_user,
)


class ApiKeyUser:
    """An integrator authenticated by an API key, on one route that its scopes allow.

    It is no staff member: no role, no admin; `has_perm` answers only for the permissions
    the route's scope grants (hotel.api.scopes). Its audit name is `apikey:<keyId>` (names
    repeat; key ids do not).
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    role = None

    def __init__(self, item: ApiKey, *, scope: str):
        self.key_id = item.keyId
        self.name = item.name
        self.scopes = frozenset(item.scopes or ())
        self.scope = scope  # the scope that let this request in
        self._perms = scope_grants(scope) if scope in self.scopes else frozenset()

    def __str__(self) -> str:
        return f"API key {self.name} ({self.key_id})"

    def get_username(self) -> str:
        return f"{API_KEY_PREFIX}{self.key_id}"

    def has_perm(self, perm: str, obj=None) -> bool:
        return perm in self._perms

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(p, obj) for p in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def get_all_permissions(self, obj=None) -> set[str]:
        return set(self._perms)


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
        if token.startswith(KEY_PREFIX):
            return self._api_key(request, token), token
        user = api_token_user(token=token, now=timezone.now())
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return user, token

    def _api_key(self, request, key: str) -> ApiKeyUser:
        item = api_key_verify(key=key)
        if item is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        now = timezone.now()
        try:
            api_key_rate_reserve(key_id=item.keyId, now=now)
        except Throttled as exc:
            raise exceptions.Throttled(
                wait=exc.retry_after, detail="Too many requests with this API key."
            ) from exc
        api_key_touch(item=item, now=now)
        match = getattr(request._request, "resolver_match", None)
        scope = scope_for(match.view_name if match else None, request.method)
        if scope is None or scope not in (item.scopes or ()):
            needed = f" (it needs {scope})" if scope else ""
            raise exceptions.PermissionDenied(
                f"This API key's scopes do not cover this endpoint{needed}."
            )
        return ApiKeyUser(item, scope=scope)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
