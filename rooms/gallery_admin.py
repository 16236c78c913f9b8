"""A room type's gallery page in the admin (`…/roomtype/<code>/gallery/`): order, alt text
and captions per language, removal and upload (hotel.dynamo_admin.gallery), written through
rooms.gallery. Mixed into the room-type admin."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from hotel.dynamo_admin import who
from hotel.dynamo_admin.gallery import GalleryEditForm
from hotel.errors import DomainError

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
        )
        if bound and form.is_valid():
            try:
                saved = _save(request, room_type, form)
            except DomainError as exc:
                form.refused(exc)
            else:
                self.message_user(request, f"Gallery of {room_type.roomType} saved: {saved}.")
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


def _save(request, room_type, form: GalleryEditForm) -> str:
    """Words and order first (conditional on the revision the editor read), then removals,
    then uploads; returns what was done, for the message."""
    code = room_type.roomType
    removed, uploads = form.removed(), form.uploads()
    kept = form.kept_order()
    if form.photos:  # refused if someone changed the type since the editor read it
        gallery.room_type_gallery_update(
            code=code,
            order=kept + removed,
            words=form.words(),
            expected_revision=form.cleaned_data.get("version"),
            **who(request),
        )
    if removed:
        gallery.room_type_remove_photos(code=code, names=removed, **who(request))
    for upload in uploads:
        gallery.room_type_add_photo(code=code, upload=upload, **who(request))
    done = [f"{len(kept)} photo(s) kept"]
    if removed:
        done.append(f"{len(removed)} removed")
    if uploads:
        done.append(f"{len(uploads)} added")
    return ", ".join(done)
