"""Deliveries to a real HTTP receiver: signed as the README says, the whole object within
moments of the change, once per event however often it is handled, never to a private
address in the cloud's setting, and logged."""

from __future__ import annotations

from datetime import date, timedelta

from hotel import events
from hotel.events import Event, dispatch
from hotel.jobs import domain_event
from hotel.webhooks.publish import webhooks_wait_idle

from .conftest import deliveries, readme_snippet


def test_the_signature_verifies_with_the_readme_snippet(receiver, subscribe, booked):
    verify = readme_snippet()["verify_hotel_signature"]
    webhook = subscribe(receiver.url)

    booked()
    (request,) = receiver.wait_for(1)

    header = request.headers["Hotel-Signature"]
    assert verify(webhook["secret"], request.body, header)
    assert not verify(webhook["secret"], request.body + b" ", header)  # the body changed
    assert not verify("whsec_" + "0" * 64, request.body, header)  # another secret
    old = header.replace(header.split(",")[0], "t=1700000000")
    assert not verify(webhook["secret"], request.body, old)  # not within the tolerance


def test_a_booking_made_through_the_api_reaches_the_receiver_with_the_whole_booking(
    api, manager_api, receiver, subscribe, make_room
):
    subscribe(receiver.url, events=["booking.created", "booking.cancelled"])
    make_room(roomId="R-7")
    check_in = date.today() + timedelta(days=30)
    stay = {"checkIn": check_in.isoformat(), "checkOut": (check_in + timedelta(days=2)).isoformat()}

    made = api.post(
        "/api/bookings",
        {"roomId": "R-7", **stay, "guests": 2, "guestName": "Ada Guest", "guestEmail": "a@g.test"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    (request,) = receiver.wait_for(1, timeout=5)

    payload = request.json
    assert set(payload) == {"id", "type", "createdAt", "data"}
    assert payload["type"] == "booking.created" and payload["id"].startswith("evt_")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Hotel-Event-Id"] == payload["id"]
    data = payload["data"]
    assert data["bookingId"] == made.json()["bookingId"] and data["version"] >= 1
    shown = manager_api.get(f"/api/bookings/{data['bookingId']}").json()
    shown.pop("payment")
    assert {k: v for k, v in data.items() if k != "version"} == shown  # the API's booking


def test_a_repeated_domain_event_is_delivered_once(receiver, subscribe, booked):
    webhook = subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked()
    event = Event(name=events.BookingConfirmed, detail={"bookingId": booking.bookingId})

    dispatch(event)
    dispatch(event)  # in-process: the same event handled twice
    webhooks_wait_idle()

    assert len(receiver.wait_for(2, timeout=1)) == 1
    assert len(deliveries(webhook["webhookId"])) == 1


def test_an_eventbridge_event_delivered_twice_is_sent_once_inline(
    receiver, subscribe, booked, settings
):
    settings.HOTEL_WEBHOOKS_FIRST_SEND = "inline"  # the cloud: the handler's own invocation
    webhook = subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked()
    bridged = {
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "source": "hotel",
        "detail-type": events.BookingConfirmed,
        "time": "2026-03-02T09:30:00Z",
        "detail": {"bookingId": booking.bookingId},
    }

    domain_event(bridged)
    assert len(receiver.requests) == 1  # inline: sent before the handler returned
    domain_event(bridged)  # EventBridge delivers at least once

    assert len(receiver.wait_for(2, timeout=1)) == 1
    (delivery,) = deliveries(webhook["webhookId"])
    assert delivery.eventId == "evt_6a7e8febb4914cf7a9f1bf3703467718"
    assert delivery.deliveryId.startswith("20260302T093000")


def test_nothing_is_sent_to_a_private_address_when_they_are_not_allowed(
    receiver, subscribe, booked, settings
):
    webhook = subscribe(receiver.url)  # registered while allowed (the local stage)
    settings.HOTEL_OUTBOUND_ALLOW_PRIVATE = False  # the cloud's setting

    booked()
    webhooks_wait_idle()

    assert receiver.wait_for(1, timeout=0.5) == []
    (delivery,) = deliveries(webhook["webhookId"])
    assert delivery.attempts == 1 and delivery.lastStatusCode is None
    assert "not a public address" in delivery.lastError
    assert delivery.status == "pending" and delivery.nextAttemptAt is not None  # retried


def test_the_log_shows_each_delivery_with_its_outcome(manager_api, receiver, subscribe, booked):
    receiver.status, receiver.answer = 202, b"x" * 2000
    webhook = subscribe(receiver.url, events=["booking.created", "booking.confirmed"])

    booked(to=["confirmed"])
    receiver.wait_for(2)
    webhooks_wait_idle()
    log = manager_api.get(f"/api/webhooks/{webhook['webhookId']}/deliveries").json()

    assert log["count"] == 2
    assert {d["type"] for d in log["deliveries"]} == {"booking.created", "booking.confirmed"}
    sent = {r.json["id"] for r in receiver.requests}
    for entry in log["deliveries"]:
        assert entry["eventId"] in sent
        assert entry["status"] == "delivered" and entry["attempts"] == 1
        assert entry["lastStatusCode"] == 202 and entry["latencyMs"] >= 0
        assert entry["responseSnippet"] == "x" * 500 and entry["nextAttemptAt"] is None
    page = manager_api.get(f"/api/webhooks/{webhook['webhookId']}/deliveries", {"limit": 1}).json()
    assert page["count"] == 1 and page["nextToken"]
