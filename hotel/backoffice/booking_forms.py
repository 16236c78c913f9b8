"""The booking forms of the admin: a booking's page (its room choices) and the walk-in form
a clerk fills for a booking taken at the desk or on the phone.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings

from bookings.rate_reads import rate_plans_all
from hotel.dates import day_range_error
from hotel.dynamo_admin.forms import DateInput, DynamoForm, MoneyField
from hotel.templatetags.money import format_money
from rooms.models import STATUS_MAINTENANCE
from rooms.room_types import room_type_choices
from rooms.selectors import rooms_list

from .folio_forms import MAX_REFERENCE, method_choices


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


TYPE_CHOICE = "type:"  # a walk-in's room choice that books a unit of a type: "type:Deluxe"


def type_choices() -> list[tuple[str, str]]:
    """A unit of each room type that has rooms, the product assigning the room later."""
    return [
        (TYPE_CHOICE + code, f"Any {name} — a room is assigned later")
        for code, name in room_type_choices(for_sale=True)
    ]


def walk_in_prefill(query) -> dict:
    """The new-booking form's values from the query string (the rack links a free night as
    ?roomId=101&checkIn=2026-03-09): a room, a first night and the next day; bad values are
    left out."""
    initial: dict = {}
    room_id = query.get("roomId", "").strip()[:64]
    room_type = query.get("roomType", "").strip()[:40]
    if room_id:
        initial["roomId"] = room_id
    elif room_type:  # the rack's "Unassigned" lane: a unit of the type
        initial["roomId"] = TYPE_CHOICE + room_type
    try:
        check_in = date.fromisoformat(query.get("checkIn", ""))
    except ValueError:
        return initial
    if day_range_error(check_in):
        return initial
    initial["checkIn"] = check_in
    try:
        check_out = date.fromisoformat(query.get("checkOut", ""))
    except ValueError:
        check_out = None
    ok = check_out is not None and check_out > check_in and not day_range_error(check_out)
    initial["checkOut"] = check_out if ok else check_in + timedelta(days=1)
    return initial


# --- forms ----------------------------------------------------------------------------------------


class BookingForm(DynamoForm):
    """Fills the room choices; a service's complaint about guests belongs to the room."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "roomId" in self.fields:
            current = self.obj.roomId if self.obj is not None else None
            choices = room_choices(include=current)
            if self.obj is not None and not current:  # sold as a unit of its type
                choices.insert(0, ("", "— (unassigned: keep, a room is assigned later)"))
            else:
                self.fields["roomId"].required = True
            self.fields["roomId"].choices = choices

    def field_for_error(self, name: str) -> str:
        if name == "guests" and name not in self.fields:
            return "roomId"
        return name


class WalkInForm(BookingForm):
    """A booking taken at the desk or on the phone: the email is optional. The room is a
    room (pinned) or "Any <type>" (a unit of the type, assigned later)."""

    roomId = forms.ChoiceField(label="Room")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roomId"].choices = [
            ("Room types", type_choices()),
            ("Rooms", list(self.fields["roomId"].choices)),
        ]
        self.fields["ratePlan"].choices = [
            (p.ratePlan, f"{p.name} ({p.ratePlan})") for p in rate_plans_all() if p.active
        ]

    def clean_childrenAges(self) -> list[int]:
        text = (self.cleaned_data.get("childrenAges") or "").replace(";", ",")
        try:
            ages = [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("Ages are whole numbers, e.g. 4, 9.") from None
        if any(not 0 <= age <= 17 for age in ages) or len(ages) > 8:
            raise forms.ValidationError("Up to 8 children, each 0 to 17 years old.")
        return ages

    checkIn = forms.DateField(label="Check-in", widget=DateInput)
    checkOut = forms.DateField(
        label="Check-out", widget=DateInput, help_text="The day the guest leaves (not a night)."
    )
    ratePlan = forms.ChoiceField(label="Rate plan", required=False)
    guests = forms.IntegerField(label="Adults", min_value=1, max_value=100)
    childrenAges = forms.CharField(
        label="Children's ages",
        required=False,
        max_length=40,
        help_text="E.g. 4, 9 — each child's age on arrival; empty: no children.",
    )
    promoCode = forms.CharField(label="Promo code", required=False, max_length=40)
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
    paid_amount = MoneyField(
        currency=settings.HOTEL_CURRENCY,
        label="Amount taken",
        required=False,
        min_value=0,
        help_text="Paid at the desk: blank takes the whole bill; 0 records no payment.",
    )
    paid_method = forms.ChoiceField(
        label="Paid by", choices=method_choices, initial="cash", required=False
    )
    paid_reference = forms.CharField(
        label="Payment reference",
        required=False,
        max_length=MAX_REFERENCE,
        help_text="Till, terminal slip or transfer reference.",
    )

    def clean(self):
        cleaned = super().clean()
        taken = cleaned.get("paid_amount") or cleaned.get("paid_reference")
        if taken and not cleaned.get("confirm_now"):
            self.add_error(
                "confirm_now", "Tick “Paid at the desk” to confirm and record the payment."
            )
        return cleaned
