"""The guest pages' forms: a profile's fields, the merge target, a booking's guest details."""

from __future__ import annotations

from django import forms

PHONE = r"^\+?[0-9 ()\-]{6,30}$"


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField(required=False)
    phone = forms.RegexField(PHONE, required=False, error_messages={"invalid": "Digits, +, -."})
    line1 = forms.CharField(label="Address", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postalCode = forms.CharField(label="Postal code", max_length=20, required=False)
    country = forms.RegexField(r"^[A-Za-z]{2}$", required=False, help_text="ISO code, e.g. DE")
    nationality = forms.RegexField(r"^[A-Za-z]{2}$", required=False, help_text="ISO code")
    language = forms.RegexField(r"^[a-z]{2}(-[A-Za-z]{2})?$", required=False, help_text="e.g. en")
    preferences = forms.CharField(
        max_length=1000, required=False, help_text="Comma separated: high floor, quiet room"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    vip = forms.BooleanField(label="VIP", required=False)
    marketingConsent = forms.BooleanField(label="Marketing consent", required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, profile) -> dict:
        address = profile.address or {}
        return {
            "name": profile.name,
            "email": profile.email or "",
            "phone": profile.phone or "",
            "line1": address.get("line1", ""),
            "city": address.get("city", ""),
            "postalCode": address.get("postalCode", ""),
            "country": address.get("country", ""),
            "nationality": profile.nationality or "",
            "language": profile.language or "",
            "preferences": ", ".join(profile.preferences or []),
            "notes": profile.notes,
            "vip": profile.vip,
            "marketingConsent": profile.marketingConsent,
            "revision": profile.revision,
        }

    def changes(self) -> dict:
        data = self.cleaned_data
        address = {k: data[k] for k in ("line1", "city", "postalCode", "country") if data[k]}
        if address.get("country"):
            address["country"] = address["country"].upper()
        return {
            "name": data["name"],
            "email": data["email"] or None,
            "phone": data["phone"] or None,
            "address": address or None,
            "nationality": data["nationality"].upper() or None,
            "language": data["language"] or None,
            "preferences": [p.strip() for p in data["preferences"].split(",") if p.strip()],
            "notes": data["notes"],
            "vip": data["vip"],
            "marketingConsent": data["marketingConsent"],
        }


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Merge this profile into", max_length=40, help_text="The profile to keep (GP-…)."
    )


class BookingGuestForm(forms.Form):
    guestName = forms.CharField(label="Guest name", max_length=120)
    guestEmail = forms.EmailField(label="Email", required=False)
    guestPhone = forms.CharField(label="Phone", max_length=30, required=False)
    adults = forms.IntegerField(min_value=1, max_value=20)
    childrenAges = forms.CharField(
        label="Children's ages", required=False, help_text="Comma separated, e.g. 4, 9"
    )
    notes = forms.CharField(
        label="Special requests / notes", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_childrenAges(self):
        raw = self.cleaned_data["childrenAges"]
        try:
            ages = [int(a) for a in raw.replace(" ", "").split(",") if a]
        except ValueError as exc:
            raise forms.ValidationError("Ages as numbers, comma separated.") from exc
        if any(not 0 <= a <= 17 for a in ages):
            raise forms.ValidationError("Children are 0 to 17 years old.")
        return ages

    @classmethod
    def initial_for(cls, booking) -> dict:
        return {
            "guestName": booking.guestName,
            "guestEmail": booking.guestEmail or "",
            "guestPhone": booking.guestPhone or "",
            "adults": booking.adults if booking.adults is not None else booking.guests,
            "childrenAges": ", ".join(str(int(a)) for a in booking.childrenAges or []),
            "notes": booking.notes,
            "version": booking.version,
        }

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["guestEmail"] = data["guestEmail"] or None
        data["guestPhone"] = data["guestPhone"] or None
        return data
