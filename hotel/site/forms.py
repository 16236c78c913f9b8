"""Guest-site forms. They parse input; the rules are the services' (stay_validate,
booking_create's guest checks), whose errors are put back on the fields they name."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.clock import hotel_today
from bookings.services import stay_validate
from hotel.errors import DomainError
from rooms.room_types import room_type_choices

# The services name fields in the API's camelCase; the forms use snake_case.
DOMAIN_FIELDS = {
    "checkIn": "check_in",
    "checkOut": "check_out",
    "guests": "guests",
    "guestName": "guest_name",
    "guestEmail": "guest_email",
    "guestPhone": "guest_phone",
    "notes": "notes",
}
MAX_GUESTS = 12


def add_domain_errors(form: forms.Form, exc: DomainError, *, fallback: str | None = None) -> None:
    """Put a domain error's field messages on the form's fields (the rest on `fallback`)."""
    fields = (exc.details or {}).get("fields") or {}
    placed = False
    for name, messages in fields.items():
        target = DOMAIN_FIELDS.get(name)
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(fallback if fallback in form.fields else None, exc.message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


class StayForm(forms.Form):
    """Check-in and check-out, validated by the booking rules (past, reversed, too long)."""

    check_in = date_field(_("Check-in"))
    check_out = date_field(_("Check-out"))

    def __init__(self, *args, now: datetime, **kwargs):
        self.now = now
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        check_in, check_out = data.get("check_in"), data.get("check_out")
        if isinstance(check_in, date) and isinstance(check_out, date):
            try:
                stay_validate(check_in=check_in, check_out=check_out, today=hotel_today(self.now))
            except DomainError as exc:
                add_domain_errors(self, exc, fallback="check_out")
        return data


class SearchForm(StayForm):
    guests = forms.IntegerField(
        label=_("Guests"),
        min_value=1,
        max_value=MAX_GUESTS,
        initial=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    room_type = forms.ChoiceField(
        label=_("Room type"),
        required=False,
        choices=[("", _("Any room type"))],  # and the hotel's types, when the form is made
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room_type"].choices = [
            ("", _("Any room type")),
            *room_type_choices(for_sale=True),
        ]


class GuestDetailsForm(StayForm):
    """The booking form: the stay (hidden, from the results page) and the guest."""

    guests = forms.IntegerField(label=_("Guests"), min_value=1, max_value=MAX_GUESTS)
    guest_name = forms.CharField(
        label=_("Full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    guest_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send the confirmation and your booking link here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    guest_phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    notes = forms.CharField(
        label=_("Special requests (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Arrival time, a cot, a quiet room… We do our best."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("check_in", "check_out"):
            self.fields[name].widget = forms.HiddenInput()


class ChangeDatesForm(StayForm):
    pass


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Booking reference"),
        max_length=64,
        help_text=_("It looks like BK-20260309-ABCD2345 and is in your confirmation email."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email used for the booking"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
