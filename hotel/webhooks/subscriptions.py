"""Webhook subscriptions: create, change, delete and read them; how their deliveries go.

Managers' writes are audited in the same transaction as the item. Every write bumps the
`webhooks` stamp, so the event handler's copy of the active subscriptions (one small Scan,
kept per process: hotel.stamps) is never stale. A create bumps it before the write too, so
the stamp exists whenever a subscription does: a hotel that never had a webhook pays one
GetItem of the stamp per domain event, and no Scan.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import Conflict, NotFound, ValidationFailed
from hotel.outbound import OutboundRefused, check_url
from hotel.stamps import stamp_bump, stamp_token, stamped

from . import types
from .alerts import webhook_disabled_email
from .models import WebhookSubscription
from .signing import current_key_id, new_salt, webhook_secret

STAMP = "webhooks"
MAX_WEBHOOKS = 25  # a hotel's integrations; keeps the handler's Scan one small page
MAX_EVENTS = 20
DESCRIPTION_LENGTH = 200
FAILING_LIMIT = timedelta(hours=24)


class WebhookNotFound(NotFound):
    code = "WEBHOOK_NOT_FOUND"
    default_message = "No such webhook."


class TooManyWebhooks(Conflict):
    code = "TOO_MANY_WEBHOOKS"
    default_message = f"A hotel has at most {MAX_WEBHOOKS} webhooks: delete one first."


def webhook_fields_check(fields: dict, *, creating: bool = False) -> dict:
    """The fields as stored. Raises ValidationFailed naming every field's problem at once:
    `url` (http(s), public unless HOTEL_OUTBOUND_ALLOW_PRIVATE), `events` (registered
    types), `description`; with `creating`, a missing url or events."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    if creating:
        for name in ("url", "events"):
            if fields.get(name) is None:
                errors[name] = ["This field is required."]
    if fields.get("url") is not None:
        try:
            out["url"] = check_url(str(fields["url"]).strip())
        except OutboundRefused as refused:
            errors["url"] = [str(refused)]
    if fields.get("events") is not None:
        events = list(dict.fromkeys(str(e) for e in fields["events"]))
        known = types.type_names()
        unknown = [e for e in events if e not in known]
        if unknown:
            errors["events"] = [
                f"Unknown event type(s): {', '.join(unknown)}. Choose from: {', '.join(known)}."
            ]
        elif not 1 <= len(events) <= MAX_EVENTS:
            errors["events"] = [f"Between 1 and {MAX_EVENTS} event types."]
        out["events"] = events
    if fields.get("description") is not None:
        description = str(fields["description"]).strip()
        if len(description) > DESCRIPTION_LENGTH:
            errors["description"] = [f"At most {DESCRIPTION_LENGTH} characters."]
        out["description"] = description
    if fields.get("active") is not None:
        out["active"] = bool(fields["active"])
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return out


def webhook_secret_of(webhook: WebhookSubscription) -> str:
    """The subscription's signing secret. Raises signing.SigningKeyGone."""
    return webhook_secret(webhook_id=webhook.webhookId, salt=webhook.secretSalt, key=webhook.keyId)


def _snapshot(webhook: WebhookSubscription) -> dict:
    """What the audit log keeps: never the secret or its salt."""
    return {
        "url": webhook.url,
        "events": list(webhook.events),
        "description": webhook.description,
        "active": webhook.active,
    }


def _audit(tx, webhook, action: str, before, after, actor: str, now, request_id) -> None:
    audit_add(
        tx,
        actor=actor,
        action=action,
        object_type="webhook",
        object_id=webhook.webhookId,
        before=before,
        after=after,
        now=now,
        request_id=request_id,
    )


