"""Bookings and rate rules in the admin: the front desk's list, booking page and actions.

Bookings change only through bookings.services (walk-in creation, lifecycle transitions,
change of dates or room), never by editing fields; rate rules through bookings.rates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html

from hotel.accounts import roles
from hotel.admin_site import site
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
from hotel.dynamo_admin.forms import (
    VERSION_FIELD,
    DateInput,
    DynamoForm,
    MoneyField,
    build_form_class,
)
from hotel.dynamo_admin.rendering import action_label, format_day, format_value
from hotel.errors import DomainError, StaleObject
from hotel.templatetags.money import format_money
from payments.admin import payments_for_booking_page
from rooms.models import ROOM_TYPES, STATUS_MAINTENANCE
from rooms.selectors import rooms_list

from . import admin_cancel, backoffice, rates, room_state, services
from .models import (
    CANCEL_PERMS,
    CANCELLED,
    CHECKED_IN,
    CHECKED_OUT,
    CONFIRMED,
    EXPIRED,
    LIVE_STATUSES,
    NO_SHOW,
    PENDING,
    Booking,
    RateRuleItem,
)
from .pricing import FIXED, PERCENT, stay_nights
from .selectors import booking_nights

STATUS_LABELS = {
    PENDING: "Pending (held)",
    CONFIRMED: "Confirmed",
    CHECKED_IN: "Checked in",
    CHECKED_OUT: "Checked out",
    CANCELLED: "Cancelled",
    NO_SHOW: "No-show",
    EXPIRED: "Expired",
}
SOURCE_LABELS = {"web": "Website", "api": "API", "front_desk": "Front desk"}
# The staff transitions as actions: target status -> (action name, past tense for messages).
TRANSITION_ACTIONS = {
    CONFIRMED: ("confirm", "Confirmed"),
    CHECKED_IN: ("check_in", "Checked in"),
    CHECKED_OUT: ("check_out", "Checked out"),
    CANCELLED: ("cancel", "Cancelled"),
    NO_SHOW: ("no_show", "Marked as no-show"),
}
CHANGEABLE = frozenset({PENDING, CONFIRMED})  # what booking_change accepts
STAY_FIELDS = ["checkIn", "checkOut", "roomId"]
# Front desk holds `bookings.*`, which would include the rate rules: editing prices is
# deliberately left to managers; the front desk may look them up.
RATE_EDITOR_ROLES = frozenset({roles.MANAGER})
WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


def _day(value: str | None):
    """A stored YYYY-MM-DD as the back office shows days (DATE_FORMAT: Mon 9 Mar 2026)."""
    return format_day(value)


def _stay(booking: Booking) -> str:
    return (
        f"room {booking.roomId}, {_day(booking.checkIn)} → {_day(booking.checkOut)} "
        f"({_nights(booking)} night{'s' if _nights(booking) != 1 else ''}), "
        f"total {format_money(booking.totalPrice, booking.currency)}"
    )


def _nights(booking: Booking) -> int:
    return (date.fromisoformat(booking.checkOut) - date.fromisoformat(booking.checkIn)).days


def room_choices(*, include: str | None = None) -> list[tuple[str, str]]:
    """Every room as a choice (the rooms table is small); `include` keeps a vanished room."""
    rooms, _ = rooms_list(limit=1000)
    choices = [
        (
            room.roomId,
            f"{room.roomId} · {room.roomType}, up to {room.capacity} · "
            f"{format_money(room.pricePerNight, room.currency)}/night"
            + (" · maintenance" if room.status == STATUS_MAINTENANCE else ""),
        )
        for room in sorted(rooms, key=lambda r: r.roomId)
    ]
    if include and include not in {value for value, _ in choices}:
        choices.insert(0, (include, f"{include} (no longer exists)"))
    return choices


# --- forms ----------------------------------------------------------------------------------------


class BookingForm(DynamoForm):
    """Fills the room choices; a service's complaint about guests belongs to the room."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "roomId" in self.fields:
            current = self.obj.roomId if self.obj is not None else None
            self.fields["roomId"].choices = room_choices(include=current)

    def field_for_error(self, name: str) -> str:
        if name == "guests" and name not in self.fields:
            return "roomId"
        return name


