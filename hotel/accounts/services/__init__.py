"""Staff accounts' services: members (staff), logins (login), API tokens (api_tokens) and
integrators' API keys (api_keys).

Callers import from here; the submodules are split by concern.
"""

from ..models import normalize_email
from ..throttle import LoginLocked, login_locked_until
from .api_keys import (
    KEY_PREFIX,
    IssuedApiKey,
    api_key_create,
    api_key_get,
    api_key_rate_reserve,
    api_key_revoke,
    api_key_touch,
    api_key_verify,
    api_keys_list,
)
from .api_tokens import (
    IssuedToken,
    api_token_issue,
    api_token_revoke,
    api_token_user,
    api_tokens_revoke_all,
)
from .login import staff_authenticate
from .staff import staff_create, staff_get, staff_set_password, staff_update

__all__ = [
    "KEY_PREFIX",
    "IssuedApiKey",
    "api_key_create",
    "api_key_get",
    "api_key_rate_reserve",
    "api_key_revoke",
    "api_key_touch",
    "api_key_verify",
    "api_keys_list",
    "IssuedToken",
    "LoginLocked",
    "api_token_issue",
    "api_token_revoke",
    "api_token_user",
    "api_tokens_revoke_all",
    "login_locked_until",
    "normalize_email",
    "staff_authenticate",
    "staff_create",
    "staff_get",
    "staff_set_password",
    "staff_update",
]
