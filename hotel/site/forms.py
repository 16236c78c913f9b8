"""Guest-site forms. They parse input; the rules are the services' (stay_validate,
booking_create's guest checks), whose errors are put back on the fields they name."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.clock import hotel_today
from bookings.offers import MAX_CHILDREN
from bookings.services import stay_validate
from hotel.errors import DomainError
from rooms.room_types import room_type_choices

from .refusals import refusal_text

# The services name fields in the API's camelCase; the forms use snake_case.
DOMAIN_FIELDS = {
    "checkIn": "check_in",
    "checkOut": "check_out",
    "guests": "adults",
    "adults": "adults",
    "childrenAges": "children",
    "ratePlan": "rate_plan",
    "promoCode": "promo_code",
    "guestName": "guest_name",
    "guestEmail": "guest_email",
    "guestPhone": "guest_phone",
    "notes": "notes",
}
MAX_GUESTS = 12
CHILD_AGE_CHOICES = [
    ("", _("Age?")),
    ("0", _("Under 1")),
    *[(str(a), str(a)) for a in range(1, 18)],
]


def add_domain_errors(form: forms.Form, exc: DomainError, *, fallback: str | None = None) -> None:
    """Put a domain error's field messages on the form's fields (the rest on `fallback`);
    without field messages, the refusal in the page's language (hotel.site.refusals)."""
    fields = (exc.details or {}).get("fields") or {}
    placed = False
    for name, messages in fields.items():
        target = DOMAIN_FIELDS.get(name)
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(fallback if fallback in form.fields else None, refusal_text(exc))


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


def age_field(n: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Child %(n)d") % {"n": n},
        choices=CHILD_AGE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )


class PartyForm(StayForm):
    """The stay and who stays: adults, a number of children and each child's age (one select
    per child, all rendered; site.js shows as many as the number chosen, and without it the
    page asks for the ages it lacks after a submit), and an optional promo code.

    The first version's `guests` (links, bookmarks, old pages) is read as `adults`."""

    adults = forms.IntegerField(
        label=_("Adults"),
        min_value=1,
        max_value=MAX_GUESTS,
        initial=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    children = forms.TypedChoiceField(
        label=_("Children"),
        choices=[(str(n), str(n)) for n in range(MAX_CHILDREN + 1)],
        coerce=int,
        required=False,
        empty_value=0,
        initial="0",
        widget=forms.Select(attrs={"data-children": ""}),
    )
    rate_plan = forms.RegexField(
        r"^[A-Za-z0-9_-]{1,40}$", required=False, widget=forms.HiddenInput()
    )
    promo_code = forms.CharField(
        label=_("Promo code (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "adults" not in data and "guests" in data:
            data = data.copy()
            data["adults"] = data["guests"]
        super().__init__(data, *args, **kwargs)
        for n in range(1, MAX_CHILDREN + 1):
            self.fields[f"age_{n}"] = age_field(n)

    def age_fields(self) -> list:
        """The age selects, each with whether it is shown (a child counted)."""
        shown = self.children_shown()
        return [(self[f"age_{n}"], n <= shown) for n in range(1, MAX_CHILDREN + 1)]

    def children_shown(self) -> int:
        value = self["children"].value()
        try:
            return min(max(int(value or 0), 0), MAX_CHILDREN)
        except (TypeError, ValueError):
            return 0

    def clean_promo_code(self) -> str:
        return (self.cleaned_data.get("promo_code") or "").strip().upper()

    def clean(self):
        data = super().clean()
        ages = []
        for n in range(1, (data.get("children") or 0) + 1):
            age = data.get(f"age_{n}")
            if age is None:
                if f"age_{n}" not in self.errors:
                    self.add_error(f"age_{n}", _("Choose the age of child %(n)d.") % {"n": n})
            else:
                ages.append(age)
        data["children_ages"] = tuple(ages)
        return data

    def stay_query(self, *, promo_code: str | None) -> dict:
        """The valid stay as query parameters (for the booking page's link)."""
        data = self.cleaned_data
        ages = data["children_ages"]
        query = {
            "check_in": data["check_in"].isoformat(),
            "check_out": data["check_out"].isoformat(),
            "adults": data["adults"],
            "children": len(ages),
            **{f"age_{n}": age for n, age in enumerate(ages, start=1)},
        }
        if promo_code:
            query["promo_code"] = promo_code
        return query


class SearchForm(PartyForm):
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


class GuestDetailsForm(PartyForm):
    """The booking form: the stay, who stays and the rate plan (hidden, from the results
    page), the promo code (the guest may take it off) and the guest."""

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
        for name in ("check_in", "check_out", "adults", "children", *self.age_names()):
            self.fields[name].widget = forms.HiddenInput()

    def age_names(self) -> list[str]:
        return [f"age_{n}" for n in range(1, MAX_CHILDREN + 1)]


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
