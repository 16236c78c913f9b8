"""The booking page's bill: each folio's lines and balance, and the desk's forms — post a
charge, take a payment, reverse a line, give an allowance, move lines to a new folio, issue
an invoice, check out (anyway, for managers).

Every form POSTs to /admin/bookings/booking/<id>/folio/<op>/ (FolioDeskMixin.folio_view),
which parses it, calls one payments.folio service and redirects back to the booking with a
message (POST → redirect → GET). A reservation's own bill is the same template and forms on
the reservation page, posting to /admin/reservations/<id>/folio/<op>/ (folio_post: the same
parsing and services on the key RS-…; no check-out there). Who may do what: the front desk
posts charges, takes payments and splits; managers and accountants also reverse lines and
give allowances; only managers check out with money owed.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.admin.utils import quote as url_quote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format

from bookings.models import CHECKED_IN, CHECKED_OUT
from hotel.accounts.roles import ACCOUNTANT, MANAGER
from hotel.dynamo_admin import action, who
from hotel.errors import DomainError, ValidationFailed
from hotel.templatetags.money import format_money
from payments.folio import desk
from payments.folio.models import REVERSAL
from payments.folio.posting import header_read
from payments.folio.selectors import bill_dict
from payments.folio.services import FolioState, folio_lines, folio_sync
from payments.invoices.services import invoice_issue

from .folio_forms import (
    AllowanceForm,
    ChargeForm,
    PaymentForm,
    ReverseForm,
    SplitForm,
)

POST_PERMS = ("bookings.change_booking", "payments.change_payment")
MONEY_BACK_ROLES = frozenset({MANAGER, ACCOUNTANT})
KIND_LABELS = {
    "charge": "Charge",
    "allowance": "Allowance",
    "payment": "Payment",
    "refund": "Refund",
    "reversal": "Reversal",
}


# --- who may do what ------------------------------------------------------------------------------


def may_post(request) -> bool:
    """Charges, payments, splits, invoices: the front desk, accountants, managers."""
    return any(request.user.has_perm(p) for p in POST_PERMS)


def may_reverse(request) -> bool:
    """Reversals and allowances: managers and accountants only."""
    user = request.user
    return getattr(user, "role", None) in MONEY_BACK_ROLES and user.has_perm(
        "payments.change_payment"
    )


def may_override_balance(request) -> bool:
    """Check-out with money owed: managers only (audited by the check-out)."""
    return getattr(request.user, "role", None) == MANAGER and request.user.has_perm(
        "bookings.change_booking"
    )


OPERATIONS = {
    "charge": may_post,
    "payment": may_post,
    "split": may_post,
    "invoice": may_post,
    "reverse": may_reverse,
    "allowance": may_reverse,
}


# --- how the bill reads ---------------------------------------------------------------------------


def balance_label(balance: int, currency: str) -> str:
    if balance > 0:
        return f"Guest owes {format_money(balance, currency)}"
    if balance < 0:
        return f"In credit {format_money(-balance, currency)}"
    return "Settled"


def _line_row(line: dict, currency: str) -> dict:
    money = lambda amount: format_money(amount or 0, currency)  # noqa: E731
    quantity = line["quantity"] or 1
    return {
        **line,
        "kind_label": KIND_LABELS.get(line["kind"], line["kind"]),
        "unit": money(line["unitAmount"]) if quantity > 1 else "",
        "signed": money(line["effect"]),
        "tax_label": money(line["tax"]) if line["tax"] else "—",
        "value_label": money(line["value"]) if line.get("value") else "",
        "movable": line["kind"] != REVERSAL and not line["reversed"],
        "when": date_format(
            timezone.localtime(datetime.fromisoformat(line["createdAt"])), "SHORT_DATETIME_FORMAT"
        ),
    }


def booking_folio_url(booking_id: str, op: str) -> str:
    return reverse("admin:bookings_booking_folio", args=[url_quote(booking_id), op])


def folio_context(request, booking, *, post_url=None) -> dict:
    """The template's `bill`: folios with their lines, balances, and the forms this user
    may use (front desk: charge, payment, split; managers and accountants: all).
    `booking` is the bill's owner (a Booking, or a reservation's ReservationOwner, whose
    forms post to `post_url(op)`)."""
    post_url = post_url or (lambda op: booking_folio_url(booking.bookingId, op))
    state = folio_sync(booking_id=booking.bookingId, now=who(request)["now"])
    bill = bill_dict(state)
    currency = bill["currency"]
    folio_ids = [f["folioId"] for f in bill["folios"]]
    folios = [
        {
            **folio,
            "rows": [_line_row(line, currency) for line in folio["lines"]],
            "balance_label": balance_label(folio["balance"], currency),
        }
        for folio in bill["folios"]
    ]
    posting, reversing = may_post(request), may_reverse(request)
    open_status = booking.status not in ("cancelled", "expired")
    forms = {"currency": currency, "folio_ids": folio_ids}
    owed = max(bill["balance"], 0)
    return {
        "folios": folios,
        "post_urls": {op: post_url(op) for op in OPERATIONS},
        "balance": bill["balance"],
        "balance_label": balance_label(bill["balance"], currency),
        "owes": bill["balance"] > 0,
        "currency": currency,
        "several": len(folios) > 1,
        "can_post": posting and open_status,
        "can_reverse": reversing,
        "charge_form": ChargeForm(**forms) if posting else None,
        "payment_form": PaymentForm(initial={"amount": owed or None}, **forms) if posting else None,
        "allowance_form": AllowanceForm(**forms) if reversing else None,
        "split_form": SplitForm(**forms) if posting else None,
        "invoice_enabled": posting,
        "can_check_out": booking.status == CHECKED_IN
        and request.user.has_perm("bookings.change_booking"),
        "can_check_out_anyway": booking.status == CHECKED_IN
        and bill["balance"] > 0
        and may_override_balance(request),
    }


def transition_error(request, exc: DomainError) -> str:
    """A lifecycle error as the desk reads it: a balance due in money, with what to do."""
    if exc.code != "BALANCE_DUE":
        return exc.message
    details = exc.details or {}
    owed = format_money(details.get("balance", 0), details.get("currency", ""))
    text = f"the guest owes {owed}: take the payment before check-out"
    if may_override_balance(request):
        return text + " (or “Check out anyway”, recorded in the audit)."
    return text + " (a manager may check out anyway)."


# --- the POST view --------------------------------------------------------------------------------


def _errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {error}".lstrip(": ")
        for name, errors in form.errors.items()
        for error in errors
    )


def _folio(form) -> str | None:
    return form.cleaned_data.get("folio") or None


def _run(op: str, request, booking, bill: dict) -> str:
    """Parse the op's form, call its service; the success message. Raises ValidationFailed
    (the form's errors) and the service's DomainErrors."""
    data, booking_id = request.POST, booking.bookingId
    currency = bill["currency"]
    folio_ids = [f["folioId"] for f in bill["folios"]]
    kwargs = {"currency": currency, "folio_ids": folio_ids}
    actor = who(request)
    money = lambda amount: format_money(amount, currency)  # noqa: E731
    if op == "charge":
        form = ChargeForm(data, **kwargs)
        _valid(form)
        c = form.cleaned_data
        line = desk.folio_charge(
            booking_id=booking_id,
            description=c["description"],
            amount=c["amount"],
            quantity=c["quantity"],
            tax_category=c["tax_category"],
            category=c["category"],
            folio_id=_folio(form),
            **actor,
        )
        return f"Posted {line.lineId}: {line.description} × {line.quantity}, {money(line.amount)}."
    if op == "payment":
        form = PaymentForm(data, **kwargs)
        _valid(form)
        c = form.cleaned_data
        line = desk.folio_payment(
            booking_id=booking_id,
            amount=c["amount"],
            method=c["method"],
            reference=c["reference"] or None,
            folio_id=_folio(form),
            **actor,
        )
        return f"Payment {line.lineId}: {money(line.amount)} ({line.method}) received."
    if op == "reverse":
        form = ReverseForm(data, **kwargs)
        _valid(form)
        c = form.cleaned_data
        line = desk.folio_reverse(
            booking_id=booking_id, line_id=c["line"], reason=c["reason"], **actor
        )
        return f"Reversed {c['line']} ({line.lineId}): {c['reason']}."
    if op == "allowance":
        form = AllowanceForm(data, **kwargs)
        _valid(form)
        c = form.cleaned_data
        line = desk.folio_allowance(
            booking_id=booking_id,
            amount=c["amount"],
            reason=c["reason"],
            tax_category=c["tax_category"],
            folio_id=_folio(form),
            **actor,
        )
        return f"Allowance {line.lineId}: {money(line.amount)} off ({c['reason']})."
    if op == "split":
        line_ids = [x["lineId"] for f in bill["folios"] for x in f["lines"]]
        form = SplitForm(data, line_ids=line_ids, **kwargs)
        _valid(form)
        folio_id, _ = desk.folio_split(
            booking_id=booking_id,
            line_ids=form.cleaned_data["lines"],
            payer=form.payer(),
            **actor,
        )
        moved = ", ".join(form.cleaned_data["lines"])
        return f"Moved {moved} to folio {folio_id} ({form.cleaned_data['name']})."
    return _invoice(request, booking, bill)


def _invoice(request, booking, bill: dict) -> str:
    folio_id = request.POST.get("folio") or bill["folios"][0]["folioId"]
    invoice = invoice_issue(booking_id=booking.bookingId, folio_id=folio_id, **who(request))
    return f"Invoice {invoice.number} issued for folio {folio_id}."


def _stored_bill(booking) -> dict:
    """The bill as stored (its folios and lines, for the forms' choices) without a sync: the
    service the form calls syncs before it posts."""
    header = header_read(booking.bookingId)
    lines = folio_lines(booking.bookingId) if header is not None else []
    return bill_dict(FolioState(booking=booking, header=header, lines=lines))


def _valid(form) -> None:
    if not form.is_valid():
        raise ValidationFailed(f"Nothing was posted: {_errors(form)}")


def folio_post(request, owner, op: str) -> None:
    """Run one bill form (OPERATIONS) on the bill of `owner` (a Booking or a reservation's
    ReservationOwner), the outcome as a message. Raises PermissionDenied."""
    allowed = OPERATIONS.get(op)
    if allowed is None or not allowed(request):
        raise PermissionDenied
    try:
        text = _run(op, request, owner, _stored_bill(owner))
    except DomainError as exc:
        messages.error(request, f"{owner.bookingId}: {exc.message}")
    else:
        messages.success(request, f"{owner.bookingId}: {text}")


class FolioDeskMixin:
    """BookingAdmin's bill: the folio URL, its view, and the managers' "Check out anyway"."""

    def get_extra_object_urls(self, wrap) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            *super().get_extra_object_urls(wrap),
            path(
                "<path:object_id>/folio/<slug:op>/",
                wrap(self.folio_view),
                name=f"{prefix}_folio",
            ),
        ]

    def folio_view(self, request, object_id: str, op: str):
        """POST one bill form (OPERATIONS), then back to the booking's page."""
        booking = self.get_object(request, object_id)
        if booking is None:
            return self._missing(request, object_id)
        if not self.has_view_permission(request, booking):
            raise PermissionDenied
        back = HttpResponseRedirect(self.object_url(booking.bookingId) + "#booking-bill")
        if request.method == "POST":
            folio_post(request, booking, op)
        return back

    def has_override_balance_permission(self, request) -> bool:
        return may_override_balance(request)

    @action(description="Check out anyway (balance due)", permissions=["override_balance"])
    def check_out_anyway(self, request, bookings):
        self._transition(request, bookings, CHECKED_OUT, override_balance=True)


def folio_header_owes(booking_id: str) -> bool:
    """Whether the booking's bill (its header, one GetItem) says the guest owes money."""
    header = header_read(booking_id)
    return header is not None and header.balance > 0
