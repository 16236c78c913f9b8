"""Room types in the admin: what staff edit about the unit of sale, and its gallery.

Every write goes through rooms.room_type_services; the counts the system keeps (rooms,
sellable rooms) are shown, never edited. Registered by rooms/admin.py.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.html import format_html_join

from hotel.dynamo_admin import DynamoModelAdmin, display, who
from hotel.dynamo_admin.forms import MoneyField
from hotel.dynamo_admin.translations import TranslatedFieldsMixin
from hotel.templatetags.money import format_money

from . import gallery
from . import room_type_services as services
from .admin_forms import CALENDAR_PERMISSION, GalleryForm, calendar_feed_row, thumbnail
from .calendar_tokens import room_type_calendar_path
from .gallery_admin import GalleryPageMixin


class RoomTypeAdmin(TranslatedFieldsMixin, GalleryPageMixin, DynamoModelAdmin):
    object_type = services.AUDIT_TYPE
    verbose_name = "room type"
    list_display = (
        "roomType",
        "name",
        "beds",
        "view",
        "sizeM2",
        "maxGuests",
        "basePrice",
        "roomCount",
        "overbookingLimit",
        "sortOrder",
    )
    search_fields = ("roomType",)
    search_help_text = "The type's code, e.g. Deluxe."
    fields = (
        "roomType",
        *services.EDITABLE,  # what staff edit, in the audit's order
        "photo_gallery",
        "remove_photos",
        "photo",
        "roomCount",
        "sellableRooms",
        "lastUpdated",
    )
    # The counts are the system's (each room's write keeps them); the currency the hotel's.
    readonly_fields = ("currency", "roomCount", "sellableRooms", "lastUpdated")
    labels = {
        "roomType": "Code",
        "sizeM2": "Size (m²)",
        "maxAdults": "Adults at most",
        "maxChildren": "Children at most",
        "maxGuests": "Guests at most",
        "basePrice": "Base price per night",
        "sortOrder": "Sort order",
        "overbookingLimit": "Overbooking limit",
        "roomCount": "Rooms",
        "sellableRooms": "Rooms in service",
        "lastUpdated": "Last updated",
    }
    help_texts = {
        "roomType": "Letters, digits, hyphens and underscores, e.g. Deluxe. It cannot change "
        "later; rooms name their type by it.",
        "beds": "As guests read it, e.g. 1 king or 2 singles.",
        "view": "What the windows look onto, e.g. Sea view (empty: not shown).",
        "amenities": "What is included, separated by commas, e.g. WiFi, AC, Balcony.",
        "sortOrder": "Lower numbers come first on the hotel's page.",
        "overbookingLimit": "Units sold beyond the rooms in service each night (0: none).",
    }
    form = GalleryForm
    translated_fields = services.TRANSLATED  # "Name (Deutsch)"… after each English field
    audit_money_fields = ("basePrice",)

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Staff's edits are conditional on the revision they saw (not a VersionAttribute:
        # the counters must not move it); the form carries it as the version.
        self.version_attribute = "revision"

    def formfield_for_attribute(self, name, attr, request=None):
        if name == "basePrice":
            return MoneyField(currency=settings.HOTEL_CURRENCY, label=self.labels[name])
        field = super().formfield_for_attribute(name, attr, request)
        if name == "description" and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 3, "cols": 60})
        return field

    def format_attribute(self, obj, name):
        if name == "basePrice":
            return format_money(obj.basePrice, obj.currency)
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
                    path=room_type_calendar_path(obj.roomType),
                    subject=f"room type {obj.roomType}",
                    blocks="on which no room of this type is left to sell",
                )
            )
        return rows

    @display(description="Photos")
    def photo_gallery(self, room_type):
        if not room_type.photos:
            return None
        return format_html_join(" ", "{}", ((thumbnail(name),) for name in room_type.photos))

    # --- writes through the services ----------------------------------------------------------

    def create_object(self, request, data):
        return services.room_type_create(data=data, **who(request))

    def update_object(self, request, obj, data, expected_version):
        return services.room_type_update(
            code=obj.roomType, data=data, expected_revision=expected_version, **who(request)
        )

    def delete_object(self, request, obj, expected_version):
        services.room_type_delete(
            code=obj.roomType, expected_revision=expected_version, **who(request)
        )

    def save_extra(self, request, obj, form, *, add):
        names = form.cleaned_data.get("remove_photos") or []
        if names:
            obj = gallery.room_type_remove_photos(code=obj.roomType, names=names, **who(request))
        upload = form.cleaned_data.get("photo")
        if upload:
            obj = gallery.room_type_add_photo(code=obj.roomType, upload=upload, **who(request))
        return obj
