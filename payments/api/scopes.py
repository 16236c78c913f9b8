"""API key scopes of the payments API (hotel.api.scopes).

The endpoints on one booking or reservation that involve money are read with bookings:read
and changed (status, change, cancel) with bookings:write; a bill is read and charged or paid
to with folio:write. Money going back (refunds, allowances, reversals, credit notes),
invoices, card payments, the night audit, reports and a guest's data stay staff only.
"""

from hotel.api.scopes import BOOKINGS_READ, BOOKINGS_WRITE, FOLIO_WRITE, STAFF_ONLY, register

register(
    {
        ("booking-detail", "GET"): BOOKINGS_READ,
        ("booking-cancellation-quote", "GET"): BOOKINGS_READ,
        ("reservation-detail", "GET"): BOOKINGS_READ,
        ("booking-status", "PUT"): BOOKINGS_WRITE,
        ("booking-cancel", "POST"): BOOKINGS_WRITE,
        ("booking-change", "POST"): BOOKINGS_WRITE,
        ("booking-change-quote", "POST"): BOOKINGS_WRITE,
        ("reservation-cancel", "POST"): BOOKINGS_WRITE,
        ("reservation-stay-cancel", "POST"): BOOKINGS_WRITE,
        ("reservation-change", "POST"): BOOKINGS_WRITE,
        ("folio", "GET"): FOLIO_WRITE,
        ("folio-charges", "POST"): FOLIO_WRITE,
        ("folio-payments", "POST"): FOLIO_WRITE,
        ("reservation-folio", "GET"): FOLIO_WRITE,
        ("reservation-folio-charges", "POST"): FOLIO_WRITE,
        ("reservation-folio-payments", "POST"): FOLIO_WRITE,
        ("reservation-payments", "POST"): STAFF_ONLY,
        ("payment-list", "GET"): STAFF_ONLY,
        ("payment-list", "POST"): STAFF_ONLY,
        ("payment-detail", "GET"): STAFF_ONLY,
        ("payment-refund", "POST"): STAFF_ONLY,
        ("folio-split", "POST"): STAFF_ONLY,
        ("folio-refunds", "POST"): STAFF_ONLY,
        ("folio-allowances", "POST"): STAFF_ONLY,
        ("folio-reverse", "POST"): STAFF_ONLY,
        ("reservation-folio-refunds", "POST"): STAFF_ONLY,
        ("reservation-folio-allowances", "POST"): STAFF_ONLY,
        ("reservation-folio-reverse", "POST"): STAFF_ONLY,
        ("reservation-invoices", "GET"): STAFF_ONLY,
        ("reservation-invoices", "POST"): STAFF_ONLY,
        ("booking-invoices", "GET"): STAFF_ONLY,
        ("booking-invoices", "POST"): STAFF_ONLY,
        ("invoice-detail", "GET"): STAFF_ONLY,
        ("invoice-pdf", "GET"): STAFF_ONLY,
        ("invoice-credit-note", "POST"): STAFF_ONLY,
        ("night-audit", "POST"): STAFF_ONLY,
        ("night-audit-day", "GET"): STAFF_ONLY,
        ("daily-report-csv", "GET"): STAFF_ONLY,
        ("accounting-export", "GET"): STAFF_ONLY,
        ("guest-export", "GET"): STAFF_ONLY,
        ("guest-erase", "POST"): STAFF_ONLY,
    },
    grants={
        BOOKINGS_READ: ("bookings.view_booking",),
        # Cancelling needs cancel_booking or change_booking (bookings.models.CANCEL_PERMS);
        # never payments.override_cancellation_refund: the policy decides the refund.
        BOOKINGS_WRITE: ("bookings.change_booking", "bookings.cancel_booking"),
        FOLIO_WRITE: ("payments.view_payment", "payments.change_payment"),
    },
)
