"""Admin forms shared by rooms and room types: a photo gallery with removal and upload."""

from __future__ import annotations

from django import forms
from django.core.files.storage import default_storage
from django.utils.html import format_html

from hotel.dynamo_admin.forms import DynamoForm
from hotel.errors import ValidationFailed

from .photos import room_photo_validate


def thumbnail(name: str):
    return format_html('<img src="{}" alt="" class="dynamo-thumb">', default_storage.url(name))


class GalleryForm(DynamoForm):
    """The generated fields, plus photo removal (thumbnails) and upload (a room's or a
    room type's `photos`)."""

    remove_photos = forms.MultipleChoiceField(
        required=False,
        label="Photos",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "dynamo-photos"}),
        help_text="Tick a photo to remove it when you save.",
    )
    photo = forms.FileField(
        required=False,
        label="Add a photo",
        help_text="JPEG, PNG or WebP, at most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self):
        """Check the upload before anything is saved (the room's fields are written first)."""
        upload = self.cleaned_data.get("photo")
        if upload:
            try:
                room_photo_validate(upload)
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.details["fields"]["photo"]) from exc
        return upload

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        photos = list(self.obj.photos or []) if self.obj is not None else []
        if photos:
            self.fields["remove_photos"].choices = [(name, thumbnail(name)) for name in photos]
        else:
            del self.fields["remove_photos"]
