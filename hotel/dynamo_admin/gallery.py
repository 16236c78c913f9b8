"""A gallery editor for the back office: the photos of a room type or of the hotel's page in
the order guests see them, each with its alt text and caption in every guest language, a
box to remove it, and an upload for new ones (several at once).

The owner's services do the writes (rooms.gallery, hotel.profile); this module only turns
the form into what they take: the new `order`, the `words` per photo, what to remove and
the uploads. Template: admin/dynamo/gallery.html.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage

from hotel.errors import DomainError, ValidationFailed
from hotel.images import ALT_MAX, CAPTION_MAX, image_validate

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field, each checked as a photo before anything is stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultiplePhotoField, self).clean(f, initial) for f in files]
        problems = []
        for upload in cleaned:
            try:
                image_validate(upload, "photo")
            except ValidationFailed as exc:
                problems += [f"{upload.name}: {m}" for m in exc.details["fields"]["photo"]]
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


class GalleryEditForm(forms.Form):
    """One row per photo (`position_<n>`, `remove_<n>`, `alt_<n>_<lang>`,
    `caption_<n>_<lang>`), the uploads, and the version the editor read."""

    upload = MultiplePhotoField(
        required=False,
        label="Add photos",
        help_text="JPEG, PNG or WebP, at most 5 MB each; several at once, up to about 4 MB "
        "in all per save when the hotel runs on AWS Lambda (its request limit). They go at "
        "the end; resized copies for phones are made on upload.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, photos: list[str], gallery: dict | None, max_photos=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_photos = max_photos
        self.photos = list(photos)
        self.gallery = gallery = gallery or {}
        for n, name in enumerate(self.photos):
            words = gallery.get(name) or {}
            self.fields[f"position_{n}"] = forms.IntegerField(
                label="Position", min_value=1, max_value=len(self.photos) or 1, initial=n + 1
            )
            self.fields[f"remove_{n}"] = forms.BooleanField(label="Remove", required=False)
            for code, language in settings.LANGUAGES:
                self.fields[f"alt_{n}_{code}"] = forms.CharField(
                    label=f"Alt text ({language})",
                    max_length=ALT_MAX,
                    required=False,
                    initial=(words.get("alt") or {}).get(code, ""),
                )
                self.fields[f"caption_{n}_{code}"] = forms.CharField(
                    label=f"Caption ({language})",
                    max_length=CAPTION_MAX,
                    required=False,
                    initial=(words.get("caption") or {}).get(code, ""),
                )

    def rows(self) -> list[dict]:
        """What the template shows per photo: its thumbnail, position, removal, and the
        default language's words first, the others after."""
        default = settings.LANGUAGE_CODE
        rows = []
        for n, name in enumerate(self.photos):
            others = [code for code, _ in settings.LANGUAGES if code != default]
            rows.append(
                {
                    "n": n + 1,
                    "url": default_storage.url(name),
                    "thumb": default_storage.url(
                        ((self.gallery.get(name) or {}).get("v") or {}).get("480", name)
                    ),
                    "position": self[f"position_{n}"],
                    "remove": self[f"remove_{n}"],
                    "alt": self[f"alt_{n}_{default}"],
                    "caption": self[f"caption_{n}_{default}"],
                    "others": [
                        (self[f"alt_{n}_{code}"], self[f"caption_{n}_{code}"]) for code in others
                    ],
                    "has_errors": any(
                        self[f"{kind}_{n}_{code}"].errors
                        for kind in ("alt", "caption")
                        for code, _ in settings.LANGUAGES
                    ),
                }
            )
        return rows

    def clean(self):
        data = super().clean()
        if self.max_photos is not None and "upload" in data:
            total = len(self.kept_order()) + len(data.get("upload") or [])
            if total > self.max_photos:
                raise forms.ValidationError(
                    f"At most {self.max_photos} photos: remove some before adding more "
                    f"({total} would be kept)."
                )
        return data

    def kept_order(self) -> list[str]:
        """The photos not removed, by the positions given."""
        data = self.cleaned_data
        kept = [
            # On a tie the photo given a new position wins it: moving photo 3 to 1 puts it
            # first, the one already there after it.
            ((pos := data.get(f"position_{n}") or n + 1), pos == n + 1, n, name)
            for n, name in enumerate(self.photos)
            if not data.get(f"remove_{n}")
        ]
        return [entry[-1] for entry in sorted(kept)]

    def removed(self) -> list[str]:
        return [name for n, name in enumerate(self.photos) if self.cleaned_data.get(f"remove_{n}")]

    def words(self) -> dict[str, dict]:
        """{name: {"alt": {code: …}, "caption": {code: …}}} for every photo kept."""
        data = self.cleaned_data
        return {
            name: {
                kind: {code: data.get(f"{kind}_{n}_{code}") or "" for code, _ in settings.LANGUAGES}
                for kind in ("alt", "caption")
            }
            for n, name in enumerate(self.photos)
            if not data.get(f"remove_{n}")
        }

    def uploads(self) -> list:
        return self.cleaned_data.get("upload") or []

    def refused(self, exc: DomainError) -> None:
        """Show a service's refusal on the form: every field problem of a ValidationFailed
        (their names are the service's, not the form's: above the rows), else its message."""
        if isinstance(exc, ValidationFailed):
            for problems in (exc.details.get("fields") or {}).values():
                for problem in problems:
                    self.add_error(None, problem)
        else:
            self.add_error(None, exc.message)
