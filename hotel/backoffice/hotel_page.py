"""*Hotel page* in the back office (managers): the hotel's name, contact, check-in and
check-out times, description, house rules, directions and facilities, the words in each
guest language too. The guest site's home page, every page's footer and every email show it
(hotel.profile). Saving over a newer version is refused, not merged: the manager reloads."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from hotel.dynamo_admin import who
from hotel.errors import DomainError, ValidationFailed
from hotel.profile import LIMITS, TRANSLATED, profile_item, profile_save, profile_stand_in

from .common import base_context

OTHER_LANGUAGES = [(c, n) for c, n in settings.LANGUAGES if c != settings.LANGUAGE_CODE]
TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 60})
LABELS = {
    "description": "Description",
    "houseRules": "House rules",
    "directions": "Getting here",
    "facilities": "Facilities",
}
HELP = {
    "description": "A few sentences on the home page.",
    "houseRules": "One rule per line.",
    "directions": "How to get here: from the airport, the station, parking.",
    "facilities": "One per line (pool, restaurant, parking, …).",
}


def may_edit_hotel_page(request) -> bool:
    return request.user.has_perm("hotel.change_hotelprofile")


class HotelPageForm(forms.Form):
    name = forms.CharField(max_length=120)
    address = forms.CharField(max_length=300, required=False)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    checkInFrom = forms.CharField(label="Check-in from", max_length=5, help_text="HH:MM")
    checkOutUntil = forms.CharField(label="Check-out until", max_length=5, help_text="HH:MM")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in TRANSLATED:
            limit = LIMITS.get(key, 2000)
            self.fields[key] = forms.CharField(
                label=LABELS[key],
                widget=TEXTAREA,
                required=False,
                max_length=limit,
                help_text=HELP[key],
            )
            for code, name in OTHER_LANGUAGES:
                self.fields[f"{key}_{code}"] = forms.CharField(
                    label=f"{name}", widget=TEXTAREA, required=False, max_length=limit
                )

    def translated(self):
        """The form's fields grouped for the template: each text with its languages."""
        return [
            (self[key], [self[f"{key}_{code}"] for code, _ in OTHER_LANGUAGES])
            for key in TRANSLATED
        ]

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["translations"] = {
            code: {key: data.pop(f"{key}_{code}", "") for key in TRANSLATED}
            for code, _ in OTHER_LANGUAGES
        }
        data.pop("version", None)
        return data


def _initial(item) -> dict:
    if item is None:
        return profile_stand_in()
    initial = {
        key: getattr(item, key)
        for key in ("name", "address", "phone", "email", "checkInFrom", "checkOutUntil")
    }
    initial.update(
        description=item.description,
        houseRules=item.houseRules,
        directions=item.directions,
        facilities="\n".join(item.facilities or []),
        version=item.version,
    )
    for code, words in (item.translations or {}).items():
        for key in TRANSLATED:
            value = (words or {}).get(key) or ""
            initial[f"{key}_{code}"] = "\n".join(value) if isinstance(value, list) else value
    return initial


def hotel_page_view(request):
    stored = profile_item(cached=False)  # the form's words on a GET, the photo count always
    if request.method == "POST":
        form = HotelPageForm(request.POST)
        if form.is_valid():
            try:
                profile_save(
                    data=form.data_for_service(),
                    version=form.cleaned_data.get("version"),
                    **who(request),
                )
            except ValidationFailed as exc:
                for name, problems in (exc.details.get("fields") or {}).items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "The hotel page is saved; guests see it within a minute.")
                return HttpResponseRedirect(reverse("admin:backoffice_hotel_page"))
    else:
        form = HotelPageForm(initial=_initial(stored))
    return TemplateResponse(
        request,
        "admin/backoffice/hotel_page.html",
        base_context(
            request,
            title="Hotel page",
            form=form,
            home_url=reverse("home"),
            photo_count=len(stored.photos or []) if stored else None,
        ),
    )
