"""Guests in the admin: the returning-guest badge on arrivals (one BatchGet) and the booking
page, the search box, a profile's page, editing and merging, a booking's guest details."""

from __future__ import annotations

import pytest

from bookings.guests.models import GuestProfile
from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object

DASHBOARD = "/admin/dashboard/"


def profile_of(booking) -> GuestProfile:
    return GuestProfile.get(Booking.get(booking.bookingId).profileId)


def returning(booking, *, stays=3, notes="allergic to feathers", vip=True):
    """The guest's profile as if they had stayed before (counting is tested in bookings)."""
    profile = profile_of(booking)
    profile.update(
        actions=[
            GuestProfile.stays.set(stays),
            GuestProfile.notes.set(notes),
            GuestProfile.vip.set(vip),
        ]
    )
    return profile


@pytest.fixture
def spy(monkeypatch):
    calls = {"batch_get": [], "get": []}
    batch_get, get = GuestProfile.batch_get, GuestProfile.get

    def batch(keys, *args, **kwargs):
        calls["batch_get"].append(list(keys))
        return batch_get(keys, *args, **kwargs)

    def one(key, *args, **kwargs):
        calls["get"].append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(GuestProfile, "batch_get", batch)
    monkeypatch.setattr(GuestProfile, "get", one)
    return calls


def test_arrivals_show_returning_guests_from_one_batch_get(client_for, rooms, book, spy):
    ada = book("101", start=0, status="confirmed", guest_name="Ada Back", guest_email="a@x.test")
    new = book("102", start=0, status="confirmed", guest_name="New Comer", guest_email="n@x.test")
    returning(ada)
    spy["batch_get"].clear(), spy["get"].clear()

    page = client_for(roles.FRONT_DESK).get(DASHBOARD).content.decode()
    arrivals = page.split('id="arrivals"')[1].split("</table>")[0]

    assert len(spy["batch_get"]) == 1 and spy["get"] == []
    ada_row = arrivals.split("Ada Back")[1].split("</tr>")[0]
    assert "Returning guest — 3 stays" in ada_row and "VIP" in ada_row
    assert "allergic to feathers" in ada_row
    assert "Returning guest" not in arrivals.split("New Comer")[1].split("</tr>")[0]
    assert 'role="search"' in page
    assert new.bookingId


def test_the_booking_page_shows_the_returning_guest(admin_client, rooms, book):
    booking = book("101", start=0, status="confirmed", guest_email="a@x.test")
    returning(booking, stays=1, vip=False)
    page = admin_client.get(f"/admin/bookings/booking/{booking.bookingId}/change/")
    html = page.content.decode()
    section = html.split('id="booking-guest"')[1].split("</div>")[0]
    assert "Returning guest — 1 stay" in section and "allergic to feathers" in section
    assert "Edit guest details" in section


def test_search_box_finds_guests_by_name_email_phone_and_reference(admin_client, rooms, book):
    booking = book(
        "101", guest_name="Zoë Müller", guest_email="zoe@x.test", guest_phone="+4930111222"
    )
    for q in ("mül", "MUL", "zoe@x.test", "+49 30 111 222", booking.bookingId):
        page = admin_client.get("/admin/guests/", {"q": q}).content.decode()
        results = page.split('id="guest-results"')[1]
        assert "Zoë Müller" in results and booking.bookingId in results, q


def test_profile_page_edit_is_audited_and_merge_moves_the_bookings(client_for, rooms, book):
    desk = client_for(roles.FRONT_DESK)
    a = book("101", guest_name="Ada Lovelace", guest_email="ada@one.test")
    b = book("102", guest_name="Ada King", guest_email="ada@two.test")
    keep, dup = profile_of(a), profile_of(b)

    page = desk.get(f"/admin/guests/{keep.profileId}/").content.decode()
    assert a.bookingId in page and "Edit profile" in page
    form = {
        "name": "Ada Lovelace",
        "email": "ada@one.test",
        "phone": "",
        "preferences": "high floor, quiet",
        "notes": "allergic to feathers",
        "vip": "on",
        "revision": keep.revision,
    }
    desk.post(f"/admin/guests/{keep.profileId}/edit/", form)
    saved = GuestProfile.get(keep.profileId)
    assert saved.preferences == ["high floor", "quiet"] and saved.vip
    [entry] = [
        e
        for e in audit_for_object(object_type="guests.profile", object_id=keep.profileId)
        if e.action == "update"
    ]
    assert entry.changes["vip"] == [False, True] and entry.actor

    response = desk.post(f"/admin/guests/{dup.profileId}/merge/", {"into": keep.profileId})
    assert response.status_code == 302 and keep.profileId in response["Location"]
    assert Booking.get(b.bookingId).profileId == keep.profileId
    assert sorted(GuestProfile.get(keep.profileId).bookingIds) == sorted([a.bookingId, b.bookingId])


def test_booking_guest_details_edit_is_audited_and_relinks_the_profile(client_for, rooms, book):
    desk = client_for(roles.FRONT_DESK)
    booking = book("101", guest_email="old@x.test")
    old_profile = Booking.get(booking.bookingId).profileId
    url = f"/admin/booking-guest/{booking.bookingId}/"
    assert desk.get(url).status_code == 200

    response = desk.post(
        url,
        {
            "guestName": "Grace Hopper",
            "guestEmail": "grace@x.test",
            "guestPhone": "",
            "adults": Booking.get(booking.bookingId).adults or 2,
            "childrenAges": "",
            "notes": "late arrival, feather-free pillows",
            "version": Booking.get(booking.bookingId).version,
        },
    )

    assert response.status_code == 302
    after = Booking.get(booking.bookingId)
    assert (after.guestName, after.guestEmail) == ("Grace Hopper", "grace@x.test")
    assert after.profileId != old_profile
    assert booking.bookingId not in GuestProfile.get(old_profile).bookingIds
    assert GuestProfile.get(after.profileId).bookingIds == [booking.bookingId]
    [entry] = [
        e
        for e in audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
        if e.action == "guest"
    ]
    assert entry.changes["guestName"][1] == "Grace Hopper"
    assert entry.changes["notes"] == ["", "late arrival, feather-free pillows"]
