"""Online check-in on the guest site: from the manage page, a week before arrival until the
arrival day, the guest gives arrival time, address, nationality, ID document and a
signature (drawn on a canvas by hotel/static/hotel/signature.js, or typed). The rules and
the write are bookings.checkin.services'; the form only renders and carries the values."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.checkin.countries import COUNTRIES
from bookings.checkin.models import ID_TYPES
from bookings.checkin.rules import ID_TYPE_LABELS, MAX_SIGNATURE_BYTES, mask_id_number
from bookings.checkin.services import check_in_refusal, registration_get, registration_submit
from hotel.errors import DomainError

from .common import GUEST, guest_booking, stay_context
from .refusals import refusal_text

COUNTRY_CHOICES = [("", gettext_lazy("Choose…")), *COUNTRIES]


class CheckInForm(forms.Form):
    """The fields under the API's names, all optional here: registration_clean checks them
    together and names every problem at once."""

    arrivalTime = forms.CharField(
        label=gettext_lazy("Expected arrival time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("Check-in is from 14:00. We keep your room all night."),
    )
    addressLine = forms.CharField(label=gettext_lazy("Street address"), required=False)
    city = forms.CharField(label=gettext_lazy("City"), required=False)
    postalCode = forms.CharField(label=gettext_lazy("Postal code"), required=False)
    country = forms.ChoiceField(
        label=gettext_lazy("Country"), choices=COUNTRY_CHOICES, required=False
    )
    nationality = forms.ChoiceField(
        label=gettext_lazy("Nationality"), choices=COUNTRY_CHOICES, required=False
    )
    idType = forms.ChoiceField(
        label=gettext_lazy("ID document"),
        choices=[("", gettext_lazy("Choose…")), *[(t, ID_TYPE_LABELS[t]) for t in ID_TYPES]],
        required=False,
    )
    idNumber = forms.CharField(
        label=gettext_lazy("Document number"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy("We show only its last four digits, and erase it after your stay."),
    )
    typedName = forms.CharField(label=gettext_lazy("Your full name"), required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm these details and sign with my typed name."),
        required=False,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check_in(request, token: str):
    """GET: the form (or why it is closed); POST: registration_submit as the guest, then back
    to the manage page with a confirmation."""
    booking = guest_booking(token)
    manage_url = reverse("booking-manage", kwargs={"token": token})
    now = timezone.now()
    refusal = check_in_refusal(booking, now=now)
    if refusal:
        messages.info(request, refusal)
        return redirect(manage_url)
    kind = "drawn"
    if request.method == "POST":
        form = CheckInForm(request.POST)
        form.is_valid()  # binds cleaned_data; the rules are the service's
        kind = request.POST.get("signatureKind") or ""
        try:
            registration_submit(
                booking_id=booking.bookingId,
                data={**request.POST.dict(), "confirm": request.POST.get("confirm")},
                actor=GUEST,
                now=now,
                request_id=getattr(request, "request_id", None),
            )
        except DomainError as exc:
            fields = (exc.details or {}).get("fields") or {}
            signature_errors = []
            for name, found in fields.items():
                if name in form.fields:
                    for message in found:
                        form.add_error(name, message)
                else:
                    signature_errors += found
            if not fields:
                form.add_error(None, refusal_text(exc))
            return _render(request, booking, token, form, kind, signature_errors, status=400)
        messages.success(request, _("You are checked in online. See you soon!"))
        return redirect(manage_url + "#online-check-in")
    current = registration_get(booking_id=booking.bookingId)
    initial = {}
    if current is not None:  # the guest changes what they gave, except the ID number
        initial = {
            k: getattr(current, k)
            for k in ("arrivalTime", "addressLine", "city", "postalCode", "country")
        }
        initial["nationality"] = current.nationality
        initial["idType"] = current.idType
    form = CheckInForm(initial=initial)
    return _render(request, booking, token, form, kind, [])


def _render(request, booking, token, form, kind, signature_errors, status=200):
    return render(
        request,
        "site/checkin.html",
        {
            **stay_context(booking),
            "token": token,
            "form": form,
            "signature_kind": kind,
            "signature_errors": signature_errors,
            "max_signature": MAX_SIGNATURE_BYTES,
        },
        status=status,
    )


def manage_check_in_context(booking, now) -> dict:
    """The manage page's online check-in: open or not, and what the guest gave (masked)."""
    current = registration_get(booking_id=booking.bookingId) if booking.preCheckedInAt else None
    return {
        "check_in_open": check_in_refusal(booking, now=now) is None,
        "registration": current,
        "registration_id": (
            f"{ID_TYPE_LABELS.get(current.idType or '', '')} {mask_id_number(current.idNumber)}"
            if current
            else ""
        ),
    }
