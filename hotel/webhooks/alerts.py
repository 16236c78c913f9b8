"""The managers' email when a webhook is disabled: an integration stopped receiving events
and someone must fix the receiver, then switch the webhook on again (and replay what it
missed)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from hotel.accounts.models import StaffAccount
from hotel.accounts.roles import MANAGER
from hotel.mail import email_send

from .models import WebhookSubscription


def manager_emails() -> list[str]:
    """Every active manager's address (a Scan of the staff table: a hotel's staff)."""
    condition = (StaffAccount.role == MANAGER) & (StaffAccount.isActive == True)  # noqa: E712
    return sorted(account.email for account in StaffAccount.scan(filter_condition=condition))


def webhook_disabled_email(*, webhook: WebhookSubscription, last_error: str, now: datetime) -> int:
    """Tell every manager the webhook was disabled (hotel.mail: a failed send is queued and
    retried). Returns how many were addressed."""
    recipients = manager_emails()
    for address in recipients:
        email_send(
            to=address,
            subject=f"Webhook {webhook.webhookId} disabled: its receiver failed for 24 hours",
            template="webhook_disabled",
            context={
                "webhook": webhook,
                "last_error": last_error,
                "log_url": f"{settings.HOTEL_SITE_URL}/api/webhooks/{webhook.webhookId}/deliveries",
            },
            now=now,
        )
    return len(recipients)
