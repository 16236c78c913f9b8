"""The generic DynamoModelAdmin on a model without services: forms, writes, audit, locking."""

from __future__ import annotations

import pytest

from hotel.audit.selectors import audit_for_object
from tests.helpers import next_link, room_ids
from tests.hotel.dynamo_admin.generic_admin import Note

pytestmark = pytest.mark.urls("tests.hotel.dynamo_admin.generic_admin")

NOTES = "/admin/rooms/note/"


@pytest.fixture(autouse=True)
def notes_table():
    if not Note.exists():
        Note.create_table(wait=True)
    yield
    with Note.batch_write() as batch:
        for note in Note.scan():
            batch.delete(note)


def add_note(client, **overrides):
    data = {"noteId": "n1", "title": "Towels", "colour": "yellow", "stars": "2", "tags": "a, b"}
    data.update(overrides)
    return client.post(NOTES + "add/", data)


def test_the_form_is_generated_from_the_attributes(admin_client):
    form = admin_client.get(NOTES + "add/").context["form"]

    assert type(form.fields["noteId"]).__name__ == "CharField"
    assert type(form.fields["colour"]).__name__ == "CharField"
    assert type(form.fields["pinned"]).__name__ == "BooleanField"
    assert type(form.fields["stars"]).__name__ == "IntegerField"
    assert type(form.fields["tags"]).__name__ == "CommaSeparatedField"
    assert form.fields["noteId"].required and not form.fields["pinned"].required
    assert "version" not in form.fields
    assert form["colour"].value() == "yellow"


def test_create_change_delete_are_saved_and_audited(admin_client):
    assert add_note(admin_client).status_code == 302
    note = Note.get("n1")
    assert (note.title, note.stars, note.tags, note.version) == ("Towels", 2, ["a", "b"], 1)

    response = admin_client.post(
        NOTES + "n1/change/",
        {"title": "Fresh towels", "colour": "blue", "stars": "3", "tags": "a", "_version": "1"},
    )
    assert response.status_code == 302
    assert Note.get("n1").title == "Fresh towels"

    response = admin_client.post(NOTES + "n1/delete/", {"post": "yes", "_version": "2"})
    assert response.status_code == 302
    assert not list(Note.scan())

    actions = [e.action for e in audit_for_object(object_type="rooms.note", object_id="n1")]
    assert actions == ["delete", "update", "create"]
    update = audit_for_object(object_type="rooms.note", object_id="n1")[1]
    assert update.changes["title"] == ["Towels", "Fresh towels"]


def test_a_duplicate_key_is_a_field_error(admin_client):
    add_note(admin_client)

    response = add_note(admin_client, title="Other")

    assert "already taken" in response.context["form"].errors["noteId"][0]


def test_the_version_attribute_refuses_a_stale_edit(admin_client):
    add_note(admin_client)
    note = Note.get("n1")
    note.title = "Changed elsewhere"
    note.save()

    response = admin_client.post(
        NOTES + "n1/change/",
        {"title": "Mine", "colour": "yellow", "stars": "2", "tags": "", "_version": "1"},
    )

    assert b"Someone else changed this note since you opened it" in response.content
    assert Note.get("n1").title == "Changed elsewhere"


def test_a_keys_only_index_filter_returns_full_items(admin_client):
    add_note(admin_client, noteId="n1", colour="blue", title="Blue one")
    add_note(admin_client, noteId="n2", colour="yellow", title="Yellow one")

    response = admin_client.get(NOTES, {"colour": "blue"})

    assert room_ids(response.content) == ["n1"]
    assert b"Blue one" in response.content
    assert b'data-read="query:colour-index"' in response.content


def test_boolean_filter_search_pagination_and_actions(admin_client):
    for n in range(5):
        add_note(admin_client, noteId=f"n{n}", title=f"Note {n}")

    first = admin_client.get(NOTES)
    second = admin_client.get(NOTES + next_link(first.content))
    assert len(room_ids(first.content)) == 2 and len(room_ids(second.content)) == 2

    admin_client.post(NOTES, {"action": "pin", "_selected_action": ["n1", "n3"]})
    pinned = admin_client.get(NOTES, {"pinned": "1"})
    assert sorted(room_ids(pinned.content)) == ["n1", "n3"]

    found = admin_client.get(NOTES, {"q": "Note 4"})
    assert room_ids(found.content) == ["n4"]
