"""Domain events become webhook deliveries, and the first attempt leaves at once.

`webhook_event_register` (each app's AppConfig.ready()) names the webhook type a domain event
becomes and how to render its object; it subscribes `webhook_event_handle` to that event.
The handler renders the object once, writes one delivery per subscription that wants the
type — each on the condition that it does not exist, keyed by the event's id, so an event
handled twice (EventBridge delivers at least once) is delivered once — and hands the new
ones to the first attempt.

Where the first attempt runs. With the in-process bus (local, tests) the handler runs inside
the request that made the change, and a slow receiver must not make the guest wait: the
attempt goes to a small pool of background threads and leaves within moments. In the cloud
the handler runs in its own Lambda invocation (EventBridge calls it back), where a thread
would be frozen as soon as the invocation returns: the attempt runs inline there.
HOTEL_WEBHOOKS_FIRST_SEND ("thread" or "inline") overrides the choice. Either way a delivery
whose first attempt never happened is due, and the every-minute job sends it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from pynamodb.exceptions import PutError

from hotel.events import Event, InProcessBus, get_bus, subscribe

from . import types
from .models import DUE, PENDING, WebhookDelivery, WebhookSubscription

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

# Registering (every app's ready(), every function's cold start) needs only this module and
# the registry; the sender, the subscriptions' reads and the thread pool are imported by the
# first event handled (the rooms function, for one, never handles any).

logger = logging.getLogger("hotel.webhooks")

DELIVERY_TTL = timedelta(days=30)
FIRST_SEND_THREADS = 4
INLINE_BUDGET = 12.0  # seconds of inline first attempts per event (a Lambda has 30)

_pool: ThreadPoolExecutor | None = None
_in_flight: set[Future] = set()
_lock = threading.Lock()


def webhook_event_register(
    domain_event: str, *, type: str, render: types.Render, subject: str | None = None
) -> None:
    """Deliver `domain_event` to the subscriptions of webhook type `type` (booking.created),
    with `render(event)` as the payload's `data`: the whole object as the API shows it, with
    its `version` (None: the object is gone, nothing is sent). `subject`: the field of that
    object naming whose personal data it carries (e.g. "bookingId"), which each delivery is
    filed under for a guest's erasure. Idempotent."""
    types.type_register(name=type, domain_event=domain_event, render=render, subject=subject)
    subscribe(domain_event)(webhook_event_handle)


def webhook_event_handle(event: Event) -> None:
    """The handler: one delivery per interested subscription, then the first attempts."""
    from .subscriptions import webhooks_for_type

    kind = types.type_for_domain_event(event.name)
    if kind is None:
        return
    webhooks = webhooks_for_type(kind.name)
    if not webhooks:
        return  # nobody listens: nothing rendered, nothing written
    data = kind.render(event)
    if data is None:
        logger.info("No %s webhook for %s: its object is gone", kind.name, event.id)
        return
    now = timezone.now()
    body = payload(event=event, event_type=kind.name, data=data)
    subject = str(data[kind.subject]) if kind.subject and data.get(kind.subject) else None
    created = []
    for webhook in webhooks:
        delivery = delivery_create(
            webhook, event=event, event_type=kind.name, body=body, now=now, subject=subject
        )
        if delivery is not None:
            created.append(delivery)
    if created:
        first_attempts(created)


def event_id(event: Event) -> str:
    return "evt_" + event.id.replace("-", "")


def payload(*, event: Event, event_type: str, data: dict) -> bytes:
    """The body every subscription gets: {"id", "type", "createdAt", "data"}."""
    document = {
        "id": event_id(event),
        "type": event_type,
        "createdAt": event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def delivery_create(
    webhook: WebhookSubscription,
    *,
    event: Event,
    event_type: str,
    body: bytes,
    now: datetime,
    subject: str | None = None,
) -> WebhookDelivery | None:
    """Write the delivery of `event` to `webhook`, due now, filed under `subject` (the id of
    the object whose data `body` carries); None when it exists already (the event was
    handled before)."""
    moment = event.occurred_at.astimezone(UTC)
    delivery = WebhookDelivery(
        webhookId=webhook.webhookId,
        deliveryId=f"{moment:%Y%m%dT%H%M%S%f}-{event_id(event)[4:]}",
        eventId=event_id(event),
        eventType=event_type,
        body=zlib.compress(body),
        subject=subject,
        status=PENDING,
        attempts=0,
        createdAt=now,
        nextAttemptAt=now,
        queue=DUE,
        dueAt=int(now.timestamp()),
        expiresAt=now + DELIVERY_TTL,
    )
    try:
        delivery.save(condition=WebhookDelivery.deliveryId.does_not_exist())
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return None
        raise
    return delivery


def first_attempts(deliveries: list[WebhookDelivery]) -> None:
    """Attempt new deliveries now: inline, or on the background pool (see the module)."""
    from concurrent.futures import ThreadPoolExecutor

    keys = [(d.webhookId, d.deliveryId, d.dueAt) for d in deliveries]
    if not _in_background():
        started = time.monotonic()
        for key in keys:  # slow receivers must not outlast the invocation: the job sends the rest
            if time.monotonic() - started > INLINE_BUDGET:
                break
            _send(key)
        return
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(FIRST_SEND_THREADS, thread_name_prefix="webhook-send")
        futures = [_pool.submit(_send, key) for key in keys]  # a slow receiver delays no other
        _in_flight.update(futures)
    for future in futures:
        future.add_done_callback(_forget)


def webhooks_wait_idle(timeout: float = 15.0) -> bool:
    """Wait until the background first attempts are done (tests, an orderly shutdown);
    False if some are still running after `timeout` seconds."""
    from concurrent.futures import wait

    with _lock:
        running = set(_in_flight)
    return not wait(running, timeout=timeout).not_done if running else True


def _in_background() -> bool:
    choice = getattr(settings, "HOTEL_WEBHOOKS_FIRST_SEND", None)
    if choice in ("thread", "inline"):
        return choice == "thread"
    return isinstance(get_bus(), InProcessBus)


def _send(key: tuple[str, str, int]) -> None:
    from .sending import delivery_send

    webhook_id, delivery_id, due_at = key
    delivery_send(webhook_id=webhook_id, delivery_id=delivery_id, due_at=due_at, now=timezone.now())


def _forget(future: Future) -> None:
    with _lock:
        _in_flight.discard(future)
