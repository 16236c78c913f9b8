"""System checks: a broken cancellation policy fails at startup, not at a guest's request."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .cancellation import InvalidPolicy, parse_policy


@register()
def cancellation_policy_check(app_configs=None, **kwargs):
    try:
        parse_policy(settings.HOTEL_CANCELLATION_POLICY)
    except InvalidPolicy as exc:
        return [
            Error(
                f"HOTEL_CANCELLATION_POLICY is not valid: {exc}",
                hint='Use DAYS:PERCENT rules separated by commas, e.g. "7:100,2:50,0:0".',
                id="payments.E001",
            )
        ]
    return []
