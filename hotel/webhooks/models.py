"""Webhook subscriptions and their delivery log.

A subscription (`webhooks`) is a manager's: a URL, the event types it wants, whether it is on,
and how its deliveries have been going. Its signing secret is not stored: it is derived from
the settings' SECRET_KEY and a random salt kept here (hotel.webhooks.signing).

A delivery (`webhook-deliveries`) is one event for one subscription, keyed by (webhookId,
deliveryId) where deliveryId is the event's time and id: the handler writes it on the
condition that it does not exist, so an event handled twice is delivered once, and a Query
lists a subscription's log in time order. It keeps the exact body sent (deflated), so every
retry and replay sends the same bytes; DynamoDB's TTL removes it after 30 days. Its
`subject` names the object whose data the body carries (a booking's id): a guest's erasure
finds the guest's deliveries by it and replaces their bodies (hotel.webhooks.erasure). While an
attempt is due it carries `queue` and `dueAt`, the keys of a sparse index the job queries
(no Scan); a delivered or abandoned one drops them and leaves the index.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATUSES = (PENDING, DELIVERED, FAILED)
DUE = "due"  # the one value of `queue`: every pending delivery in one index partition


@register
class WebhookSubscription(Model):
    """A URL that receives the event types it asked for, signed with its own secret."""

    Meta = meta("webhooks")

    webhookId = UnicodeAttribute(hash_key=True)  # WH-…
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)  # webhook types, e.g. ["booking.created"]
    description = UnicodeAttribute(default="")
    active = BooleanAttribute(default=True)
    # The secret is HMAC(SECRET_KEY, webhookId + salt); keyId says which key (current or a
    # fallback) derived it, so rotating DJANGO_SECRET_KEY keeps old secrets while the old
    # key stays in DJANGO_SECRET_KEY_FALLBACKS (hotel.webhooks.signing).
    secretSalt = UnicodeAttribute()
    keyId = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    createdBy = UnicodeAttribute()
    updatedAt = UTCDateTimeAttribute()
    # How deliveries go: the first failure since the last success (None: all is well); 24 h
    # of nothing but failures disables the subscription and emails the managers.
    failingSince = UTCDateTimeAttribute(null=True)
    lastSuccessAt = UTCDateTimeAttribute(null=True)
    lastFailureAt = UTCDateTimeAttribute(null=True)
    disabledAt = UTCDateTimeAttribute(null=True)
    disabledReason = UnicodeAttribute(null=True)

    def __str__(self) -> str:
        return f"{self.webhookId} {self.url}"


class DueIndex(GlobalSecondaryIndex):
    """Deliveries waiting for an attempt, soonest first. Sparse: only pending ones are in it."""

    class Meta:
        index_name = "queue-dueAt-index"
        projection = KeysOnlyProjection()

    queue = UnicodeAttribute(hash_key=True)
    dueAt = IntegerAttribute(range_key=True)


@register
class WebhookDelivery(Model):
    """One event for one subscription: its body, its attempts, and when the next one is due."""

    Meta = meta("webhook-deliveries")

    webhookId = UnicodeAttribute(hash_key=True)
    deliveryId = UnicodeAttribute(range_key=True)  # <event time>-<event id>
    eventId = UnicodeAttribute()  # evt_…: the payload's id, the same for every subscription
    eventType = UnicodeAttribute()  # booking.created, …
    body = BinaryAttribute(legacy_encoding=False)  # the exact JSON sent, zlib-compressed
    # The id of the object whose data the body carries (the type's `subject` field, e.g. the
    # booking's bookingId; a reservation's bill: its RS-… id). None: it carries nobody's.
    subject = UnicodeAttribute(null=True)
    # Set when an erasure replaced the body (hotel.webhooks.erasure): never sent again as it was.
    erasedAt = UTCDateTimeAttribute(null=True)
    status = UnicodeAttribute(default=PENDING)  # STATUSES
    attempts = IntegerAttribute(default=0)
    lastStatusCode = IntegerAttribute(null=True)  # None: no HTTP answer (refused, timeout)
    lastError = UnicodeAttribute(null=True)
    latencyMs = IntegerAttribute(null=True)
    responseSnippet = UnicodeAttribute(null=True)  # the answer's first 500 characters
    createdAt = UTCDateTimeAttribute()
    lastAttemptAt = UTCDateTimeAttribute(null=True)
    deliveredAt = UTCDateTimeAttribute(null=True)
    nextAttemptAt = UTCDateTimeAttribute(null=True)  # None once delivered or given up
    queue = UnicodeAttribute(null=True)  # DUE while pending
    dueAt = IntegerAttribute(null=True)  # epoch seconds: the next attempt, or a lease's end
    sendingUntil = IntegerAttribute(null=True)  # an attempt in flight holds it until then
    expiresAt = TTLAttribute()

    due = DueIndex()

    def __str__(self) -> str:
        return f"{self.eventType} {self.eventId} -> {self.webhookId}"
