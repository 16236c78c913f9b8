"""A room type's gallery page in the admin (`…/roomtype/<code>/gallery/`): order, alt text
and captions per language, removal and upload (hotel.dynamo_admin.gallery), written through
rooms.gallery. Mixed into the room-type admin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from hotel.dynamo_admin import who
from hotel.dynamo_admin.gallery import GalleryEditForm
from hotel.errors import DomainError, ValidationFailed

from . import gallery


class GalleryPageMixin:
    def get_extra_object_urls(self, wrap) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            *super().get_extra_object_urls(wrap),
            path("<path:object_id>/gallery/", wrap(self.gallery_view), name=f"{prefix}_gallery"),
        ]

    def get_object_tools(self, request, obj) -> list[tuple[str, str]]:
        tools = super().get_object_tools(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            count = len(obj.photos or [])
            tools.insert(0, (f"Gallery ({count})", self.object_url(obj.roomType, "gallery")))
        return tools

    def gallery_view(self, request, object_id: str):
        room_type = self.get_object(request, object_id)
        if room_type is None:
            return self._missing(request, object_id)
        if not self.has_change_permission(request, room_type):
            raise PermissionDenied
        here = self.object_url(room_type.roomType, "gallery")
        revision = room_type.revision or 1
        posted = request.method == "POST"
        # A page read before someone else's change has other rows: show the gallery as it is
        # now and say so, rather than validate the old rows against the new ones.
        stale = posted and request.POST.get("version") != str(revision)
        bound = posted and not stale
        form = GalleryEditForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            photos=room_type.photos or [],
            gallery=room_type.gallery,
            initial={"version": revision},
            max_photos=gallery.MAX_PHOTOS,
        )
        if bound and form.is_valid():
            try:
                saved, then = _save(request, room_type, form)
            except DomainError as exc:  # the first write was refused: nothing was saved
                form.refused(exc)
            else:
                if then is None:
                    self.message_user(request, f"Gallery of {room_type.roomType} saved: {saved}.")
                else:  # some writes went through: say which, and show the gallery as it is
                    self.message_user(
                        request,
                        f"Gallery of {room_type.roomType}: {saved}; then refused: "
                        f"{_describe(then)}",
                        messages.ERROR,
                    )
                return HttpResponseRedirect(here)
        return TemplateResponse(
            request,
            "admin/dynamo/gallery.html",
            self.base_context(
                request,
                title=f"Gallery of {room_type.name or room_type.roomType}",
                form=form,
                crumbs=[
                    (self.opts.verbose_name_plural.capitalize(), self.changelist_url()),
                    (str(room_type), self.object_url(room_type.roomType)),
                ],
                back_url=self.object_url(room_type.roomType),
                stale=stale,
            ),
            status=409 if stale else 200,
        )


def _save(request, room_type, form: GalleryEditForm) -> tuple[str, DomainError | None]:
    """Words and order first (conditional on the revision the editor read; raises if
    refused: nothing saved), then removals, then each upload, each its own write. Returns what
    was done, and the refusal that stopped the rest (None: all was done)."""
    code = room_type.roomType
    removed, uploads = form.removed(), form.uploads()
    kept = form.kept_order()
    if form.photos:
        gallery.room_type_gallery_update(
            code=code,
            order=kept + removed,
            words=form.words(),
            expected_revision=form.cleaned_data.get("version"),
            **who(request),
        )
    removed_count = added = 0
    refused = None
    try:
        if removed:
            gallery.room_type_remove_photos(code=code, names=removed, **who(request))
            removed_count = len(removed)
        for upload in uploads:
            gallery.room_type_add_photo(code=code, upload=upload, **who(request))
            added += 1
    except DomainError as exc:
        refused = exc
    done = [f"{len(kept)} photo(s) kept in order"]
    if removed_count:
        done.append(f"{removed_count} removed")
    if added:
        done.append(f"{added} added")
    return ", ".join(done), refused


def _describe(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(m for ms in (exc.details.get("fields") or {}).values() for m in ms)
    return exc.message
