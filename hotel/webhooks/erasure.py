"""A guest's erasure reaches the delivery log: `deliveries_forget`.

A delivery keeps the exact body it sent for 30 days, and a booking's body carries the guest's
name, email and phone. The erasure (in the app that owns guests) names the objects whose
personal data it erases (a guest's bookings, say); each delivery filed under one of them
(`subject`, hotel.webhooks.publish) gets a body that says it was erased in place of the old
one, and `erasedAt`. One still waiting for an attempt is given up
(`failed`, out of the due index): a retry must not send a body whose data is gone. The
receiver's answer (`responseSnippet`) goes too, since it may quote the body.

The deliveries are found by a Scan filtered on `subject` (consistent; the table holds 30
days of deliveries and an erasure is rare: no index is kept for it). Idempotent: a delivery
already erased is left out of the Scan, so a re-run writes nothing more.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from hotel.errors import StaleObject

from .models import FAILED, PENDING, WebhookDelivery

logger = logging.getLogger("hotel.webhooks")

ERASED_ERROR = "Given up: the personal data it carried was erased."
FILTER_VALUES = 100  # DynamoDB's limit on the operands of one IN
ATTEMPTS = 4  # the delivery changed meanwhile (an attempt, a replay): read it again


def erased_body(delivery: WebhookDelivery) -> bytes:
    """What an erased delivery keeps: the event's id and type, no object."""
    document = {"id": delivery.eventId, "type": delivery.eventType, "data": None, "erased": True}
    return json.dumps(document, separators=(",", ":")).encode()


def deliveries_about(subjects: Iterable[str]) -> list[WebhookDelivery]:
    """The deliveries filed under any of `subjects` not erased yet (a filtered Scan per
    FILTER_VALUES subjects)."""
    wanted = sorted({s for s in subjects if s})
    found = []
    for start in range(0, len(wanted), FILTER_VALUES):
        chunk = wanted[start : start + FILTER_VALUES]
        condition = WebhookDelivery.subject.is_in(*chunk)
        condition &= WebhookDelivery.erasedAt.does_not_exist()
        found += list(WebhookDelivery.scan(condition, consistent_read=True))
    return found


def deliveries_forget(*, subjects: Iterable[str], now: datetime) -> int:
    """Replace the body of every delivery filed under one of `subjects` (see the module) and
    give up those still pending; returns how many changed. Idempotent."""
    changed = 0
    for delivery in deliveries_about(subjects):
        changed += _forget(delivery, now)
    if changed:
        logger.info("Erased the bodies of %d webhook deliveries", changed)
    return changed


def _forget(delivery: WebhookDelivery, now: datetime) -> int:
    """One delivery, conditional on the status it was read with (an attempt or a replay may
    change it meanwhile: then read again). 0 when it expired meanwhile."""
    model = WebhookDelivery
    for _ in range(ATTEMPTS):
        actions = [
            model.body.set(zlib.compress(erased_body(delivery))),
            model.erasedAt.set(now),
            model.responseSnippet.remove(),
        ]
        if delivery.status == PENDING:
            # An attempt in flight keeps the bytes it holds and may still write its outcome,
            # but the delivery leaves the due index: no retry sends it again.
            actions += [
                model.status.set(FAILED),
                model.lastError.set(ERASED_ERROR),
                model.queue.remove(),
                model.dueAt.remove(),
                model.nextAttemptAt.remove(),
            ]
        try:
            delivery.update(
                actions=actions,
                condition=model.deliveryId.exists() & (model.status == delivery.status),
            )
            return 1
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
        try:
            delivery = model.get(delivery.webhookId, delivery.deliveryId, consistent_read=True)
        except DoesNotExist:
            return 0  # removed by its TTL: nothing left to erase
        if delivery.erasedAt is not None:
            return 0  # another erasure of the same guest got there first
    raise StaleObject("A webhook delivery keeps changing: try the erasure again.")