class WalkInForm(BookingForm):
    """A booking taken at the desk or on the phone: the email is optional."""

    roomId = forms.ChoiceField(label="Room")
    checkIn = forms.DateField(label="Check-in", widget=DateInput)
    checkOut = forms.DateField(
        label="Check-out", widget=DateInput, help_text="The day the guest leaves (not a night)."
    )
    guests = forms.IntegerField(label="Guests", min_value=1, max_value=100)
    guestName = forms.CharField(label="Guest name", max_length=120)
    guestEmail = forms.EmailField(
        label="Email", required=False, help_text="Optional: the confirmation is sent here."
    )
    guestPhone = forms.CharField(
        label="Phone", required=False, max_length=25, help_text="E.g. +91 98765 43210."
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    confirm_now = forms.BooleanField(
        label="Paid at the desk: confirm now",
        required=False,
        help_text="Unticked, the room is only held (for the hold period) until someone "
        "confirms the booking.",
    )


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


class BookingAdmin(DynamoModelAdmin):
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
    object_actions = actions
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
        if obj is not None and obj.status in CHANGEABLE:
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
            return forms.ChoiceField(label="Room")
        return super().formfield_for_attribute(name, attr, request)

    def get_initial(self, request, obj=None):
        if obj is not None:
            return super().get_initial(request, obj)
        today = services.hotel_today(timezone.now())
        return {"checkIn": today, "checkOut": today + timedelta(days=1), "guests": 1}

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
            "nights_held": self.nights_held(obj, now=now),
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
            "payments": payments_for_booking_page(request, obj.bookingId),
        }

    def nights_held(self, booking: Booking, *, now: datetime) -> list[dict]:
        """Each night of the stay and what the room-night lock says about it."""
        held = {night.night: night for night in booking_nights(booking=booking)}
        live = booking.status in LIVE_STATUSES
        rows = []
        for night in stay_nights(
            date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut)
        ):
            item = held.get(night.isoformat())
            if item is None:
                state = "Not held: sold after the hold expired" if live else "Released"
                warning = live
            elif item.holdExpiresAt is None:
                state, warning = "Held", False
            else:
                until = datetime.fromtimestamp(int(item.holdExpiresAt), UTC)
                expired = until <= now
                state = f"{'Hold expired at' if expired else 'On hold until'} {format_value(until)}"
                warning = expired
            rows.append(
                {
                    "night": _day(night.isoformat()),
                    "room": booking.roomId,
                    "state": state,
                    "warning": warning,
                }
            )
        return rows

    # --- writes through the services ------------------------------------------------------------

    def create_object(self, request, data):
        created = services.booking_create(
            room_id=data["roomId"],
            check_in=data["checkIn"],
            check_out=data["checkOut"],
            guests=data["guests"],
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
            return services.booking_transition(
                booking_id=obj.bookingId, to_status=CONFIRMED, **who(request)
            )
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
        offered = {
            TRANSITION_ACTIONS[status][0]
            for status in services.TRANSITIONS.get(obj.status, frozenset()) & services.STAFF_TARGETS
        }
        if "check_in" in offered and room_state.checkin_needs_override(obj.roomId):
            offered.add("check_in_anyway")  # the room is dirty or out of service
        return {name: value for name, value in allowed.items() if name in offered}

    @action(description="Confirm (paid at desk)", permissions=["change"])
    def confirm(self, request, bookings):
        self._transition(request, bookings, CONFIRMED)

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
        """A confirmation page with the refund, then payments' cancel (bookings/admin_cancel)."""
        return admin_cancel.cancel_bookings(self, request, bookings)

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
                failed.append(f"{booking.bookingId}: {exc.message}")
            else:
                moved.append(booking.bookingId)
        if moved:
            self.message_user(request, f"{done}: {', '.join(moved)}.", messages.SUCCESS)
        if failed:
            self.message_user(request, f"Not {done.lower()}: " + " ".join(failed), messages.ERROR)


# --- rate rules -----------------------------------------------------------------------------------


class RateRuleForm(DynamoForm):
    """A rule's fields; the value is typed as a percentage or as a price, by kind."""

    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="Shown in each booking's price breakdown, e.g. “Weekend +20%”.",
    )
    roomType = forms.ChoiceField(
        label="Room type",
        required=False,
        choices=[("", "All room types"), *((t, t) for t in ROOM_TYPES)],
    )
    startDate = forms.DateField(
        label="First night",
        required=False,
        widget=DateInput,
        help_text="Empty: since always.",
    )
    endDate = forms.DateField(
        label="Last night",
        required=False,
        widget=DateInput,
        help_text="Included. Empty: no end.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays",
        required=False,
        coerce=int,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        help_text="The nights of the week it applies to; none ticked: every night.",
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[(PERCENT, "Percentage of the room's price"), (FIXED, "Fixed price per night")],
        widget=forms.RadioSelect,
        initial=PERCENT,
    )
    percent = forms.IntegerField(
        label="Adjustment (%)",
        required=False,
        help_text="For a percentage: 20 raises the price by 20%, -15 takes 15% off "
        "(from -100 to 500).",
    )
    price = MoneyField(
        currency=settings.HOTEL_CURRENCY,
        label="Fixed price per night",
        required=False,
        help_text=f"For a fixed price, in {settings.HOTEL_CURRENCY}: replaces the room's price.",
    )
    priority = forms.IntegerField(
        label="Priority",
        initial=0,
        help_text="When several rules match a night, the one with the highest priority wins.",
    )
    minStay = forms.IntegerField(
        label="Minimum stay",
        required=False,
        help_text="Nights. Stays that include a night this rule matches must be this long.",
    )
    maxStay = forms.IntegerField(label="Maximum stay", required=False, help_text="Nights.")
    active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Inactive rules are kept but no longer used for new prices.",
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == PERCENT and cleaned.get("percent") is None and "percent" not in self.errors:
            self.add_error("percent", "Enter the percentage of a percentage rule.")
        if kind == FIXED and cleaned.get("price") is None and "price" not in self.errors:
            self.add_error("price", "Enter the nightly price of a fixed-price rule.")
        return cleaned

    def field_for_error(self, name: str) -> str:
        if name == "value":
            return "price" if self.cleaned_data.get("kind") == FIXED else "percent"
        return name

    @staticmethod
    def initial_for(rule: RateRuleItem) -> dict:
        return {
            "name": rule.name,
            "roomType": rule.roomType or "",
            "startDate": rule.startDate,
            "endDate": rule.endDate,
            "weekdays": [int(d) for d in rule.weekdays or []],
            "kind": rule.kind,
            "percent": rule.value if rule.kind == PERCENT else None,
            "price": rule.value if rule.kind == FIXED else None,
            "priority": rule.priority,
            "minStay": rule.minStay,
            "maxStay": rule.maxStay,
            "active": rule.active,
        }

    def rule_data(self) -> dict:
        """What rates.rate_rule_save takes."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "value": data["price"] if data["kind"] == FIXED else data["percent"],
            "roomType": data.get("roomType") or None,
            "startDate": data.get("startDate"),
            "endDate": data.get("endDate"),
            "weekdays": data.get("weekdays") or [],
            "priority": data.get("priority") or 0,
            "minStay": data.get("minStay"),
            "maxStay": data.get("maxStay"),
            "active": bool(data.get("active")),
        }


class RateRuleAdmin(DynamoModelAdmin):
    object_type = rates.OBJECT_TYPE
    verbose_name = "rate rule"
    list_display = (
        "name",
        "roomType",
        "dates",
        "weekdays",
        "kind",
        "value",
        "priority",
        "stay",
        "active",
    )
    list_filter = ("active", AttributeFilter("kind", choices=[PERCENT, FIXED]))
    search_fields = ("name",)
    search_help_text = "Part of a rule's name."
    readonly_fields = ("lastUpdated",)
    labels = {"roomType": "Room type", "lastUpdated": "Last updated"}
    choices = {"kind": {PERCENT: "Percentage", FIXED: "Fixed price"}}
    list_per_page = 100

    def audit_value(self, field, value, snapshot):
        """A fixed rule's value is a price (minor units); a percentage rule's a percentage."""
        if field == "value" and type(value) is int:
            if snapshot.get("kind") == FIXED:
                return self.audit_money(value, snapshot)
            return f"{value:+d} %"
        return super().audit_value(field, value, snapshot)

    # --- permissions: the front desk may look, only managers change prices --------------------

    def _may_edit(self, request, action: str) -> bool:
        return getattr(request.user, "role", None) in RATE_EDITOR_ROLES and request.user.has_perm(
            self.permission(action)
        )

    def has_add_permission(self, request) -> bool:
        return self._may_edit(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit(request, "delete")

    # --- display ----------------------------------------------------------------------------------

    def format_attribute(self, obj, name):
        if name == "roomType":
            return obj.roomType or "All room types"
        if name == "weekdays":
            days = sorted(int(d) for d in obj.weekdays or [])
            return ", ".join(WEEKDAYS[d][1] for d in days if 0 <= d <= 6) or "Every night"
        if name == "value":
            if obj.kind == FIXED:
                return format_money(obj.value, settings.HOTEL_CURRENCY)
            return f"{obj.value:+d}%"
        if name in ("startDate", "endDate"):
            return _day(getattr(obj, name)) or self.empty_value_display
        return super().format_attribute(obj, name)

    @display(description="Nights")
    def dates(self, rule):
        start, end = _day(rule.startDate), _day(rule.endDate)
        if start and end:
            return f"{start} – {end}"
        if start:
            return f"From {start}"
        if end:
            return f"Until {end}"
        return "Any"

    @display(description="Stay")
    def stay(self, rule):
        if rule.minStay and rule.maxStay:
            return f"{rule.minStay}–{rule.maxStay} nights"
        if rule.minStay:
            return f"At least {rule.minStay} nights"
        if rule.maxStay:
            return f"At most {rule.maxStay} nights"
        return None

    # --- the form -------------------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        if obj is None or self.has_change_permission(request, obj):
            names = list(RateRuleForm.base_fields)
            return names if obj is None else ["ruleId", *names, "lastUpdated"]
        return ["ruleId", *rates.FIELDS, "lastUpdated"]

    def get_form(self, request, obj=None):
        return build_form_class(
            base=RateRuleForm,
            model=self.model,
            editable=[],
            field_for=lambda name, attr: None,
            versioned=obj is not None,
        )

    def get_initial(self, request, obj=None):
        if obj is None:
            return {}
        return {**RateRuleForm.initial_for(obj), VERSION_FIELD: obj.version}

    def get_form_data(self, request, form, obj=None):
        return form.rule_data()

    # --- writes through bookings.rates -----------------------------------------------------------

    def create_object(self, request, data):
        return rates.rate_rule_save(rule_id=None, data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return rates.rate_rule_save(
            rule_id=obj.ruleId, data=data, expected_version=expected_version, **who(request)
        )

    def delete_object(self, request, obj, expected_version):
        rates.rate_rule_delete(
            rule_id=obj.ruleId, expected_version=expected_version, **who(request)
        )


site.register(Booking, BookingAdmin)
site.register(RateRuleItem, RateRuleAdmin)

# --- back-office pages (bookings/backoffice.py) ---------------------------------------------------
site.register_page(
    "dashboard/",
    backoffice.dashboard_view,
    name="backoffice_dashboard",
    title="Dashboard",
    description="Today's arrivals, departures and guests in house; occupancy; revenue, "
    "ADR and RevPAR.",
    allowed=backoffice.may_open_dashboard,
    order=10,
)
site.register_page(
    "dashboard/stay/",
    backoffice.stay_transition_view,
    name="backoffice_stay",
    title="Check in / check out",
    allowed=backoffice.may_change_bookings,
    menu=False,
)
site.register_page(
    "rack/",
    backoffice.rack_view,
    name="backoffice_rack",
    title="Room rack",
    description="Rooms × the next two weeks, every stay as a bar.",
    allowed=backoffice.may_view_bookings,
    order=20,
)
site.register_page(
    "reports/",
    backoffice.reports_view,
    name="backoffice_reports",
    title="Reports and exports",
    description="CSV files of bookings, payments and daily occupancy for a period.",
    allowed=backoffice.may_view_reports,
    order=40,
)
site.register_page(
    "reports/<str:kind>.csv",
    backoffice.export_view,
    name="backoffice_export",
    title="CSV export",
    allowed=backoffice.may_view_reports,
    menu=False,
)
