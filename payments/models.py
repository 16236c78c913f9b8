"""Payments and processed webhook events. Reads top to bottom: Meta, keys, attributes, indexes.

A payment stores Stripe ids, the amount and the card brand only: never a card number,
CVV, expiry or cardholder name (the card goes from the guest's browser to Stripe).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from pynamodb.attributes import (
    JSONAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, LeanIndex, meta, register

# --- the payment lifecycle ---------------------------------------------------------------------
PENDING = "pending"  # written before the provider is called
REQUIRES_ACTION = "requires_action"  # 3-D Secure: the guest must authenticate in the browser
COMPLETED = "completed"
FAILED = "failed"
REFUNDED = "refunded"
PARTIALLY_REFUNDED = "partially_refunded"
# Cancelled at the provider before it took money: abandoned 3-D Secure, superseded by another
# attempt that paid, or given up by a date change. It can never succeed any more.
CANCELLED = "cancelled"
STATUSES = (PENDING, REQUIRES_ACTION, COMPLETED, FAILED, REFUNDED, PARTIALLY_REFUNDED, CANCELLED)
# Staff-facing names (the admin's list and filter, a booking's payments).
STATUS_LABELS = {
    PENDING: "Pending",
    REQUIRES_ACTION: "Awaiting 3-D Secure",
    COMPLETED: "Completed",
    PARTIALLY_REFUNDED: "Partially refunded",
    REFUNDED: "Refunded",
    FAILED: "Failed",
    CANCELLED: "Cancelled (not charged)",
}
# Guest-facing names (the manage page), translated.
GUEST_STATUS_LABELS = {
    PENDING: _("Processing"),
    REQUIRES_ACTION: _("Not completed"),
    COMPLETED: _("Paid"),
    PARTIALLY_REFUNDED: _("Partly refunded"),
    REFUNDED: _("Refunded"),
    FAILED: _("Declined"),
    CANCELLED: _("Cancelled, not charged"),
}
# Not settled yet: the provider's success (synchronous or by webhook) may still complete these.
# FAILED is here because a late success from the provider (after a gateway timeout) wins.
OPEN_STATUSES = (PENDING, REQUIRES_ACTION, FAILED)
REFUNDABLE_STATUSES = (COMPLETED, PARTIALLY_REFUNDED)

# --- what a payment is -------------------------------------------------------------------------
CHARGE = "charge"  # money taken through a PaymentIntent
# A card saved as the booking's guarantee (at_hotel terms) through a SetupIntent: amount 0,
# nothing taken, nothing to refund. The folio charges it off-session (e.g. a no-show fee).
GUARANTEE = "guarantee"
KINDS = (CHARGE, GUARANTEE)

# What a charge is for. None: the booking's own payment (it confirms the booking). The others
# pay onto the bill of a booking that is already confirmed or in house (never confirm it):
CARD_ON_FILE = "card_on_file"  # the guarantee card charged off-session (desk, no-show fee)
BALANCE = "balance"  # the guest pays the bill's balance online (manage page, API)
PURPOSES = (CARD_ON_FILE, BALANCE)


class BookingIndex(LeanIndex):
    """A booking's payments, oldest first. Lean and keys only (hotel.dynamo.indexes): its
    queries read the whole payments, and settling a payment (a Put that keeps its booking and
    creation time) does not write it."""

    class Meta:
        index_name = "bookingId-keys-index"
        projection = KeysOnlyProjection()

    bookingId = UnicodeAttribute(hash_key=True)
    createdAt = UTCDateTimeAttribute(range_key=True)


class StatusIndex(GlobalSecondaryIndex):
    """Payments in one status by date (the admin's status filter; a few partitions, no Scan)."""

    class Meta:
        index_name = "status-createdAt-index"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    createdAt = UTCDateTimeAttribute(range_key=True)


# A refund reserved on a payment (its record's status REFUND_REQUESTED) until the provider's
# answer is noted on it; the marker `refundOwed` = OWED while one is.
REFUND_REQUESTED = "requested"
OWED = "owed"


class RefundOwedIndex(GlobalSecondaryIndex):
    """Payments with a refund reserved that the provider has not answered yet, oldest first.
    Sparse and keys only: a payment is in it from the reservation to the provider's answer
    (a cancel's refund is reserved in the cancel's own transaction), so a process that dies
    in between leaves it here for reconcile_payments to complete (payments.services.
    refunds_owed)."""

    class Meta:
        index_name = "refundOwed-refundOwedSince-index"
        projection = KeysOnlyProjection()

    refundOwed = UnicodeAttribute(hash_key=True)
    refundOwedSince = IntegerAttribute(range_key=True)


@register
class Payment(Model):
    # bookingId-keys-index replaced bookingId-index (projection ALL): `sync_tables
    # --drop-replaced` deletes it once code that no longer reads it is live.
    Meta = meta("payments", replaced_indexes={"bookingId-keys-index": "bookingId-index"})

    transactionId = UnicodeAttribute(hash_key=True)  # TXN-YYYYMMDD-XXXXXXXX
    bookingId = UnicodeAttribute()
    attempt = IntegerAttribute()  # 1, 2, … per booking; part of the provider idempotency key
    amount = IntegerAttribute()  # minor units of `currency`
    currency = UnicodeAttribute()
    paymentMethod = UnicodeAttribute(null=True)  # card brand or method type, e.g. "visa"
    status = UnicodeAttribute(default=PENDING)
    provider = UnicodeAttribute(default="stripe")
    stripePaymentIntentId = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(default=CHARGE)  # CHARGE | GUARANTEE (None on old items: CHARGE)
    # A guarantee's Stripe ids: the SetupIntent, the saved payment method and its customer.
    stripeSetupIntentId = UnicodeAttribute(null=True)
    stripePaymentMethodId = UnicodeAttribute(null=True)
    stripeCustomerId = UnicodeAttribute(null=True)
    purpose = UnicodeAttribute(null=True)  # None (the booking's own payment) | PURPOSES
    refundedAmount = IntegerAttribute(default=0)
    refunds = JSONAttribute(default=list)  # [{"refundId", "amount", "at", "actor", "status"}]
    # OWED and the epoch second of the oldest refund still REFUND_REQUESTED; else absent.
    refundOwed = UnicodeAttribute(null=True)
    refundOwedSince = IntegerAttribute(null=True)
    failureMessage = UnicodeAttribute(null=True)  # English, for staff (and the API)
    # The provider's reason for a refusal ("insufficient_funds", "expired_card"…): what the
    # guest's page words in the guest's language (hotel.site.refusals).
    failureCode = UnicodeAttribute(null=True)
    # Set when the cardholder disputes the charge: {"id", "amount", "reason", "status", "at"}
    dispute = JSONAttribute(null=True)
    createdBy = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    completedAt = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    by_booking = BookingIndex()
    by_status = StatusIndex()
    refunds_owed = RefundOwedIndex()

    def __str__(self) -> str:
        return self.transactionId

    @property
    def is_guarantee(self) -> bool:
        return self.kind == GUARANTEE

    @property
    def is_on_bill(self) -> bool:
        """Paid onto the bill of a booking already confirmed: settling it confirms nothing."""
        return self.purpose in PURPOSES


@register
class ProcessedWebhookEvent(Model):
    """One item per provider event handled: a replayed event finds its id and does nothing."""

    Meta = meta("webhook-events")

    eventId = UnicodeAttribute(hash_key=True)
    type = UnicodeAttribute()
    receivedAt = UTCDateTimeAttribute()
    outcome = UnicodeAttribute(null=True)
    expiresAt = TTLAttribute()  # kept well past the provider's retry window (Stripe: 3 days)


# The bill's tables (payments.folio.models) are registered with the app's other models.
from .folio.models import BusinessDay, Folio, FolioLine  # noqa: E402,F401
