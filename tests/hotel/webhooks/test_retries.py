"""Failed attempts: retried by the job on its schedule (a clock passed in, no sleeping),
replayed by hand with the same event id, and a webhook that fails for 24 hours switched off
with an email to the managers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import mail

from hotel.accounts import roles
from hotel.webhooks.models import WebhookSubscription
from hotel.webhooks.publish import webhooks_wait_idle
from hotel.webhooks.sending import (
    FINISH,
    LEASE,
    TIMEOUT,
    delivery_claim,
    next_attempt_at,
    webhooks_send_due,
)

from .conftest import deliveries

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_the_schedule_backs_off_and_ends_24_hours_after_the_event():
    at, tries = T0, []
    for attempts in range(1, 12):
        at = next_attempt_at(created_at=T0, attempts=attempts, now=at)
        if at is None:
            break
        tries.append(at - T0)
    minutes = [int(t.total_seconds() // 60) for t in tries]
    assert minutes == [1, 6, 36, 156, 456, 1056, 1440]  # 1 min, 5, 30, 2 h, 5 h, 10 h, 24 h


def test_a_failing_receiver_is_retried_on_the_schedule_until_it_answers(
    receiver, subscribe, booked
):
    webhook, first = failed_once(receiver, subscribe, booked)
    assert first.lastStatusCode == 500
    assert first.nextAttemptAt - first.lastAttemptAt == timedelta(minutes=1)

    early = webhooks_send_due(now=first.lastAttemptAt + timedelta(seconds=30))
    second_at = first.lastAttemptAt + timedelta(seconds=61)
    webhooks_send_due(now=second_at)
    (second,) = deliveries(webhook["webhookId"])
    third_at = second_at + timedelta(minutes=5, seconds=1)
    webhooks_send_due(now=third_at)
    receiver.status = 200
    fourth_at = third_at + timedelta(minutes=30, seconds=1)
    done = webhooks_send_due(now=fourth_at)

    assert early["due"] == 0
    assert second.attempts == 2 and second.nextAttemptAt == second_at + timedelta(minutes=5)
    assert done == {"due": 1, "sent": 1, "skipped": 0}
    requests = receiver.wait_for(4)
    assert len(requests) == 4
    assert len({r.body for r in requests}) == 1  # the same event id and body every time
    assert [r.headers["Hotel-Delivery-Attempt"] for r in requests] == ["1", "2", "3", "4"]
    (last,) = deliveries(webhook["webhookId"])
    assert (last.status, last.attempts, last.lastStatusCode) == ("delivered", 4, 200)
    assert last.deliveredAt == fourth_at and last.nextAttemptAt is None and last.queue is None
    healthy = WebhookSubscription.get(webhook["webhookId"])
    assert healthy.failingSince is None and healthy.lastSuccessAt == fourth_at
    assert webhooks_send_due(now=fourth_at + timedelta(days=1))["due"] == 0


def test_replay_sends_the_same_event_again(manager_api, receiver, subscribe, booked):
    webhook = subscribe(receiver.url)
    booked()
    (original,) = receiver.wait_for(1)
    webhooks_wait_idle()
    (delivery,) = deliveries(webhook["webhookId"])

    response = manager_api.post(
        f"/api/webhooks/{webhook['webhookId']}/deliveries/{delivery.deliveryId}/replay"
    )
    missing = manager_api.post(f"/api/webhooks/{webhook['webhookId']}/deliveries/nope/replay")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "delivered" and response.json()["attempts"] == 2
    first, again = receiver.wait_for(2)
    assert again.json["id"] == original.json["id"] and again.body == original.body
    assert again.headers["Hotel-Signature"] != "" and again.headers["Hotel-Delivery-Attempt"] == "2"
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "DELIVERY_NOT_FOUND"


def test_24_hours_of_failures_switch_the_webhook_off_and_email_the_managers(
    manager, manager_api, make_staff, receiver, subscribe, booked
):
    desk = make_staff(roles.FRONT_DESK)
    receiver.status = 503
    webhook = subscribe(receiver.url)
    booked()
    receiver.wait_for(1)
    webhooks_wait_idle()
    (first,) = deliveries(webhook["webhookId"])
    mail.outbox.clear()

    webhooks_send_due(now=first.lastAttemptAt + timedelta(hours=12))  # still within 24 h
    still = WebhookSubscription.get(webhook["webhookId"])
    webhooks_send_due(now=first.lastAttemptAt + timedelta(hours=24, minutes=1))

    assert still.active and still.failingSince == first.lastAttemptAt
    off = WebhookSubscription.get(webhook["webhookId"])
    assert off.active is False and "24 hours" in off.disabledReason
    # One email to each manager (this one, and the one who subscribed), none to the desk.
    assert sorted(e.to[0] for e in mail.outbox) == sorted([manager.email, manager_api.user.email])
    assert desk.email not in {e.to[0] for e in mail.outbox}
    email = mail.outbox[0]
    assert webhook["webhookId"] in email.subject
    assert receiver.url in email.body and "HTTP 503" in email.body
    (given_up,) = deliveries(webhook["webhookId"])
    assert (given_up.status, given_up.attempts, given_up.queue) == ("failed", 3, None)
    receiver.status = 200
    booked()  # a switched-off webhook gets nothing new
    webhooks_wait_idle()
    assert len(receiver.wait_for(4, timeout=0.5)) == 3
    on = manager_api.patch(f"/api/webhooks/{webhook['webhookId']}", {"active": True}, format="json")
    assert on.json()["active"] and on.json()["failingSince"] is None
    assert on.json()["disabledReason"] is None
    booked()  # switched on again: delivered
    assert len(receiver.wait_for(4)) == 4


def failed_once(receiver, subscribe, booked):
    receiver.status = 500
    webhook = subscribe(receiver.url)
    booked()
    receiver.wait_for(1)
    webhooks_wait_idle()
    (first,) = deliveries(webhook["webhookId"])
    assert (first.status, first.attempts) == ("pending", 1)
    return webhook, first


def test_an_attempt_cut_off_counts_as_failed_and_backs_off(receiver, subscribe, booked):
    webhook, first = failed_once(receiver, subscribe, booked)
    cut_at = first.nextAttemptAt + timedelta(seconds=1)
    # The job claims attempt 2 and its Lambda runs out of time: no outcome is written.
    claimed = delivery_claim(
        webhook_id=first.webhookId, delivery_id=first.deliveryId, due_at=first.dueAt, now=cut_at
    )
    assert claimed is not None and claimed.attempts == 2

    during = webhooks_send_due(now=cut_at + timedelta(seconds=LEASE - 1))
    after = cut_at + timedelta(seconds=LEASE + 1)
    closing = webhooks_send_due(now=after)
    (closed,) = deliveries(webhook["webhookId"])

    assert during["due"] == 0  # leased
    assert closing == {"due": 1, "sent": 0, "skipped": 1}  # not sent again at once
    assert len(receiver.wait_for(2, timeout=0.5)) == 1
    assert closed.status == "pending" and closed.attempts == 2 and closed.sendingUntil is None
    assert "did not finish" in closed.lastError
    assert closed.nextAttemptAt == after + timedelta(minutes=5)  # the backoff after attempt 2
    assert closed.dueAt == int(closed.nextAttemptAt.timestamp())
    assert WebhookSubscription.get(webhook["webhookId"]).lastFailureAt == after

    receiver.status = 200
    assert webhooks_send_due(now=closed.nextAttemptAt)["sent"] == 1
    (done,) = deliveries(webhook["webhookId"])
    assert (done.status, done.attempts) == ("delivered", 3)


def test_an_attempt_cut_off_after_the_24_hours_gives_up(receiver, subscribe, booked):
    webhook, first = failed_once(receiver, subscribe, booked)
    last_try = first.createdAt + timedelta(hours=24)
    claimed = delivery_claim(
        webhook_id=first.webhookId, delivery_id=first.deliveryId, due_at=first.dueAt, now=last_try
    )
    assert claimed is not None

    webhooks_send_due(now=last_try + timedelta(seconds=LEASE + 1))

    (given_up,) = deliveries(webhook["webhookId"])
    assert given_up.status == "failed" and given_up.queue is None and given_up.dueAt is None
    assert webhooks_send_due(now=last_try + timedelta(days=1))["due"] == 0
    assert len(receiver.wait_for(2, timeout=0.5)) == 1


def test_the_job_starts_no_attempt_that_could_not_finish_in_the_time_left(
    receiver, subscribe, booked
):
    webhook, first = failed_once(receiver, subscribe, booked)
    due_at = first.nextAttemptAt

    short = webhooks_send_due(now=due_at, seconds_left=TIMEOUT + FINISH - 1)
    untouched = deliveries(webhook["webhookId"])[0]
    roomy = webhooks_send_due(now=due_at, seconds_left=TIMEOUT + FINISH + 10)

    assert short == {"due": 1, "sent": 0, "skipped": 1}
    assert untouched.attempts == 1 and untouched.sendingUntil is None  # not even claimed
    assert roomy["sent"] == 1 and len(receiver.wait_for(2)) == 2


def test_the_lambda_job_passes_its_remaining_time(receiver, subscribe, booked, monkeypatch):
    from django.utils import timezone

    from hotel import jobs

    webhook, first = failed_once(receiver, subscribe, booked)
    monkeypatch.setattr(timezone, "now", lambda: first.nextAttemptAt)

    class Context:  # what Lambda passes to a handler
        def get_remaining_time_in_millis(self):
            return 9_000

    answer = jobs.send_webhooks({}, Context())

    assert "1 due, 0 attempted, 1 skipped" in answer["output"]
    assert deliveries(webhook["webhookId"])[0].attempts == 1
