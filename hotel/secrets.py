"""Secrets from AWS Secrets Manager, read once at cold start (before the settings use them).

`HOTEL_SECRETS_ID` names one secret (name or ARN) whose value is a JSON object of
environment variables, e.g. `{"DJANGO_SECRET_KEY": "…", "STRIPE_SECRET_KEY": "sk_live_…",
"STRIPE_WEBHOOK_SECRET": "whsec_…"}`. Variables already set in the environment win, so a
stage can still override one value. Nothing is logged about the values. Only settings.py
calls this; the secret never touches the repository or the Lambda package.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping

from django.core.exceptions import ImproperlyConfigured


def secrets_load(
    secret_id: str, *, environ: MutableMapping[str, str] | None = None, client=None
) -> list[str]:
    """Copy the secret's keys into `environ` (default os.environ) where unset; return the names.

    Raises ImproperlyConfigured when the secret cannot be read or is not a JSON object of
    strings: a function without its secrets must not start half-configured.
    """
    environ = os.environ if environ is None else environ
    if client is None:
        import botocore.session  # not boto3: a cold start need not import it (and s3transfer)

        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        client = botocore.session.get_session().create_client("secretsmanager", region_name=region)
    try:
        raw = client.get_secret_value(SecretId=secret_id)["SecretString"]
        values = json.loads(raw)
    except Exception as exc:  # noqa: BLE001 - any failure: missing, denied, not JSON
        raise ImproperlyConfigured(
            f"Could not read the secret {secret_id!r} ({type(exc).__name__})."
        ) from None
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in values.items()
    ):
        raise ImproperlyConfigured(f"The secret {secret_id!r} must be a JSON object of strings.")
    loaded = []
    for name, value in values.items():
        if name not in environ:
            environ[name] = value
            loaded.append(name)
    return loaded
