"""*Hotel page → Photos and map* in the back office (managers): the hotel's photo gallery
(order, alt text and captions per language, removal, upload) and the map image guests see
under "Getting here", saved in one versioned write (hotel.profile_media)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from hotel.dynamo_admin import who
from hotel.dynamo_admin.gallery import GalleryEditForm
from hotel.errors import DomainError, StaleObject, ValidationFailed
from hotel.images import ALT_MAX, image_validate
from hotel.profile import profile_item
from hotel.profile_media import MAX_PHOTOS, profile_media_save

from .common import base_context


class HotelMediaForm(GalleryEditForm):
    map_upload = forms.FileField(
        required=False,
        label="Map image",
        help_text="An image of where the hotel is (JPEG, PNG or WebP, at most 5 MB): no map "
        "script is loaded on the guests' pages.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_map = forms.BooleanField(required=False, label="Remove the map image")

    def __init__(self, *args, map_image: dict | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.map_image = map_image
        for code, language in settings.LANGUAGES:
            self.fields[f"map_alt_{code}"] = forms.CharField(
                label=f"What the map shows ({language})",
                max_length=ALT_MAX,
                required=False,
                initial=((map_image or {}).get("alt") or {}).get(code, ""),
            )

    def clean_map_upload(self):
        upload = self.cleaned_data.get("map_upload")
        if upload:
            try:
                image_validate(upload, "map")
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.details["fields"]["map"]) from exc
        return upload

    def map_fields(self):
        return [self[f"map_alt_{code}"] for code, _ in settings.LANGUAGES]

    def map_url(self):
        return default_storage.url(self.map_image["name"]) if self.map_image else None

    def map_words(self) -> dict:
        return {"alt": {c: self.cleaned_data.get(f"map_alt_{c}") for c, _ in settings.LANGUAGES}}


def _form(request, item, *, bound: bool) -> HotelMediaForm:
    return HotelMediaForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        photos=item.photos or [],
        gallery=item.gallery,
        map_image=item.mapImage,
        initial={"version": item.version},
        max_photos=MAX_PHOTOS,
    )


def hotel_media_view(request):
    item = profile_item(cached=False)
    page = reverse("admin:backoffice_hotel_page")
    if item is None:
        messages.warning(request, "Save the hotel page first: its photos and map belong to it.")
        return HttpResponseRedirect(page)
    here = reverse("admin:backoffice_hotel_media")
    posted = request.method == "POST"
    stale = posted and request.POST.get("version") != str(item.version)
    bound = posted and not stale
    form = _form(request, item, bound=bound)
    if bound and form.is_valid():
        try:
            profile_media_save(
                version=form.cleaned_data.get("version"),
                order=form.kept_order(),
                words=form.words(),
                uploads=form.uploads(),
                map_upload=form.cleaned_data.get("map_upload"),
                map_words=form.map_words(),
                remove_map=form.cleaned_data.get("remove_map") or False,
                **who(request),
            )
        except StaleObject:  # changed since the version checked above: show it as it is now
            stale = True
            form = _form(request, profile_item(cached=False), bound=False)
        except DomainError as exc:
            form.refused(exc)
        else:
            messages.success(request, "The photos and map are saved; guests see them within a "
                             "minute.")  # fmt: skip
            return HttpResponseRedirect(here)
    return TemplateResponse(
        request,
        "admin/backoffice/hotel_media.html",
        base_context(
            request,
            title="Hotel page: photos and map",
            form=form,
            crumbs=[("Hotel page", page)],
            crumb_title="Photos and map",
            back_url=page,
            stale=stale,
        ),
        status=409 if stale else 200,
    )
