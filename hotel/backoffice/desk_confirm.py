"""The admin's "Confirm (paid at desk)": a page that asks what was taken — the amount per
booking (prefilled with what the guest owes), the method (cash, terminal, transfer) and a
reference — then confirms each booking and posts the money to its bill through
payments.folio.desk_confirm.booking_confirm_paid_at_desk. Nothing changes until the clerk
confirms (`post=yes`), as with Cancel (hotel.backoffice.cancel).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from bookings.booking_terms import booking_balance_due
from bookings.models import Booking
from hotel.dynamo_admin import who
from hotel.dynamo_admin.forms import MoneyField
from hotel.errors import DomainError
from hotel.templatetags.money import format_money
from payments.folio.desk_confirm import PaymentNotRecorded, booking_confirm_paid_at_desk
from payments.folio.models import CASH
from payments.selectors import booking_amount_paid

from .folio_forms import METHOD_LABELS, DeskPaymentFields

TEMPLATE = "admin/bookings/booking/confirm_paid.html"


def _amount_field(booking: Booking) -> MoneyField:
    return MoneyField(currency=booking.currency, required=False, min_value=0)


def _owed(booking: Booking) -> int:
    """What the guest owes once confirmed, before any bill exists: the stay and its extras
    less what was paid online (the bill, once confirmed, is the exact figure; a blank amount
    takes it)."""
    return booking_balance_due(booking, paid=booking_amount_paid(booking_id=booking.bookingId))


def confirm_paid_bookings(modeladmin, request, bookings: list[Booking]):
    """BookingAdmin's Confirm action: the page, or (post=yes) the confirms with payments."""
    currency = bookings[0].currency if bookings else settings.HOTEL_CURRENCY
    form = DeskPaymentFields(request.POST or None, currency=currency)
    if request.POST.get("post") != "yes":
        return _page(modeladmin, request, bookings, DeskPaymentFields(currency=currency))
    amounts, bad = {}, []
    for booking in bookings:
        field = _amount_field(booking)
        try:
            amounts[booking.bookingId] = field.clean(
                request.POST.get(f"amount-{booking.bookingId}", "")
            )
        except ValidationError as exc:
            bad.append(f"{booking.bookingId}: {' '.join(exc.messages)}")
    if not form.is_valid() or bad:
        return _page(modeladmin, request, bookings, form, errors=bad)
    method = form.cleaned_data["paid_method"]
    reference = form.cleaned_data["paid_reference"] or None
    done, failed = [], []
    for booking in bookings:
        try:
            paid = booking_confirm_paid_at_desk(
                booking_id=booking.bookingId,
                amount=amounts[booking.bookingId],
                method=method,
                reference=reference,
                **who(request),
            )
        except PaymentNotRecorded as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
        except DomainError as exc:
            failed.append(f"{booking.bookingId}: {exc.message}")
        else:
            done.append(paid_text(paid, method))
    if done:
        modeladmin.message_user(request, "Confirmed: " + " ".join(done), messages.SUCCESS)
    if failed:
        modeladmin.message_user(request, "Not confirmed: " + " ".join(failed), messages.ERROR)
    return None


def confirm_walk_in(modeladmin, request, booking: Booking, data: dict) -> Booking:
    """A walk-in ticked "paid at the desk": confirmed, with the money taken on its bill
    (the walk-in form's paid_amount — blank: the whole bill —, paid_method, paid_reference)."""
    method = data.get("paid_method") or CASH
    paid = booking_confirm_paid_at_desk(
        booking_id=booking.bookingId,
        amount=data.get("paid_amount"),
        method=method,
        reference=data.get("paid_reference") or None,
        **who(request),
    )
    modeladmin.message_user(request, f"Paid at the desk: {paid_text(paid, method)}")
    return paid.booking


def paid_text(paid, method: str) -> str:
    """ "BK-…: ₹224.00 taken (cash)." or "BK-…: nothing taken." for a message."""
    booking = paid.booking
    if not paid.amount:
        return f"{booking.bookingId}: nothing taken."
    money = format_money(paid.amount, booking.currency)
    return f"{booking.bookingId}: {money} taken ({METHOD_LABELS.get(method, method).lower()})."


def _page(modeladmin, request, bookings, form, *, errors=()):
    rows = []
    for booking in bookings:
        owed = _owed(booking)
        sent = request.POST.get(f"amount-{booking.bookingId}")
        rows.append(
            {
                "booking": booking,
                "url": modeladmin.object_url(booking.bookingId),
                "stay": f"{modeladmin.format_attribute(booking, 'checkIn')} → "
                f"{modeladmin.format_attribute(booking, 'checkOut')}, "
                f"room {modeladmin.format_attribute(booking, 'roomId')}",
                "total": format_money(booking.totalPrice, booking.currency),
                "owed": format_money(owed, booking.currency),
                "amount": sent if sent is not None else _amount_field(booking).prepare_value(owed),
                "pending": booking.status == "pending",
            }
        )
    context = modeladmin.base_context(
        request,
        title="Confirm (paid at desk)"
        if len(bookings) == 1
        else f"Confirm {len(bookings)} bookings (paid at desk)",
        subtitle=None,
        rows=rows,
        form=form,
        errors=list(errors),
        form_url=request.get_full_path(),
        back_url=modeladmin.object_url(bookings[0].bookingId)
        if len(bookings) == 1
        else modeladmin.changelist_url(),
    )
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)
