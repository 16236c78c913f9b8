"""A model with no services, on its own admin site: exercises the generic defaults.

Used as the URLconf of tests/hotel/dynamo_admin/test_generic.py (`pytest.mark.urls`).
"""

from __future__ import annotations

from django.urls import path
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta
from hotel.dynamo_admin import AttributeFilter, DynamoAdminSite, DynamoModelAdmin, action


class ColourIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "colour-index"
        projection = KeysOnlyProjection()

    colour = UnicodeAttribute(hash_key=True)


class Note(Model):
    Meta = meta("admintest-notes")

    noteId = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    colour = UnicodeAttribute(default="yellow")
    pinned = BooleanAttribute(default=False)
    stars = IntegerAttribute(default=0)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    version = VersionAttribute()

    by_colour = ColourIndex()

    def __str__(self) -> str:
        return self.title


@action(description="Pin the selected notes", permissions=["change"])
def pin(modeladmin, request, notes):
    for note in notes:
        modeladmin.update_object(request, note, {"pinned": True}, note.version)


class NoteAdmin(DynamoModelAdmin):
    app_label = "rooms"  # any installed app: the admin only needs its label
    list_display = ("noteId", "title", "colour", "pinned", "stars", "tags")
    list_filter = (AttributeFilter("colour", choices=["yellow", "blue"]), "pinned")
    search_fields = ("title",)
    actions = (pin,)
    list_per_page = 2


site = DynamoAdminSite(name="admin")
site.register(Note, NoteAdmin)

urlpatterns = [path("admin/", site.urls)]
