"""Admin forms shared by rooms and room types: a photo gallery with removal and upload, and
the address of the iCal feed a manager shares with a channel."""

from __future__ import annotations

from django import forms
from django.core.files.storage import default_storage
from django.utils.html import format_html

from hotel.dynamo_admin.forms import DynamoForm
from hotel.errors import ValidationFailed

from .photos import room_photo_validate

# Who sees a room's or a room type's iCal feed URL on its page (a manager's decision to share it).
CALENDAR_PERMISSION = "rooms.share_room_calendar"


def thumbnail(name: str):
    return format_html('<img src="{}" alt="" class="dynamo-thumb">', default_storage.url(name))


def calendar_feed_row(request, *, path: str, subject: str, blocks: str) -> dict:
    """The read-only change-form row with a feed's address (rooms.calendar_tokens): `subject`
    names what the feed is of ("room 101"), `blocks` which nights it blocks."""
    return {
        "name": "calendar_feed",
        "label": "Calendar feed (iCal)",
        "readonly": True,
        "contents": format_html(
            '<input type="text" readonly value="{}" class="vLargeTextField" '
            'id="calendar-feed" aria-label="iCal feed address of {}">'
            '<div class="help">Paste this address into an OTA or channel manager '
            "calendar (Airbnb, Booking.com…) to block the nights {}. It lists dates only, "
            "no guest data; anyone with the address can read them, so share it only with the "
            "channel.</div>",
            request.build_absolute_uri(path),
            subject,
            blocks,
        ),
    }


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
