"""Each subscription's secret, and the Hotel-Signature header that proves a delivery is ours.

The secret is shown once, at creation, and must still sign every later delivery. It is not
stored at all: it is derived, HMAC-SHA256 keyed with the settings' SECRET_KEY over the
subscription's id and a random salt kept on its item. A copy of the table (a backup, an
export, a stolen credential that can only read DynamoDB) therefore holds nothing that signs;
storing it encrypted would have needed a key of its own next to SECRET_KEY and bought no
more. Rotating DJANGO_SECRET_KEY keeps every secret as long as the old key stays in
DJANGO_SECRET_KEY_FALLBACKS: the item's `keyId` (a fingerprint of the key that derived it)
picks the key. A new salt (a secret rotation) gives a new secret from the current key.

    Hotel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

keyed with the secret exactly as shown (its UTF-8 bytes, `whsec_` included). The receiver
recomputes it over the raw body and compares in constant time (README, "Webhooks").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

SIGNATURE_HEADER = "Hotel-Signature"
SECRET_PREFIX = "whsec_"
_SECRET_SALT = "hotel.webhooks.secret"
_KEY_ID_SALT = "hotel.webhooks.key-id"


class SigningKeyGone(Exception):
    """The key that derived a subscription's secret is neither SECRET_KEY nor a fallback."""


def new_salt() -> str:
    return secrets.token_hex(16)


def key_id(key: str) -> str:
    """A fingerprint of a SECRET_KEY (which key derived a secret), useless for signing."""
    return salted_hmac(_KEY_ID_SALT, "key", secret=key, algorithm="sha256").hexdigest()[:16]


def current_key_id() -> str:
    return key_id(settings.SECRET_KEY)


def webhook_secret(*, webhook_id: str, salt: str, key: str) -> str:
    """The subscription's secret, from the key whose fingerprint is `key`. Raises
    SigningKeyGone when no configured key has it (the old key left the fallbacks)."""
    for candidate in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if key_id(candidate) == key:
            mac = salted_hmac(
                _SECRET_SALT, f"{webhook_id}:{salt}", secret=candidate, algorithm="sha256"
            )
            return SECRET_PREFIX + mac.hexdigest()
    raise SigningKeyGone(
        "The key that made this webhook's secret is no longer configured: rotate its secret."
    )


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    """The Hotel-Signature value for `body` sent at `timestamp` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
