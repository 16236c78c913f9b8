"""Bookings in the admin: the front desk's list, the booking page and its lifecycle actions.

Bookings change only through bookings.services (walk-in creation, lifecycle transitions,
change of dates or room), never by editing fields. Registered in hotel/backoffice/admin.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html

from bookings import room_state, services
from bookings.lifecycle import STATUS_LABELS, allowed_targets, can_change
from bookings.models import (
    CANCEL_PERMS,
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    NO_SHOW,
    PENDING,
    Booking,
)
from hotel.audit.selectors import audit_for_object
from hotel.dynamo_admin import (
    AttributeFilter,
    DateFilter,
    DynamoModelAdmin,
    PresetFilter,
    action,
    display,
    who,
)
from hotel.dynamo_admin.forms import DateInput
from hotel.dynamo_admin.rendering import action_label, format_day, format_value
from hotel.errors import DomainError, StaleObject
from hotel.templatetags.money import format_money
from payments.admin import payments_for_booking_page

from .booking_forms import TYPE_CHOICE, BookingForm, WalkInForm, walk_in_prefill
from .booking_terms import booking_terms_context
from .cancel import cancel_bookings
from .desk_confirm import confirm_paid_bookings, confirm_walk_in
from .folio_desk import FolioDeskMixin, folio_context, folio_header_owes, transition_error
from .guest_badges import booking_guest_context
from .guest_data import guest_data_context
from .registration_card import RegistrationCardMixin
from .reservations import ReservationSearchMixin, reservation_context
from .room_desk import booking_nights_held, booking_room_context, room_label

SOURCE_LABELS = {"web": "Website", "api": "API", "front_desk": "Front desk"}
# The staff transitions as actions: target status -> (action name, past tense for messages).
TRANSITION_ACTIONS = {
    CONFIRMED: ("confirm", "Confirmed"),
    CHECKED_IN: ("check_in", "Checked in"),
    CHECKED_OUT: ("check_out", "Checked out"),
    CANCELLED: ("cancel", "Cancelled"),
    NO_SHOW: ("no_show", "Marked as no-show"),
}
STAY_FIELDS = ["checkIn", "checkOut", "roomId"]


def _day(value: str | None):
    """A stored YYYY-MM-DD as the back office shows days (DATE_FORMAT: Mon 9 Mar 2026)."""
    return format_day(value)


def _stay(booking: Booking) -> str:
    return (
        f"room {room_label(booking)}, {_day(booking.checkIn)} → {_day(booking.checkOut)} "
        f"({_nights(booking)} night{'s' if _nights(booking) != 1 else ''}), "
        f"total {format_money(booking.totalPrice, booking.currency)}"
    )


def _nights(booking: Booking) -> int:
    return (date.fromisoformat(booking.checkOut) - date.fromisoformat(booking.checkIn)).days


def front_desk_views() -> list[tuple[str, dict[str, str]]]:
    """The lists the front desk opens most, each one index Query."""
    today = services.hotel_today(timezone.now()).isoformat()
    return [
        ("Arrivals today", {"status": CONFIRMED, "arrival__gte": today, "arrival__lte": today}),
        ("In house", {"status": CHECKED_IN}),
        (
            "Departures today",
            {"status": CHECKED_IN, "departure__gte": today, "departure__lte": today},
        ),
        ("Pending holds", {"status": PENDING}),
    ]


class EmailFilter(AttributeFilter):
    """Emails are stored lower-case."""

    def parse(self, raw: str):
        return super().parse(raw).lower()


# --- bookings -------------------------------------------------------------------------------------


class BookingAdmin(ReservationSearchMixin, RegistrationCardMixin, FolioDeskMixin, DynamoModelAdmin):
    object_type = "bookings.booking"
    list_display = (
        "bookingId",
        "guestName",
        "roomId",
        "checkIn",
        "checkOut",
        "nights",
        "status",
        "totalPrice",
        "source",
    )
    list_filter = (
        PresetFilter(title="front desk list", presets=front_desk_views, all_label="All bookings"),
        # Before status: a guest's few bookings drive the read even with a status chosen.
        EmailFilter("guestEmail", title="guest email", index=Booking.by_guest, placeholder="Email"),
        AttributeFilter("status", index=Booking.by_status, fan_out=True),
        DateFilter("checkIn", title="arrival", parameter="arrival"),
        DateFilter("checkOut", title="departure", parameter="departure"),
    )
    search_fields = ("bookingId", "guestName", "guestEmail", "guestPhone")
    search_help_text = "A booking id (BK-…), a guest's email, or part of a name or phone number."
    choices = {"status": STATUS_LABELS, "source": SOURCE_LABELS}
    audit_money_fields = ("totalPrice", "subtotal", "tax")
    fields = (
        "bookingId",
        "status",
        "hold_expires",
        "guestName",
        "guestEmail",
        "guestPhone",
        "guests",
        "checkIn",
        "checkOut",
        "roomId",
        "roomType",
        "nights",
        "totalPrice",
        "source",
        "notes",
        "createdAt",
        "updatedAt",
    )
    labels = {
        "bookingId": "Booking",
        "guestName": "Guest",
        "guestEmail": "Email",
        "guestPhone": "Phone",
        "roomId": "Room",
        "checkIn": "Check-in",
        "checkOut": "Check-out",
        "totalPrice": "Total",
        "createdAt": "Created",
        "updatedAt": "Last changed",
    }
    actions = ("confirm", "check_in", "check_in_anyway", "check_out", "cancel", "no_show")
    object_actions = (*actions, "check_out_anyway")
    form = BookingForm
    change_form_template = "admin/bookings/booking/change_form.html"
    list_per_page = 50

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Bookings are cancelled, never deleted: payments and the audit name them.

    # --- the list -------------------------------------------------------------------------------

    def get_default_filters(self, request) -> dict[str, str]:
        """The front desk's first screen: today's confirmed arrivals (one index Query)."""
        return front_desk_views()[0][1]

    def search_key(self, term: str) -> str:
        return term.strip().upper()

    def search_lookups(self, term: str):
        term = term.strip()
        if "@" in term and " " not in term:
            return {"guestEmail": term.lower()}
        return None

    def search_terms(self, term: str) -> set[str]:
        return {term, term.upper(), term.lower(), term.title()} - {""}

    def format_attribute(self, obj, name):
        if name in ("totalPrice", "subtotal", "tax"):
            return format_money(getattr(obj, name), obj.currency)
        if name in ("checkIn", "checkOut"):
            return _day(getattr(obj, name))
        if name == "roomId":
            return room_label(obj)
        return super().format_attribute(obj, name)

    def describe_action(self, action: str) -> str:
        if action.startswith("status:"):
            status = action.split(":", 1)[1]
            return f"Status → {STATUS_LABELS.get(status, status)}"
        labels = {"change": "Changed dates / room", "cancel:refund": "Cancellation refund"}
        return labels.get(action) or action_label(action)

    @display(description="Nights")
    def nights(self, booking):
        return _nights(booking)

    @display(description="Hold expires")
    def hold_expires(self, booking):
        if booking.status != PENDING or booking.expiresAt is None:
            return None
        return booking.expiresAt

    # --- the booking page -----------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(WalkInForm.base_fields)
        return list(self.fields)

    def get_editable_fields(self, request, obj=None):
        if obj is not None and can_change(obj):
            return list(STAY_FIELDS)
        return []

    def get_form(self, request, obj=None):
        if obj is None:
            return WalkInForm
        return super().get_form(request, obj)

    def formfield_for_attribute(self, name, attr, request=None):
        if name in ("checkIn", "checkOut"):
            return forms.DateField(
                label=self.labels[name],
                widget=DateInput,
                help_text=(
                    "Change the dates or the room, then press “Change dates / move room”: "
                    "the stay is re-priced and the new nights must be free."
                    if name == "checkOut"
                    else ""
                ),
            )
        if name == "roomId":
            return forms.ChoiceField(label="Room", required=False)
        return super().formfield_for_attribute(name, attr, request)

    def get_initial(self, request, obj=None):
        if obj is not None:
            return super().get_initial(request, obj)
        today = services.hotel_today(timezone.now())
        initial = {"checkIn": today, "checkOut": today + timedelta(days=1), "guests": 1}
        return {**initial, **walk_in_prefill(request.GET)}  # the rack's links to a free night

    def get_form_data(self, request, form, obj=None):
        if obj is None:
            return dict(form.cleaned_data)
        return super().get_form_data(request, form, obj)

    def get_changeform_context(self, request, obj) -> dict:
        if obj is None:
            return {}
        now = timezone.now()
        entries = audit_for_object(object_type=self.object_type, object_id=obj.bookingId, limit=20)
        return {
            "nights_held": booking_nights_held(obj, now=now),
            "price_lines": [
                {
                    "night": _day(line.get("date")),
                    "amount": format_money(line.get("amount", 0), obj.currency),
                    "rule": line.get("rule") or "Room price",
                }
                for line in obj.nightly or []
            ],
            "price_totals": [
                ("Subtotal", format_money(obj.subtotal, obj.currency)),
                ("Tax", format_money(obj.tax, obj.currency)),
                ("Total", format_money(obj.totalPrice, obj.currency)),
            ],
            "audit_trail": [
                {
                    "entry": e,
                    "label": self.describe_action(e.action),
                    "changes": self.audit_lines(e),
                }
                for e in entries
            ],
            "history_url": self.object_url(obj.bookingId, "history"),
            "terms": booking_terms_context(obj),
            "payments": payments_for_booking_page(request, obj.bookingId),
            "bill": folio_context(request, obj),
            **booking_room_context(request, obj),
            **self.registration_context(obj),
            "registration_card_url": self.object_url(obj.bookingId, "registration_card"),
            **booking_guest_context(request, obj),
            **guest_data_context(request, obj),
            **reservation_context(obj),
        }

    # --- writes through the services ------------------------------------------------------------

    def create_object(self, request, data):
        choice = data["roomId"]
        by_type = choice.startswith(TYPE_CHOICE)
        created = services.booking_create(
            room_id=None if by_type else choice,
            room_type=choice.removeprefix(TYPE_CHOICE) if by_type else None,
            check_in=data["checkIn"],
            check_out=data["checkOut"],
            guests=data["guests"],
            children_ages=data.get("childrenAges") or [],
            rate_plan=data.get("ratePlan") or None,
            promo_code=data.get("promoCode") or None,
            channel="staff",
            guest_name=data["guestName"],
            guest_email=data.get("guestEmail") or None,
            guest_phone=data.get("guestPhone") or None,
            notes=data.get("notes") or "",
            source="front_desk",
            **who(request),
        )
        return created.booking

    def save_extra(self, request, obj, form, *, add):
        if add and form.cleaned_data.get("confirm_now"):
            return confirm_walk_in(self, request, obj, form.cleaned_data)
        return obj

    def update_object(self, request, obj, data, expected_version):
        if expected_version is not None and expected_version != obj.version:
            raise StaleObject()
        return services.booking_change(
            booking_id=obj.bookingId,
            check_in=data.get("checkIn"),
            check_out=data.get("checkOut"),
            room_id=data.get("roomId"),
            **who(request),
        )

    def response_add(self, request, obj):
        link = format_html('<a href="{}">{}</a>', self.object_url(obj.bookingId), obj.bookingId)
        if obj.status == CONFIRMED:
            message = format_html(
                "Booking {} is confirmed for {}: {}.", link, obj.guestName, _stay(obj)
            )
        else:
            message = format_html(
                "Booking {} is held for {}: {}. The hold expires at {} unless the booking is "
                "confirmed (“Confirm (paid at desk)” once paid).",
                link,
                obj.guestName,
                _stay(obj),
                format_value(obj.expiresAt),
            )
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(self.object_url(obj.bookingId))

    def response_change(self, request, obj):
        self.message_user(
            request, f"Booking {obj.bookingId} is now: {_stay(obj)}.", messages.SUCCESS
        )
        return HttpResponseRedirect(self.object_url(obj.bookingId))

    # --- lifecycle actions (list and booking page) ----------------------------------------------

    def has_cancel_permission(self, request) -> bool:
        """The front desk (who change bookings) and accountants (who settle refunds) cancel."""
        return any(request.user.has_perm(p) for p in CANCEL_PERMS)

    def get_object_actions(self, request, obj):
        allowed = super().get_object_actions(request, obj)
        offered = {TRANSITION_ACTIONS[status][0] for status in allowed_targets(obj.status)}
        if "check_in" in offered and obj.roomId and room_state.checkin_needs_override(obj.roomId):
            offered.add("check_in_anyway")  # the room is dirty or out of service
        if "check_out" in offered and folio_header_owes(obj.bookingId):
            offered.add("check_out_anyway")  # managers: money owed, audited
        return {name: value for name, value in allowed.items() if name in offered}

    @action(description="Confirm (paid at desk)", permissions=["change"])
    def confirm(self, request, bookings):
        """A page asking what was taken, then the confirm with the payment on the bill."""
        return confirm_paid_bookings(self, request, bookings)

    @action(description="Check in", permissions=["change"])
    def check_in(self, request, bookings):
        self._transition(request, bookings, CHECKED_IN)

    @action(description="Check in anyway (room not ready)", permissions=["change"])
    def check_in_anyway(self, request, bookings):
        self._transition(request, bookings, CHECKED_IN, override_housekeeping=True)

    @action(description="Check out", permissions=["change"])
    def check_out(self, request, bookings):
        self._transition(request, bookings, CHECKED_OUT)

    @action(description="Cancel", permissions=["cancel"])
    def cancel(self, request, bookings):
        """A confirmation page with the refund, then payments' cancel (hotel.backoffice.cancel)."""
        return cancel_bookings(self, request, bookings)

    @action(description="No-show", permissions=["change"])
    def no_show(self, request, bookings):
        self._transition(request, bookings, NO_SHOW)

    def _transition(self, request, bookings, to_status: str, **options) -> None:
        """Move each booking; report which moved and why the others did not."""
        done = TRANSITION_ACTIONS[to_status][1]
        moved, failed = [], []
        for booking in bookings:
            if booking.status == to_status:
                failed.append(f"{booking.bookingId}: it is already {STATUS_LABELS[to_status]}.")
                continue
            try:
                services.booking_transition(
                    booking_id=booking.bookingId, to_status=to_status, **options, **who(request)
                )
            except DomainError as exc:
                failed.append(f"{booking.bookingId}: {transition_error(request, exc)}")
            else:
                moved.append(booking.bookingId)
        if moved:
            self.message_user(request, f"{done}: {', '.join(moved)}.", messages.SUCCESS)
        if failed:
            self.message_user(request, f"Not {done.lower()}: " + " ".join(failed), messages.ERROR)
