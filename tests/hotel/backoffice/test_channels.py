"""OTA channels in the back office (hotel/backoffice/channels.py, channel_alerts.py): the
list and register form, "Sync now" against a real HTTP server serving an .ics, a channel's
page with its imported stays, the roles, and the dashboard's attention box."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from bookings import services
from bookings.channels import services as channel_services
from bookings.channels.models import Channel, ChannelEvent
from bookings.channels.selectors import channel_get, channels_list
from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.backoffice.channels import stay_label
from tests.bookings.channels.conftest import CalendarServer, day, ics
from tests.helpers import record_reads

LIST, DETAIL, SYNC, DASHBOARD = (
    "/admin/channels/",
    "/admin/channels/channel/",
    "/admin/channels/sync/",
    "/admin/dashboard/",
)


@pytest.fixture
def feeds():
    server = CalendarServer()
    yield server
    server.close()


@pytest.fixture
def deluxe(make_room):
    make_room(roomId="D-1", roomType="Deluxe", capacity=2, pricePerNight=10000)


def register(url: str, name: str = "Airbnb") -> Channel:
    return channel_services.channel_create(
        name=name, url=url, room_type="Deluxe", actor="manager@staff.test", now=timezone.now()
    )


def said(response) -> list[str]:
    """The messages a redirect carries; the page it leads to is opened, which uses them up."""
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    if response.status_code == 302:
        response.client.get(response["Location"])
    return shown


def sync(client, channel: Channel, **data) -> tuple[object, list[str]]:
    response = client.post(SYNC, {"id": channel.channelId, **data})
    return response, said(response)


@pytest.mark.parametrize(
    ("check_in", "check_out", "label"),
    [
        ("2026-12-05", "2026-12-08", "5–8 Dec"),
        ("2026-11-30", "2026-12-02", "30 Nov – 2 Dec"),
        ("2027-01-05", "2027-01-08", "5–8 Jan 2027"),
        ("2026-12-30", "2027-01-02", "30 Dec 2026 – 2 Jan 2027"),
    ],
)
def test_a_stay_is_written_as_people_say_it(check_in, check_out, label):
    assert stay_label(check_in, check_out, today=date(2026, 12, 1)) == label


def test_a_manager_registers_a_calendar_and_the_kind_is_guessed(client_for, deluxe, feeds):
    manager = client_for(roles.MANAGER)
    url = feeds.put("/airbnb.ics", ics())

    response = manager.post(
        LIST,
        {"name": "Airbnb – garden flat", "url": url, "roomType": "Deluxe", "kind": ""},
    )

    [channel] = channels_list()
    assert response.status_code == 302
    assert response["Location"] == f"{DETAIL}?id={channel.channelId}"
    assert (channel.kind, channel.roomType, channel.url) == ("airbnb", "Deluxe", url)
    assert channel.importClosures is False and channel.createdBy == manager.user.email
    entry = audit_for_object(object_type="bookings.channel", object_id=channel.channelId)[0]
    assert entry.action == "create" and entry.actor == manager.user.email
    listed = manager.get(LIST).content.decode()
    assert "Airbnb – garden flat" in listed and "never" in listed
    assert 'value="Sync now"' in listed and 'id="channel-register"' in listed


def test_bad_input_shows_every_fields_error_at_once(client_for, deluxe):
    manager = client_for(roles.MANAGER)

    response = manager.post(
        LIST, {"name": "  ", "url": "ftp://calendar.test/x.ics", "roomType": "Deluxe"}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == ["Between 1 and 80 characters."]
    assert form.errors["url"] == ["Only http:// and https:// URLs are allowed, not 'ftp'."]
    assert channels_list() == []
    text = response.content.decode()
    assert text.count('class="errorlist') >= 2


def test_an_unknown_room_type_or_kind_is_refused_by_the_form(client_for, deluxe):
    response = client_for(roles.MANAGER).post(
        LIST, {"name": "X", "url": "http://127.0.0.1:9/x.ics", "roomType": "Nope", "kind": "ota"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"roomType", "kind"}
    assert channels_list() == []


def test_sync_now_imports_the_calendar_and_the_stay_is_listed(client_for, deluxe, feeds):
    url = feeds.put("/a.ics", ics(("a1@airbnb.com", 5, 3, "Reserved")))
    channel = register(url)
    desk = client_for(roles.FRONT_DESK)

    response, shown = sync(desk, channel, next="channel")

    assert response.status_code == 302
    assert response["Location"] == f"{DETAIL}?id={channel.channelId}"
    assert shown == ["Synchronised: 1 created, 0 moved, 0 released (Airbnb)."]
    [event] = ChannelEvent.query(channel.channelId)
    booking = Booking.get(event.bookingId, consistent_read=True)
    assert booking.source == "channel" and booking.status == "confirmed"
    page = desk.get(f"{DETAIL}?id={channel.channelId}").content.decode()
    assert f'href="/admin/bookings/booking/{booking.bookingId}/change/"' in page
    assert "Reserved" in page and "3 nights" in page and "Mark resolved" not in page
    assert "1 created · 0 moved · 0 released · 0 unchanged" in desk.get(LIST).content.decode()
    rack = desk.get(f"/admin/rack/?start={day(4).isoformat()}").content.decode()
    assert "Airbnb: Reserved" in rack

    feeds.put("/a.ics", ics(("a1@airbnb.com", 6, 3, "Reserved")))  # the guest moved
    moved, shown = sync(desk, channel)

    assert moved["Location"] == LIST
    assert shown == ["Synchronised: 0 created, 1 moved, 0 released (Airbnb)."]
    assert Booking.get(booking.bookingId, consistent_read=True).checkIn == day(6).isoformat()


def test_a_failed_sync_changes_nothing_and_shows_the_error_with_the_last_good_one(
    client_for, deluxe, feeds
):
    channel = register(feeds.put("/a.ics", ics(("a1", 5, 2, "Reserved"))))
    desk = client_for(roles.FRONT_DESK)
    sync(desk, channel)
    feeds.put("/a.ics", "<html>Sign in</html>", content_type="text/html")

    _, [message] = sync(desk, channel)

    assert message.startswith("Airbnb: the sync failed (A web page, not a calendar")
    assert message.endswith("Nothing was changed.")
    assert len(list(ChannelEvent.query(channel.channelId))) == 1
    listed = desk.get(LIST).content.decode()
    error = re.search(r'data-testid="sync-error">([^<]*)<', listed).group(1)
    assert "A web page, not a calendar" in error
    assert "1 created · 0 moved" in listed  # the last good sync's counts stay
    board = desk.get(DASHBOARD).content.decode()
    assert 'data-testid="channel-failure"' in board and "Airbnb: the last sync failed" in board


def test_an_empty_calendar_waits_for_a_manager_to_sync_and_release(client_for, deluxe, feeds):
    channel = register(feeds.put("/a.ics", ics(("a1", 5, 2, "Reserved"))))
    desk = client_for(roles.FRONT_DESK)
    sync(desk, channel)
    feeds.put("/a.ics", ics())

    _, held = sync(desk, channel)

    assert held[0] == "Synchronised: 0 created, 0 moved, 0 released (Airbnb)."
    assert "lists no stay any more" in held[1]
    listed = desk.get(LIST).content.decode()
    # Releasing every stay is a manager's decision: the desk sees why, not the button.
    assert 'data-testid="held-back"' in listed and 'value="Sync and release"' not in listed
    sync(desk, channel, confirm_empty="1")
    assert len(list(ChannelEvent.query(channel.channelId))) == 1
    manager = client_for(roles.MANAGER)
    assert 'value="Sync and release"' in manager.get(LIST).content.decode()

    _, released = sync(manager, channel, confirm_empty="1")

    assert released == ["Synchronised: 0 created, 0 moved, 1 released (Airbnb)."]
    assert list(ChannelEvent.query(channel.channelId)) == []
    assert 'value="Sync and release"' not in manager.get(LIST).content.decode()


def test_the_front_desk_syncs_but_does_not_register_or_resolve(client_for, deluxe, feeds):
    channel = register(feeds.put("/a.ics", ics()))
    desk = client_for(roles.FRONT_DESK)

    listed = desk.get(LIST)
    refused = desk.post(LIST, {"name": "B", "url": feeds.url("/b.ics"), "roomType": "Deluxe"})
    resolve = desk.post(f"{DETAIL}?id={channel.channelId}", {"action": "resolve", "uid": "x"})
    synced, _ = sync(desk, channel)

    assert listed.status_code == 200 and listed.context["form"] is None
    assert 'id="channel-register"' not in listed.content.decode()
    assert refused.status_code == 403 and len(channels_list()) == 1
    assert resolve.status_code == 403
    assert synced.status_code == 302 and channel_get(channel.channelId).lastGoodSyncAt


@pytest.mark.parametrize("role", [roles.HOUSEKEEPING, roles.ACCOUNTANT])
def test_staff_without_the_channel_permissions_are_refused(client_for, deluxe, feeds, role):
    channel = register(feeds.put("/a.ics", ics(("a1", 5, 2, "Reserved"))))
    client = client_for(role)

    assert client.get(LIST).status_code == 403
    assert client.get(f"{DETAIL}?id={channel.channelId}").status_code == 403
    assert client.post(SYNC, {"id": channel.channelId}).status_code == 403
    assert feeds.hits == {}  # nothing was fetched
    assert LIST not in client.get("/admin/").content.decode()


def test_a_sync_needs_the_csrf_token(make_staff, deluxe, feeds):
    channel = register(feeds.put("/a.ics", ics(("a1", 5, 2, "Reserved"))))
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(roles.FRONT_DESK))

    assert client.post(SYNC, {"id": channel.channelId}).status_code == 403
    assert feeds.hits == {}


def test_an_unknown_channel_goes_back_to_the_list(client_for):
    manager = client_for(roles.MANAGER)

    for method, url, data in (
        ("get", DETAIL, None),
        ("get", f"{DETAIL}?id=CH-NOPE", None),
        ("get", f"{DETAIL}?id={'x' * 3000}", None),
        ("post", SYNC, {"id": ""}),
        ("post", f"{DETAIL}?id=CH-NOPE", {"action": "resolve", "uid": "x"}),
    ):
        response = getattr(manager, method)(url, data)
        assert response.status_code == 302 and response["Location"] == LIST
        assert said(response) == ["No such channel."]
    assert manager.get(SYNC)["Location"] == LIST


def test_a_stay_sold_twice_is_on_the_dashboard_until_a_manager_resolves_it(
    client_for, deluxe, feeds, monkeypatch
):
    # The only Deluxe, held by a guest on the web.
    services.booking_create(
        room_type="Deluxe", check_in=day(5), check_out=day(8), guests=1,
        guest_name="Web Guest", guest_email="web@guest.test", actor="guest",
        now=timezone.now(),
    )  # fmt: skip
    channel = register(feeds.put("/a.ics", ics(("ota", 5, 3, "Reserved"))))
    register(feeds.put("/b.ics", ics()), name="Vrbo")  # nothing sold twice: not read
    desk = client_for(roles.FRONT_DESK)

    _, synced = sync(desk, channel)

    assert "1 stay(s) were sold twice" in synced[1]
    [event] = ChannelEvent.query(channel.channelId)
    channel_reads = record_reads(monkeypatch, Channel)
    event_reads = record_reads(monkeypatch, ChannelEvent)
    board = desk.get(DASHBOARD).content.decode()
    assert channel_reads == [("scan", None)] and event_reads == [("query", None)]
    conflict = re.search(r'data-testid="channel-conflict">(.*?)</li>', board, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", conflict).split())
    dates = stay_label(day(5).isoformat(), day(8).isoformat(), today=day(0))
    assert text == (
        f"Sold twice: Airbnb stay {dates} (booking {event.bookingId}) was imported "
        "while no Deluxe was left"
    )
    assert f'href="{DETAIL}?id={channel.channelId}"' in conflict
    page = desk.get(f"{DETAIL}?id={channel.channelId}").content.decode()
    assert 'data-testid="overbooked"' in page and "Mark resolved" not in page

    manager = client_for(roles.MANAGER)
    assert "Mark resolved" in manager.get(f"{DETAIL}?id={channel.channelId}").content.decode()
    resolved = manager.post(f"{DETAIL}?id={channel.channelId}", {"action": "resolve", "uid": "ota"})

    assert resolved.status_code == 302 and said(resolved)[0].startswith("Marked resolved")
    assert not Booking.get(event.bookingId, consistent_read=True).flags
    assert 'data-testid="channel-conflict"' not in desk.get(DASHBOARD).content.decode()


def test_the_dashboard_box_is_only_for_staff_who_see_channels(client_for, deluxe, feeds):
    channel = register(feeds.url("/gone.ics"))  # 404: the sync fails
    sync(client_for(roles.MANAGER), channel)

    accountant = client_for(roles.ACCOUNTANT).get(DASHBOARD).content.decode()
    desk = client_for(roles.FRONT_DESK).get(DASHBOARD).content.decode()

    assert 'id="channel-alerts"' not in accountant
    assert 'id="channel-alerts"' in desk


def test_a_stay_too_long_for_one_booking_is_shown_until_a_manager_marks_it_handled(
    client_for, deluxe, feeds, monkeypatch
):
    channel = register(feeds.put("/a.ics", ics(("long", 5, 120, "Reserved"))))
    desk = client_for(roles.FRONT_DESK)

    _, synced = sync(desk, channel, next="channel")

    assert synced[0] == "Synchronised: 0 created, 0 moved, 0 released (Airbnb)."
    assert "longer than 30 nights, too long for one booking" in synced[1] and len(synced) == 2
    dates = stay_label(day(5).isoformat(), day(125).isoformat(), today=day(0))
    page = desk.get(f"{DETAIL}?id={channel.channelId}").content.decode()
    assert 'data-testid="too-long"' in page and "Mark handled" not in page
    assert f"Stay {dates} (120 nights): more than 30 nights" in page
    assert "1 too long" in desk.get(LIST).content.decode()
    channel_reads = record_reads(monkeypatch, Channel)
    event_reads = record_reads(monkeypatch, ChannelEvent)
    board = desk.get(DASHBOARD).content.decode()
    assert channel_reads == [("scan", None)] and event_reads == [("query", None)]
    alert = re.search(r'data-testid="channel-too-long">(.*?)</li>', board, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", alert).split()) == (
        f"Too long: Airbnb stay {dates} (120 nights): more than 30 nights, too long for one "
        "booking. Nothing was taken for it: book it by hand or split it."
    )
    _, again = sync(desk, channel)  # not tried again: no error, no second warning
    assert again == ["Synchronised: 0 created, 0 moved, 0 released (Airbnb)."]

    manager = client_for(roles.MANAGER)
    assert "Mark handled" in manager.get(f"{DETAIL}?id={channel.channelId}").content.decode()
    handled = manager.post(f"{DETAIL}?id={channel.channelId}", {"action": "handled", "uid": "long"})

    assert said(handled) == [f"Marked handled: the Airbnb stay {dates}."]
    assert 'data-testid="channel-too-long"' not in desk.get(DASHBOARD).content.decode()
    page = desk.get(f"{DETAIL}?id={channel.channelId}").content.decode()
    assert "Too long (handled)" in page and f"Handled by {manager.user.email}." in page
    entry = audit_for_object(object_type="bookings.channel", object_id=channel.channelId)[0]
    assert entry.action == "flag-resolved:tooLong" and entry.actor == manager.user.email
