"""Erasure reaches what the guest's data was copied to for integrations: the webhook delivery
log (the bodies sent keep the whole booking) and the channel events (a VRBO SUMMARY carries
the guest's name, which the imported stay's guestName was built from)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import pytest
from django.utils import timezone

from bookings.channels.models import ChannelEvent
from bookings.channels.selectors import channel_events
from bookings.channels.services import channel_create
from bookings.channels.sync import channel_sync
from bookings.guests.models import GuestProfile
from bookings.models import Booking
from bookings.services import booking_transition
from hotel.webhooks.erasure import ERASED_ERROR
from hotel.webhooks.models import WebhookDelivery
from hotel.webhooks.subscriptions import webhook_create
from hotel.webhooks.types import type_names
from payments.privacy import erase as erase_module
from payments.privacy.scrub import ERASED_NAME
from tests.bookings.channels.conftest import CalendarServer, ics

from ..conftest import now
from .conftest import DESK, EMAIL, NAME, OTHER_NAME, PROFILE_ID, GuestWorld, traces
from .test_erase import erase

VRBO = "-//HomeAway.com, Inc.//EN"


@dataclass
class Connected:
    world: GuestWorld
    channel_id: str
    imported: Booking  # the channel's stay, named after the guest by the feed


@pytest.fixture
def feeds():
    server = CalendarServer()
    yield server
    server.close()


@pytest.fixture
def connected(request, settings, feeds) -> Connected:
    """A webhook for every type whose receiver is down (so every delivery is still pending,
    body and all), then the guest's world, and a VRBO stay of the guest's, cancelled."""
    settings.HOTEL_WEBHOOKS_FIRST_SEND = "inline"  # no background thread outlives the test
    webhook_create(url="http://127.0.0.1:9/hook", events=type_names(), actor=DESK, now=now())
    world = request.getfixturevalue("guest_world")
    url = feeds.put("/vrbo.ics", ics(("ada@vrbo", 60, 2, f"Reserved - {NAME}"), prodid=VRBO))
    channel = channel_create(name="VRBO", url=url, room_type="Deluxe", actor=DESK, now=now())
    channel_sync(channel_id=channel.channelId, now=timezone.now())
    (event,) = channel_events(channel.channelId)
    imported = booking_transition(
        booking_id=event.bookingId, to_status="cancelled", actor=DESK, now=now()
    )
    # Staff recognised the guest: the stay is on the profile (found by the erasure).
    GuestProfile.get(PROFILE_ID).update(
        actions=[GuestProfile.bookingIds.set(GuestProfile.bookingIds.append([event.bookingId]))]
    )
    return Connected(world=world, channel_id=channel.channelId, imported=imported)


def _items(model) -> list[dict]:
    return [item.attribute_values for item in model.scan(consistent_read=True)]


def test_after_erasure_no_delivery_body_or_channel_event_holds_the_guest(connected):
    before = traces(NAME, EMAIL)
    assert {"WebhookDelivery", "ChannelEvent"} <= set(before)  # the test can fail
    assert NAME in connected.imported.guestName
    subjects = {d.subject for d in WebhookDelivery.scan()}
    assert connected.world.paid.bookingId in subjects  # booking, payment and invoice types

    result = erase()

    assert set(traces(NAME, EMAIL)) == {"Invoice"}
    assert traces(OTHER_NAME)["WebhookDelivery"]  # the other guest's deliveries are whole
    erased = [d for d in WebhookDelivery.scan() if d.erasedAt is not None]
    assert result["webhookDeliveries"] == len(erased) > 0
    assert {d.subject for d in erased} == set(result["bookings"])
    assert all((d.status, d.lastError, d.queue) == ("failed", ERASED_ERROR, None) for d in erased)
    assert all(b'"erased":true' in zlib.decompress(d.body) for d in erased)
    (event,) = channel_events(connected.channel_id)
    assert (event.summary, result["channelEvents"]) == ("", 1) and event.erasedAt is not None
    assert Booking.get(connected.imported.bookingId).guestName == ERASED_NAME


def test_the_next_sync_of_the_same_feed_writes_the_name_nowhere(connected):
    erase()

    channel_sync(channel_id=connected.channel_id, now=timezone.now())

    assert Booking.get(connected.imported.bookingId).guestName == ERASED_NAME
    assert "ChannelEvent" not in traces(NAME) and "Booking" not in traces(NAME)


def test_a_rerun_after_a_crash_erases_the_rest_and_a_finished_one_writes_nothing(
    connected, monkeypatch
):
    real = erase_module._erase_booking

    def crash(*args, **kwargs):
        raise RuntimeError("Lambda timed out")

    monkeypatch.setattr(erase_module, "_erase_booking", crash)
    with pytest.raises(RuntimeError):
        erase()
    monkeypatch.setattr(erase_module, "_erase_booking", real)
    assert "WebhookDelivery" not in traces(NAME, EMAIL)  # done before the crash
    deliveries, events = _items(WebhookDelivery), _items(ChannelEvent)

    again = erase()

    assert again["alreadyErased"] is False and set(traces(NAME, EMAIL)) == {"Invoice"}
    assert (again["webhookDeliveries"], again["channelEvents"]) == (0, 0)
    # The erasure writes no delivery or event again (the bookings' own erasure, finished by
    # this run, publishes no event that would make a new delivery).
    assert _items(WebhookDelivery) == deliveries and _items(ChannelEvent) == events
    finished = erase()
    assert finished["alreadyErased"] is True
    assert _items(WebhookDelivery) == deliveries and _items(ChannelEvent) == events
