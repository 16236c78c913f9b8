"""Payment providers behind one small interface (see base.py), chosen by
`settings.HOTEL_PAYMENT_PROVIDER` the way Django chooses a SESSION_ENGINE."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import PaymentProvider, ProviderResult, RefundResult, WebhookEvent

__all__ = ["PaymentProvider", "ProviderResult", "RefundResult", "WebhookEvent", "get_provider"]


@cache
def get_provider() -> PaymentProvider:
    """The configured provider (built once per process)."""
    return import_string(settings.HOTEL_PAYMENT_PROVIDER)()


@receiver(setting_changed)
def _forget_provider(*, setting: str, **_kwargs) -> None:
    if setting == "HOTEL_PAYMENT_PROVIDER" or setting.startswith("STRIPE_"):
        get_provider.cache_clear()
