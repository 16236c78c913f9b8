"""A domain event whose handler fails in the cloud path (hotel.jobs.domain_event) is not lost,
and the handlers that did their part do not run again.

EventBridge cannot run here: the bus is the real EventBridgeBus over a boto3 client answered
by botocore's Stubber (which checks each request against the service model); the entries it
was asked to put are captured and handed back to `domain_event` as EventBridge would.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from django.core import mail
from pynamodb.exceptions import PutError

from hotel import events, jobs
from hotel.events import RETRY_KEY, EventBridgeBus, HandlersFailed
from hotel.webhooks.models import WebhookDelivery

from .conftest import deliveries

WEBHOOK_HANDLER = "hotel.webhooks.publish.webhook_event_handle"


class Bridge:
    """The real bus class, its PutEvents answered by the Stubber; `put` holds what was sent."""

    def __init__(self, *, rejected: bool = False):
        client = boto3.client(
            "events", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
        )
        self.put: list[dict] = []
        client.meta.events.register(
            "provide-client-params.events.PutEvents",
            lambda params, **kw: self.put.extend(params["Entries"]),
        )
        self.stubber = Stubber(client)
        self.rejected = rejected
        self.bus = EventBridgeBus(client=client, bus_name="hotel-test")

    def expect_put(self):
        if self.rejected:
            answer = {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException"}]}
        else:
            answer = {"FailedEntryCount": 0, "Entries": [{"EventId": "retry-1"}]}
        self.stubber.add_response("put_events", answer)

    def bridged(self, index: int = -1) -> dict:
        """The event EventBridge would invoke the function with for a put entry."""
        entry = self.put[index]
        return {
            "id": "bridge-retry-id",
            "source": entry["Source"],
            "detail-type": entry["DetailType"],
            "time": entry["Time"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "detail": json.loads(entry["Detail"]),
        }


@pytest.fixture
def bridge(monkeypatch, settings):
    settings.HOTEL_WEBHOOKS_FIRST_SEND = "inline"  # the cloud: sent within the invocation
    monkeypatch.setattr(jobs, "RETRY_PAUSE", 0)
    made = Bridge()
    # The cloud's bus from the moment the event reaches the function (the setup publishes
    # in-process); `domain_event` puts retries on it.
    made.switch_on = lambda: monkeypatch.setattr(events, "get_bus", lambda: made.bus)
    with made.stubber:
        yield made
    made.stubber.assert_no_pending_responses()


@pytest.fixture
def flaky_delivery_writes(monkeypatch):
    """The next `n` writes of a webhook delivery fail as an unreachable DynamoDB would."""
    left = {"n": 0}
    save = WebhookDelivery.save

    def failing(self, *args, **kwargs):
        if left["n"] > 0:
            left["n"] -= 1
            raise PutError("Failed to put item: Could not connect to the endpoint URL")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(WebhookDelivery, "save", failing)

    def arm(n: int) -> None:
        left["n"] = n

    return arm


def confirmed_event(booking_id: str) -> dict:
    return {
        "id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "source": "hotel",
        "detail-type": events.BookingConfirmed,
        "time": "2026-03-02T09:30:00Z",
        "detail": {"bookingId": booking_id},
    }


def test_a_handler_failing_once_is_tried_again_within_the_invocation(
    receiver, subscribe, booked, bridge, flaky_delivery_writes
):
    webhook = subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked(guest_email="ana@example.com")
    mail.outbox.clear()
    bridge.switch_on()
    flaky_delivery_writes(1)

    answer = jobs.domain_event(confirmed_event(booking.bookingId))

    assert answer == {"dispatched": events.BookingConfirmed}
    assert bridge.put == []  # nothing put back on the bus
    assert len(receiver.wait_for(1)) == 1 and len(deliveries(webhook["webhookId"])) == 1
    assert len(mail.outbox) == 1  # the confirmation email once


def test_a_handler_still_failing_is_put_back_on_the_bus_for_itself_alone(
    receiver, subscribe, booked, bridge, flaky_delivery_writes
):
    webhook = subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked(guest_email="ana@example.com")
    mail.outbox.clear()
    bridge.switch_on()
    flaky_delivery_writes(2)  # the first try and the one after the pause
    bridge.expect_put()

    answer = jobs.domain_event(confirmed_event(booking.bookingId))

    assert answer["retrying"] == [WEBHOOK_HANDLER]
    assert deliveries(webhook["webhookId"]) == [] and len(mail.outbox) == 1
    (entry,) = bridge.put
    detail = json.loads(entry["Detail"])
    assert detail[RETRY_KEY] == {
        "eventId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "handlers": [WEBHOOK_HANDLER],
        "hop": 1,
    }
    assert entry["DetailType"] == events.BookingConfirmed and entry["Source"] == "hotel"

    # EventBridge brings the retry back (its own new id): only the webhook handler runs,
    # keyed on the original event, and the guest gets no second email.
    assert jobs.domain_event(bridge.bridged()) == {"dispatched": events.BookingConfirmed}
    (delivery,) = deliveries(webhook["webhookId"])
    assert delivery.eventId == "evt_0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert delivery.deliveryId.startswith("20260302T093000")
    assert len(receiver.wait_for(1)) == 1 and len(mail.outbox) == 1

    # A late duplicate of the original (at least once) sends nothing twice.
    jobs.domain_event(confirmed_event(booking.bookingId))
    assert len(deliveries(webhook["webhookId"])) == 1 and len(receiver.wait_for(2, 0.5)) == 1


def test_a_retry_that_fails_again_raises_so_lambda_retries_and_dead_letters(
    receiver, subscribe, booked, bridge, flaky_delivery_writes
):
    subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked(guest_email="ana@example.com")
    bridge.switch_on()
    flaky_delivery_writes(2)
    bridge.expect_put()
    jobs.domain_event(confirmed_event(booking.bookingId))
    mail.outbox.clear()

    flaky_delivery_writes(2)
    with pytest.raises(HandlersFailed) as raised:
        jobs.domain_event(bridge.bridged())

    assert raised.value.handlers == [WEBHOOK_HANDLER]
    assert len(bridge.put) == 1  # raised, not put back again: Lambda's retries take over
    assert mail.outbox == []  # the retry runs only the handler that failed


def test_a_retry_of_which_some_handlers_succeed_is_narrowed_not_repeated(
    receiver, subscribe, booked, bridge, flaky_delivery_writes
):
    subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked(guest_email="ana@example.com")
    mail.outbox.clear()
    bridge.switch_on()
    email = "bookings.emails.booking_confirmed_email"
    retry = confirmed_event(booking.bookingId)
    retry["detail"][RETRY_KEY] = {"eventId": retry["id"], "handlers": [email, WEBHOOK_HANDLER]}
    flaky_delivery_writes(2)
    bridge.expect_put()

    answer = jobs.domain_event(retry)  # the email goes; the webhook fails twice

    assert answer["retrying"] == [WEBHOOK_HANDLER] and len(mail.outbox) == 1
    narrowed = json.loads(bridge.put[0]["Detail"])[RETRY_KEY]
    assert narrowed["handlers"] == [WEBHOOK_HANDLER] and narrowed["hop"] == 2
    jobs.domain_event(bridge.bridged())
    assert len(mail.outbox) == 1 and len(receiver.wait_for(1)) == 1


def test_a_retry_naming_a_handler_that_no_longer_exists_is_not_called_done(bridge):
    retry = confirmed_event("BK-GONE")
    retry["detail"][RETRY_KEY] = {"eventId": retry["id"], "handlers": ["bookings.old.gone"]}
    bridge.switch_on()

    with pytest.raises(HandlersFailed) as raised:
        jobs.domain_event(retry)

    assert raised.value.handlers == ["bookings.old.gone"] and bridge.put == []


def test_when_the_bus_refuses_the_retry_the_invocation_fails(
    receiver, subscribe, booked, monkeypatch, flaky_delivery_writes, settings
):
    settings.HOTEL_WEBHOOKS_FIRST_SEND = "inline"
    monkeypatch.setattr(jobs, "RETRY_PAUSE", 0)
    refusing = Bridge(rejected=True)
    subscribe(receiver.url, events=["booking.confirmed"])
    booking = booked()
    monkeypatch.setattr(events, "get_bus", lambda: refusing.bus)
    flaky_delivery_writes(2)
    for _ in range(jobs.PUT_TRIES):
        refusing.expect_put()

    with refusing.stubber, pytest.raises(HandlersFailed):
        jobs.domain_event(confirmed_event(booking.bookingId))
    assert len(refusing.put) == jobs.PUT_TRIES  # tried again before giving up


def test_dispatch_reports_failures_and_runs_only_the_named_handlers(monkeypatch):
    from collections import defaultdict

    monkeypatch.setattr(events, "_handlers", defaultdict(list))
    ran = []

    def good(event):
        ran.append("good")

    def bad(event):
        ran.append("bad")
        raise RuntimeError("boom")

    events.subscribe("RetryTest")(good)
    events.subscribe("RetryTest")(bad)
    event = events.Event("RetryTest", {})

    assert events.dispatch(event) == [events.handler_name(bad)]
    assert ran == ["good", "bad"]
    assert events.dispatch(event, only=[events.handler_name(good)]) == []
    assert ran == ["good", "bad", "good"]
