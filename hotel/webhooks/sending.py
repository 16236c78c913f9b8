"""Sending deliveries: one attempt, the retry schedule, replay, and the job that retries.

An attempt first claims its delivery with a conditional update (the `dueAt` it saw, or no
attempt in flight), which also counts the attempt and leases the delivery for LEASE seconds:
the first attempt's thread, the every-minute job and a manager's replay can race for the same
delivery and only one sends; an attempt that dies mid-way counts as failed once its lease
ends (`_cut_off_closed`).
Deliveries are therefore at least once: receivers deduplicate on the event id.

A 2xx answer delivers; any other answer, a timeout, a network error or a refused address is
a failed attempt, retried after 1 min, 5 min, 30 min, 2 h, 5 h, then every 10 h, until 24 h
after the event (the last try at that mark); then the delivery is given up (`failed`). A
subscription whose every attempt failed for 24 h is disabled (hotel.webhooks.subscriptions).
Order is not guaranteed: each object carries `version`.
"""

from __future__ import annotations

import logging
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from hotel.dynamo import paginate
from hotel.errors import Conflict, NotFound
from hotel.outbound import OutboundFailed, OutboundRefused, http_post

from .models import DELIVERED, DUE, FAILED, PENDING, WebhookDelivery
from .signing import SIGNATURE_HEADER, SigningKeyGone, signature_header
from .subscriptions import (
    WebhookNotFound,
    webhook_delivered,
    webhook_failed,
    webhook_get,
    webhook_secret_of,
)

logger = logging.getLogger("hotel.webhooks")

# Seconds after the n-th failed attempt; the last gap repeats. Never past RETRY_WINDOW.
BACKOFF = (60, 300, 1800, 7200, 18000, 36000)
RETRY_WINDOW = timedelta(hours=24)
TIMEOUT = 10.0  # seconds per attempt (hotel.outbound: connect, headers and body)
LEASE = 120  # seconds an attempt holds its delivery: beyond TIMEOUT and the writes around it
SNIPPET_CHARS = 500
JOB_WORKERS = 4
JOB_BUDGET = 20.0  # seconds the job starts attempts for (a Lambda's timeout is 30 s)
FINISH = 5.0  # seconds an attempt needs beyond TIMEOUT: its claim and its outcome's writes


class DeliveryNotFound(NotFound):
    code = "DELIVERY_NOT_FOUND"
    default_message = "No such delivery."


class DeliveryErased(Conflict):
    code = "DELIVERY_ERASED"
    default_message = "The personal data this delivery carried was erased: it is not sent again."