def webhook_create(
    *,
    url: str,
    events: list[str],
    description: str = "",
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> tuple[WebhookSubscription, str]:
    """Subscribe `url` to `events`; return the subscription and its secret (shown once).
    Raises ValidationFailed, TooManyWebhooks."""
    values = webhook_fields_check(
        {"url": url, "events": events, "description": description}, creating=True
    )
    if len(webhooks_list()) >= MAX_WEBHOOKS:
        raise TooManyWebhooks()
    stamp_bump(STAMP)  # before: no subscription exists without the stamp (webhooks_for_type)
    webhook = WebhookSubscription(
        webhookId=f"WH-{secrets.token_hex(8).upper()}",
        url=values["url"],
        events=values["events"],
        description=values.get("description", ""),
        active=True,
        secretSalt=new_salt(),
        keyId=current_key_id(),
        createdAt=now,
        createdBy=actor,
        updatedAt=now,
    )

    def build(tx):
        tx.save(webhook, condition=WebhookSubscription.webhookId.does_not_exist())
        _audit(tx, webhook, "create", None, _snapshot(webhook), actor, now, request_id)

    commit(build, refused=lambda: Conflict("Try again."))
    stamp_bump(STAMP)
    return webhook, webhook_secret_of(webhook)


def webhook_update(
    *,
    webhook_id: str,
    changes: dict,
    rotate_secret: bool = False,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> tuple[WebhookSubscription, str | None]:
    """Change url, events, description, or switch it on or off (on again: its failure count
    starts afresh); `rotate_secret` gives it a new secret, returned (else None). Only the
    fields given are written, so the delivery counters the sender keeps are not overwritten.
    Raises WebhookNotFound, ValidationFailed."""
    values = webhook_fields_check(changes)
    webhook = webhook_get(webhook_id=webhook_id)
    before = _snapshot(webhook)
    model = WebhookSubscription
    actions = [model.updatedAt.set(now)]
    for name, value in values.items():
        actions.append(getattr(model, name).set(value))
        setattr(webhook, name, value)
    if "active" in values:  # on or off by hand: the failure count starts afresh
        webhook.failingSince = None
        actions.append(model.failingSince.remove())
        if values["active"]:
            webhook.disabledAt = webhook.disabledReason = None
            actions += [model.disabledAt.remove(), model.disabledReason.remove()]
        else:
            webhook.disabledAt, webhook.disabledReason = now, f"Switched off by {actor}."
            actions += [model.disabledAt.set(now), model.disabledReason.set(webhook.disabledReason)]
    if rotate_secret:
        webhook.secretSalt, webhook.keyId = new_salt(), current_key_id()
        actions += [model.secretSalt.set(webhook.secretSalt), model.keyId.set(webhook.keyId)]
    after = _snapshot(webhook)
    action = "rotate-secret" if rotate_secret and before == after else "change"

    def build(tx):
        tx.update(webhook, actions=actions, condition=model.webhookId.exists())
        _audit(tx, webhook, action, before, after, actor, now, request_id)

    commit(build, refused=lambda: WebhookNotFound(details={"webhookId": webhook_id}))
    stamp_bump(STAMP)
    return webhook, (webhook_secret_of(webhook) if rotate_secret else None)


def webhook_delete(
    *, webhook_id: str, actor: str, now: datetime, request_id: str | None = None
) -> None:
    """Delete the subscription; nothing more is sent to it (its log expires by TTL).
    Raises WebhookNotFound."""
    webhook = webhook_get(webhook_id=webhook_id)

    def build(tx):
        tx.delete(webhook, condition=WebhookSubscription.webhookId.exists())
        _audit(tx, webhook, "delete", _snapshot(webhook), None, actor, now, request_id)

    commit(build, refused=lambda: WebhookNotFound(details={"webhookId": webhook_id}))
    stamp_bump(STAMP)


# --- reads ---------------------------------------------------------------------------------


def webhook_get(*, webhook_id: str) -> WebhookSubscription:
    """Raises WebhookNotFound."""
    try:
        if not 1 <= len(webhook_id) <= 40:
            raise DoesNotExist
        return WebhookSubscription.get(webhook_id, consistent_read=True)
    except DoesNotExist:
        raise WebhookNotFound(details={"webhookId": webhook_id[:40]}) from None


def webhooks_list() -> list[WebhookSubscription]:
    """Every subscription, oldest first (a Scan: a hotel has at most MAX_WEBHOOKS)."""
    return sorted(WebhookSubscription.scan(consistent_read=True), key=lambda w: w.createdAt)


def webhooks_for_type(event_type: str) -> list[WebhookSubscription]:
    """The active subscriptions to `event_type`, from this process's stamped copy (none
    while the stamp was never written: no subscription was ever made)."""
    token = stamp_token(STAMP)
    if token is None:
        return []
    webhooks = stamped(
        STAMP, "all", lambda: list(WebhookSubscription.scan(consistent_read=True)), token=token
    )
    return [w for w in webhooks if w.active and event_type in w.events]


# --- how deliveries go (the sender's writes; not audited: nobody acted) ----------------------


def webhook_delivered(*, webhook_id: str, now: datetime) -> None:
    """A delivery succeeded: the subscription is healthy again."""
    model = WebhookSubscription
    _record(webhook_id, [model.lastSuccessAt.set(now), model.failingSince.remove()])


def webhook_failed(*, webhook_id: str, now: datetime, error: str) -> bool:
    """An attempt failed. When every attempt since the first failure has failed for 24 h,
    the subscription is disabled (once: a conditional write) and the managers emailed.
    Returns True when this call disabled it."""
    model = WebhookSubscription
    webhook = _record(
        webhook_id, [model.lastFailureAt.set(now), model.failingSince.set(model.failingSince | now)]
    )
    if webhook is None or not webhook.active or webhook.failingSince is None:
        return False
    if now - webhook.failingSince < FAILING_LIMIT:
        return False
    reason = f"Every delivery failed for 24 hours (since {webhook.failingSince:%Y-%m-%d %H:%M} UTC)"
    disabled = _record(
        webhook_id,
        [model.active.set(False), model.disabledAt.set(now), model.disabledReason.set(reason)],
        condition=model.active == True,  # noqa: E712 - a DynamoDB condition, not a comparison
    )
    if disabled is None:
        return False  # another worker disabled it (and sent the email)
    stamp_bump(STAMP)
    webhook_disabled_email(webhook=disabled, last_error=error, now=now)
    return True


def _record(webhook_id: str, actions: list, condition=None) -> WebhookSubscription | None:
    """Update the subscription if it still exists (and `condition` holds); the item as
    written, or None."""
    webhook = WebhookSubscription(webhookId=webhook_id)
    required = WebhookSubscription.webhookId.exists()
    try:
        webhook.update(
            actions=actions, condition=required if condition is None else required & condition
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return None
        raise
    return webhook
