"""Rooms in the admin: what to show; every write goes through rooms.services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.utils.html import format_html_join

from hotel.admin_site import site
from hotel.dynamo_admin import AttributeFilter, DynamoModelAdmin, action, display, who
from hotel.dynamo_admin.forms import MoneyField
from hotel.errors import DomainError
from hotel.templatetags.money import format_money

from . import admin_views, photos, services
from .admin_forms import CALENDAR_PERMISSION, GalleryForm, calendar_feed_row, thumbnail
from .calendar_tokens import room_calendar_path
from .models import (
    HOUSEKEEPING_LABELS,
    ROOM_STATUSES,
    STATUS_AVAILABLE,
    STATUS_MAINTENANCE,
    Room,
    RoomType,
)
from .room_type_admin import RoomTypeAdmin
from .room_types import room_type_choices


class RoomAdmin(DynamoModelAdmin):
    object_type = "rooms.room"
    list_display = (
        "roomId",
        "roomType",
        "floorNumber",
        "capacity",
        "status",
        "housekeeping",
        "pricePerNight",
        "photo_count",
    )
    list_filter = (
        AttributeFilter("roomType", title="room type", index=Room.by_type_floor),
        AttributeFilter("status", index=Room.by_status),
        AttributeFilter("floorNumber", title="floor", placeholder="Floor, e.g. 2"),
    )
    search_fields = ("roomId",)
    search_help_text = "Room number, e.g. 101 or R-101."
    choices = {
        "roomType": lambda: room_type_choices(first_version=True),
        "status": [(status, status.capitalize()) for status in ROOM_STATUSES],
        "housekeeping": HOUSEKEEPING_LABELS,
    }
    fields = (
        "roomId",
        "roomType",
        "floorNumber",
        "capacity",
        "status",
        "pricePerNight",
        "currency",
        "amenities",
        "description",
        "photo_gallery",
        "remove_photos",
        "photo",
        "housekeeping",
        "lastUpdated",
    )
    readonly_fields = ("currency", "housekeeping", "lastUpdated")
    labels = {
        "roomId": "Room number",
        "floorNumber": "Floor",
        "pricePerNight": "Price per night",
        "lastUpdated": "Last updated",
    }
    help_texts = {
        "roomId": "Capital letters, digits and hyphens, e.g. 101 or R-101. It cannot change later.",
        "amenities": "Separate amenities with commas, e.g. AC, WiFi, Sea view.",
    }
    form = GalleryForm
    audit_money_fields = ("pricePerNight",)
    actions = ("mark_maintenance", "mark_available")
    list_per_page = 50

    def search_key(self, term: str) -> str:
        return term.strip().upper()

    def formfield_for_attribute(self, name, attr, request=None):
        if name == "pricePerNight":
            return MoneyField(currency=settings.HOTEL_CURRENCY, label="Price per night")
        if name == "description":
            field = super().formfield_for_attribute(name, attr, request)
            field.widget = forms.Textarea(attrs={"rows": 3, "cols": 60})
            return field
        return super().formfield_for_attribute(name, attr, request)

    def format_attribute(self, obj, name):
        if name == "pricePerNight":
            return format_money(obj.pricePerNight, obj.currency)
        return super().format_attribute(obj, name)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return [f for f in fields if f != "photo_gallery"]
        return fields

    def form_rows(self, request, form, obj, *, can_change):
        rows = super().form_rows(request, form, obj, can_change=can_change)
        if obj is not None and request.user.has_perm(CALENDAR_PERMISSION):
            rows.append(
                calendar_feed_row(
                    request,
                    path=room_calendar_path(obj.roomId),
                    subject=f"room {obj.roomId}",
                    blocks="this room is booked",
                )
            )
        return rows

    @display(description="Photos")
    def photo_count(self, room):
        return len(room.photos or [])

    @display(description="Photos")
    def photo_gallery(self, room):
        if not room.photos:
            return None
        return format_html_join(" ", "{}", ((thumbnail(name),) for name in room.photos))

    # --- writes through the services ----------------------------------------------------------

    def create_object(self, request, data):
        return services.room_create(data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return services.room_update(
            room_id=obj.roomId, data=data, expected_version=expected_version, **who(request)
        )

    def delete_object(self, request, obj, expected_version):
        services.room_delete(room_id=obj.roomId, expected_version=expected_version, **who(request))

    def save_extra(self, request, obj, form, *, add):
        for name in form.cleaned_data.get("remove_photos") or []:
            obj = photos.room_remove_photo(room_id=obj.roomId, name=name, **who(request))
        upload = form.cleaned_data.get("photo")
        if upload:
            obj = photos.room_add_photo(room_id=obj.roomId, upload=upload, **who(request))
        return obj

    # --- actions ----------------------------------------------------------------------------------

    @action(
        description="Mark selected rooms as under maintenance",
        permissions=["change_room_status"],
    )
    def mark_maintenance(self, request, rooms):
        self._set_status(request, rooms, STATUS_MAINTENANCE)

    @action(description="Mark selected rooms as available", permissions=["change_room_status"])
    def mark_available(self, request, rooms):
        self._set_status(request, rooms, STATUS_AVAILABLE)

    def _set_status(self, request, rooms, status: str) -> None:
        changed, failed = [], []
        for room in rooms:
            if room.status == status:
                continue
            try:
                services.room_set_status(room_id=room.roomId, status=status, **who(request))
            except DomainError as exc:
                failed.append(f"{room.roomId}: {exc.message}")
            else:
                changed.append(room.roomId)
        if changed:
            self.message_user(
                request,
                f"Marked {len(changed)} room{'s' if len(changed) != 1 else ''} as {status}: "
                f"{', '.join(changed)}.",
                messages.SUCCESS,
            )
        elif not failed:
            self.message_user(request, f"The selected rooms were already {status}.")
        if failed:
            self.message_user(request, "Not changed: " + "; ".join(failed), messages.ERROR)


site.register(Room, RoomAdmin)
site.register(RoomType, RoomTypeAdmin)
site.register_page(
    "housekeeping/",
    admin_views.housekeeping_view,
    name="backoffice_housekeeping",
    title="Housekeeping",
    description="Every room's state (clean, dirty, inspected, out of service, out of order), "
    "changed in one tap.",
    allowed=admin_views.may_change_room_status,
    order=30,
)
