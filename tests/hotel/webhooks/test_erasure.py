"""A guest's erasure reaches the delivery log (hotel.webhooks.erasure): each delivery is filed
under the object it carries, loses its body, and one still pending is never sent again."""

from __future__ import annotations

import json
import zlib
from datetime import timedelta

from hotel.webhooks.erasure import ERASED_ERROR, deliveries_forget
from hotel.webhooks.models import DUE, WebhookDelivery
from hotel.webhooks.publish import webhooks_wait_idle
from hotel.webhooks.sending import webhooks_send_due

from .conftest import deliveries

NAME, EMAIL = "Ada Lovelace", "ada.lovelace@guest.test"


def body(delivery: WebhookDelivery) -> dict:
    return json.loads(zlib.decompress(delivery.body))


def test_a_delivery_is_filed_under_the_booking_it_carries(receiver, subscribe, booked):
    webhook = subscribe(receiver.url, events=["booking.created"])

    booking = booked()
    receiver.wait_for(1)
    webhooks_wait_idle()

    (delivery,) = deliveries(webhook["webhookId"])
    assert delivery.subject == booking.bookingId == body(delivery)["data"]["bookingId"]


def test_forgetting_replaces_the_bodies_and_gives_up_what_is_pending(receiver, subscribe, booked):
    delivered = subscribe(receiver.url)
    receiver_down = subscribe("http://127.0.0.1:9/hook")  # refused: pending, retried later
    erased = booked(guest_name=NAME, guest_email=EMAIL)
    kept = booked(guest_name="Grace Hopper", guest_email="grace@guest.test")
    receiver.wait_for(2)
    webhooks_wait_idle()
    pending = [d for d in deliveries(receiver_down["webhookId"]) if d.subject == erased.bookingId]
    assert pending[0].status == "pending" and NAME in zlib.decompress(pending[0].body).decode()

    changed = deliveries_forget(subjects={erased.bookingId}, now=pending[0].createdAt)

    assert changed == 2  # one per subscription
    for webhook in (delivered, receiver_down):
        (gone,) = [d for d in deliveries(webhook["webhookId"]) if d.subject == erased.bookingId]
        text = zlib.decompress(gone.body).decode()
        assert NAME not in text and EMAIL not in text
        assert body(gone) == {"id": gone.eventId, "type": "booking.created", "data": None,
                              "erased": True}  # fmt: skip
        assert gone.erasedAt is not None and gone.responseSnippet is None
        (other,) = [d for d in deliveries(webhook["webhookId"]) if d.subject == kept.bookingId]
        assert body(other)["data"]["guestName"] == "Grace Hopper"  # nobody else's
    (given_up,) = [d for d in deliveries(receiver_down["webhookId"]) if d.erasedAt]
    assert (given_up.status, given_up.lastError) == ("failed", ERASED_ERROR)
    assert given_up.queue is None and given_up.nextAttemptAt is None
    due = {d.deliveryId for d in WebhookDelivery.due.query(DUE)}
    assert given_up.deliveryId not in due and due  # the other guest's retry is still due
    later = given_up.createdAt + timedelta(hours=1)
    assert webhooks_send_due(now=later)["due"] == 1  # only the other guest's
    assert len(receiver.requests) == 2  # and nothing of the erased one left again


def test_forgetting_again_writes_nothing(receiver, subscribe, booked):
    webhook = subscribe(receiver.url)
    booking = booked(guest_name=NAME, guest_email=EMAIL)
    receiver.wait_for(1)
    webhooks_wait_idle()
    at = deliveries(webhook["webhookId"])[0].createdAt
    assert deliveries_forget(subjects={booking.bookingId}, now=at) == 1
    before = [d.attribute_values for d in deliveries(webhook["webhookId"])]

    assert deliveries_forget(subjects={booking.bookingId}, now=at + timedelta(minutes=1)) == 0
    assert deliveries_forget(subjects=set(), now=at) == 0

    assert [d.attribute_values for d in deliveries(webhook["webhookId"])] == before


def test_an_erased_delivery_is_not_sent_by_a_replay(receiver, subscribe, booked, manager_api):
    webhook = subscribe(receiver.url)
    booking = booked(guest_name=NAME, guest_email=EMAIL)
    receiver.wait_for(1)
    webhooks_wait_idle()
    (delivery,) = deliveries(webhook["webhookId"])
    deliveries_forget(subjects={booking.bookingId}, now=delivery.createdAt)

    replay = manager_api.post(
        f"/api/webhooks/{webhook['webhookId']}/deliveries/{delivery.deliveryId}/replay"
    )

    assert replay.status_code == 409, replay.json()
    assert replay.json()["error"]["code"] == "DELIVERY_ERASED"
    assert len(receiver.wait_for(2, timeout=0.5)) == 1  # nothing left again


def test_an_attempt_in_flight_during_the_erasure_writes_no_outcome_over_it(
    receiver, subscribe, booked
):
    from hotel.webhooks.sending import delivery_attempt, delivery_claim

    receiver.status, receiver.answer = 500, f"no thanks, {NAME}".encode()
    webhook = subscribe(receiver.url)
    booking = booked(guest_name=NAME, guest_email=EMAIL)
    receiver.wait_for(1)
    webhooks_wait_idle()
    (first,) = deliveries(webhook["webhookId"])
    at = first.nextAttemptAt
    claimed = delivery_claim(
        webhook_id=first.webhookId, delivery_id=first.deliveryId, due_at=first.dueAt, now=at
    )
    deliveries_forget(subjects={booking.bookingId}, now=at)  # while attempt 2 is out

    delivery_attempt(claimed, now=at)  # its body was read before: it leaves, and fails

    (after,) = deliveries(webhook["webhookId"])
    assert (after.status, after.lastError) == ("failed", ERASED_ERROR)
    assert after.responseSnippet is None and after.queue is None and after.dueAt is None
    assert NAME not in zlib.decompress(after.body).decode()