class DeliveryInProgress(Conflict):
    code = "DELIVERY_IN_PROGRESS"
    default_message = "This delivery is being sent right now; look at its log in a minute."


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def next_attempt_at(*, created_at: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try again after the `attempts`-th attempt failed at `now` (None: give up)."""
    gap = BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts > 0 else 0
    deadline = created_at + RETRY_WINDOW
    if now + timedelta(seconds=gap) <= deadline:
        return now + timedelta(seconds=gap)
    return deadline if now < deadline else None


def delivery_get(*, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    """Raises DeliveryNotFound."""
    try:
        if not 1 <= len(delivery_id) <= 120:
            raise DoesNotExist
        return WebhookDelivery.get(webhook_id, delivery_id, consistent_read=True)
    except DoesNotExist:
        raise DeliveryNotFound(details={"deliveryId": delivery_id[:120]}) from None


def deliveries_list(
    *, webhook_id: str, limit: int = 50, cursor: str | None = None
) -> tuple[list[WebhookDelivery], str | None]:
    """A page of the webhook's log, newest first (one Query), and the next page's cursor.
    Raises WebhookNotFound, hotel.dynamo.InvalidCursor."""
    webhook_get(webhook_id=webhook_id)

    def fetch(**kw):
        return WebhookDelivery.query(webhook_id, scan_index_forward=False, **kw)

    return paginate(fetch, limit=limit, cursor=cursor, scope=f"webhook-deliveries:{webhook_id}")


def delivery_claim(
    *, webhook_id: str, delivery_id: str, due_at: int | None, now: datetime
) -> WebhookDelivery | None:
    """Take the delivery for one attempt: if it is still pending and due at `due_at` (None:
    any delivery with no attempt in flight, a replay). Counts the attempt; returns the item
    as written, or None when someone else has it."""
    lease_end = epoch(now) + LEASE
    model = WebhookDelivery
    if due_at is None:
        condition = model.sendingUntil.does_not_exist() | (model.sendingUntil < epoch(now))
    else:  # due, and no attempt left its lease behind (cut off: _cut_off_closed)
        condition = (model.status == PENDING) & (model.dueAt == due_at)
        condition &= model.sendingUntil.does_not_exist()
    item = WebhookDelivery(webhookId=webhook_id, deliveryId=delivery_id)
    try:
        item.update(
            actions=[
                model.attempts.add(1),
                model.status.set(PENDING),
                model.queue.set(DUE),
                model.dueAt.set(lease_end),
                model.sendingUntil.set(lease_end),
            ],
            condition=model.deliveryId.exists() & condition,
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            if due_at is not None:
                _cut_off_closed(webhook_id=webhook_id, delivery_id=delivery_id, now=now)
            return None
        raise
    return item


def _cut_off_closed(*, webhook_id: str, delivery_id: str, now: datetime) -> bool:
    """Count an attempt that never wrote its outcome as a failed one: the backoff after it,
    or, past the 24 h, giving up. Such an attempt (its Lambda ran out of time, its process
    died) leaves its lease in `sendingUntil`; once the lease is over the next claim finds it
    here, instead of sending at once and again every LEASE seconds, forever. True if this
    closed it (a claim that lost to another attempt or replay finds a live lease: nothing)."""
    model = WebhookDelivery
    try:
        seen = model.get(webhook_id, delivery_id, consistent_read=True)
    except DoesNotExist:
        return False
    if seen.status != PENDING or seen.sendingUntil is None or seen.sendingUntil >= epoch(now):
        return False
    error = "The attempt did not finish: no outcome was written before its lease ran out."
    retry = next_attempt_at(created_at=seen.createdAt, attempts=seen.attempts, now=now)
    actions = [model.sendingUntil.remove(), model.lastError.set(error)]
    if retry is not None:
        actions += [model.nextAttemptAt.set(retry), model.dueAt.set(epoch(retry))]
    else:
        actions += [model.status.set(FAILED), model.queue.remove(), model.dueAt.remove()]
        actions.append(model.nextAttemptAt.remove())
    try:
        seen.update(
            actions=actions,
            condition=(model.attempts == seen.attempts) & (model.sendingUntil == seen.sendingUntil),
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    logger.warning("Delivery %s: attempt %s was cut off", seen, seen.attempts)
    webhook_failed(webhook_id=webhook_id, now=now, error=error)
    return True


def delivery_attempt(
    delivery: WebhookDelivery, *, now: datetime, manual: bool = False
) -> WebhookDelivery:
    """Send a claimed delivery once and record how it went (the log, the next attempt, the
    subscription's health). A switched-off webhook gets nothing unless `manual` (a replay).
    Never raises for the receiver's failures."""
    try:
        webhook = webhook_get(webhook_id=delivery.webhookId)
    except WebhookNotFound:
        return _finish(delivery, now=now, error="The webhook was deleted.", give_up=True)
    if not (webhook.active or manual):
        return _finish(delivery, now=now, error="The webhook is switched off.", give_up=True)
    if not manual and delivery.eventType not in (webhook.events or ()):
        # Unsubscribed since (perhaps with the URL changed to another party): not sent.
        return _finish(delivery, now=now, error="No longer subscribed.", give_up=True)
    if delivery.erasedAt is not None:  # its object's personal data is gone (.erasure)
        with suppress(UpdateError):  # give back the lease; nothing else changes
            delivery.update(
                actions=[WebhookDelivery.sendingUntil.remove()],
                condition=WebhookDelivery.attempts == delivery.attempts,
            )
        return delivery
    body = zlib.decompress(delivery.body)
    try:
        secret = webhook_secret_of(webhook)
    except SigningKeyGone as exc:
        logger.error("Webhook %s cannot be signed: %s", webhook.webhookId, exc)
        return _finish(delivery, now=now, error=str(exc), webhook_active=webhook.active)
    # The signature dates the request as it leaves (receivers compare it with their clock),
    # so it reads the wall clock; `now` schedules and records.
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(secret=secret, body=body, timestamp=int(time.time())),
        "Hotel-Event-Id": delivery.eventId,
        "Hotel-Event-Type": delivery.eventType,
        "Hotel-Delivery-Attempt": str(delivery.attempts),
    }
    started = time.monotonic()
    status = snippet = error = None
    try:
        status, answer = http_post(webhook.url, body=body, headers=headers, timeout=TIMEOUT)
        snippet = answer.decode("utf-8", "replace")[:SNIPPET_CHARS]
    except OutboundRefused as exc:
        error = f"Refused: {exc}"
    except OutboundFailed as exc:
        error = str(exc)
    latency = round((time.monotonic() - started) * 1000)
    if status is not None and 200 <= status < 300:
        return _finish(delivery, now=now, status=status, snippet=snippet, latency=latency)
    return _finish(
        delivery,
        now=now,
        status=status,
        snippet=snippet,
        latency=latency,
        error=error or f"HTTP {status}",
        webhook_active=webhook.active,
    )


def _finish(
    delivery: WebhookDelivery,
    *,
    now: datetime,
    status: int | None = None,
    snippet: str | None = None,
    latency: int | None = None,
    error: str | None = None,
    give_up: bool = False,
    webhook_active: bool = True,
) -> WebhookDelivery:
    """Write the attempt's outcome, if the delivery is still this attempt's (a lease that
    ran out may have passed it to another) and was not erased meanwhile."""
    model = WebhookDelivery
    actions = [model.sendingUntil.remove()]
    if not give_up:  # something was attempted (give_up: nothing was sent this time)
        actions += [
            model.lastAttemptAt.set(now),
            model.lastStatusCode.set(status)
            if status is not None
            else model.lastStatusCode.remove(),
            model.latencyMs.set(latency) if latency is not None else model.latencyMs.remove(),
            model.responseSnippet.set(snippet) if snippet else model.responseSnippet.remove(),
        ]
    retry = None
    if error is None:
        actions += [model.status.set(DELIVERED), model.deliveredAt.set(now)]
        actions += [model.lastError.remove()]
    else:
        actions.append(model.lastError.set(error[:SNIPPET_CHARS]))
        if not give_up and webhook_active:
            retry = next_attempt_at(
                created_at=delivery.createdAt, attempts=delivery.attempts, now=now
            )
        if retry is not None:
            actions += [model.nextAttemptAt.set(retry), model.dueAt.set(epoch(retry))]
    if retry is None:
        actions += [model.queue.remove(), model.dueAt.remove(), model.nextAttemptAt.remove()]
        if error is not None:
            actions.append(model.status.set(FAILED))
    # Still this attempt's, and not erased meanwhile (the erasure gave it up: the outcome,
    # perhaps quoting the old body, is not written over its record).
    condition = (model.attempts == delivery.attempts) & model.erasedAt.does_not_exist()
    try:
        delivery.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        logger.warning("Delivery %s was taken over before its outcome was written", delivery)
        return delivery
    if error is None:
        webhook_delivered(webhook_id=delivery.webhookId, now=now)
    elif not give_up and webhook_active:
        webhook_failed(webhook_id=delivery.webhookId, now=now, error=error)
    return delivery


def delivery_send(*, webhook_id: str, delivery_id: str, due_at: int, now: datetime) -> bool:
    """Claim and attempt one due delivery; False when someone else had it. Never raises
    (a failure is logged; the delivery stays due and the job retries it)."""
    try:
        delivery = delivery_claim(
            webhook_id=webhook_id, delivery_id=delivery_id, due_at=due_at, now=now
        )
        if delivery is None:
            return False
        delivery_attempt(delivery, now=now)
        return True
    except Exception:
        logger.exception("Sending delivery %s of %s failed", delivery_id, webhook_id)
        return False


def delivery_replay(*, webhook_id: str, delivery_id: str, now: datetime) -> WebhookDelivery:
    """Send the delivery again now, the same event id and body (whatever its status; also
    while its webhook is switched off, to test a mended receiver). On failure it keeps its
    retry schedule while its 24 h last. Raises WebhookNotFound, DeliveryNotFound,
    DeliveryErased, DeliveryInProgress."""
    webhook_get(webhook_id=webhook_id)
    if delivery_get(webhook_id=webhook_id, delivery_id=delivery_id).erasedAt is not None:
        raise DeliveryErased(details={"deliveryId": delivery_id})
    claimed = delivery_claim(webhook_id=webhook_id, delivery_id=delivery_id, due_at=None, now=now)
    if claimed is None:
        raise DeliveryInProgress(details={"deliveryId": delivery_id})
    return delivery_attempt(claimed, now=now, manual=True)


def webhooks_send_due(
    *, now: datetime, limit: int = 500, log=None, seconds_left: float | None = None
) -> dict:
    """The job (every minute): attempt every delivery due by `now`, JOB_WORKERS at a time,
    starting attempts for JOB_BUDGET seconds, and only while one can finish before the
    invocation ends (`seconds_left`: the Lambda's remaining time; an attempt may take TIMEOUT
    and FINISH more); what is left waits for the next run. Returns {"due", "sent",
    "skipped"} (skipped: another worker had it, or out of time)."""
    started = time.monotonic()
    start_by = started + JOB_BUDGET
    if seconds_left is not None:
        start_by = min(start_by, started + seconds_left - TIMEOUT - FINISH)
    due = [
        (entry.webhookId, entry.deliveryId, entry.dueAt)
        for entry in WebhookDelivery.due.query(
            DUE, WebhookDelivery.dueAt <= epoch(now), limit=limit
        )
    ]

    def send(key) -> bool:
        if time.monotonic() > start_by:
            return False
        return delivery_send(webhook_id=key[0], delivery_id=key[1], due_at=key[2], now=now)

    with ThreadPoolExecutor(JOB_WORKERS, thread_name_prefix="webhook-job") as pool:
        sent = sum(pool.map(send, due))
    counts = {"due": len(due), "sent": sent, "skipped": len(due) - sent}
    if log:
        log("webhooks: {due} due, {sent} attempted, {skipped} skipped".format(**counts))
    return counts
