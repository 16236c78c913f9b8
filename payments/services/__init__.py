"""Payment writes, one module per use case: charge a booking (charge), settle the provider's
answer and refund automatically (settlement), refund (refund), cancel a booking with its
refund (cancel), the provider's webhooks (webhooks), a guest's date change (change), open
payments settled from the provider's state when both answers were lost (reconcile), refunds
whose provider answer was lost completed (refunds_owed).

The public service functions are exposed here; each module's docstring says why it is built
the way it is.
"""

from .cancel import (
    MAX_REASON,
    NOTHING_TO_REFUND,
    OVERRIDE_PERMISSION,
    REFUND_FAILED,
    REFUNDED_NOW,
    Cancellation,
    CancellationSettled,
    CancelNeedsRefund,
    booking_cancel_with_refund,
    booking_cancellation_preview,
    may_override_refund,
    refuse_plain_cancel_of_paid,
)
from .change import booking_change_by_guest
from .charge import PaymentAttempt, payment_create
from .guarantee import guarantee_refresh
from .reconcile import Reconciled, payment_recovered, payments_reconcile
from .refund import payment_refund
from .reservation_cancel import (
    ReservationCancellation,
    reservation_cancel,
    reservation_stay_cancel,
)
from .reservation_change import ReservationChange, StayNotChanged, reservation_change
from .reservation_pay import ReservationPayment, reservation_due_now, reservation_pay
from .settlement import is_abandoned, payment_settle_success
from .shared import PaymentDisputed, PaymentFailed, PaymentRefunded, PaymentSucceeded
from .webhooks import payment_webhook_handle

__all__ = [
    "MAX_REASON",
    "NOTHING_TO_REFUND",
    "OVERRIDE_PERMISSION",
    "REFUNDED_NOW",
    "REFUND_FAILED",
    "Cancellation",
    "CancelNeedsRefund",
    "CancellationSettled",
    "PaymentAttempt",
    "PaymentDisputed",
    "PaymentFailed",
    "PaymentRefunded",
    "PaymentSucceeded",
    "booking_cancel_with_refund",
    "ReservationCancellation",
    "reservation_cancel",
    "reservation_change",
    "ReservationChange",
    "StayNotChanged",
    "reservation_stay_cancel",
    "ReservationPayment",
    "reservation_due_now",
    "reservation_pay",
    "booking_cancellation_preview",
    "booking_change_by_guest",
    "is_abandoned",
    "guarantee_refresh",
    "may_override_refund",
    "payment_create",
    "payment_refund",
    "payment_settle_success",
    "payment_webhook_handle",
    "payment_recovered",
    "payments_reconcile",
    "Reconciled",
    "refuse_plain_cancel_of_paid",
]
