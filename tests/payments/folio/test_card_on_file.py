"""The card on file (DynamoDB Local and localstripe, no mocks): an at_hotel booking's
guarantee card is charged off-session by the desk for the bill's balance, and for the
no-show fee once however often the event comes."""

from __future__ import annotations

import pytest

from bookings.services import booking_transition
from hotel import events
from hotel.accounts import roles
from payments.models import CARD_ON_FILE, CHARGE, COMPLETED, FAILED, Payment
from payments.no_show import record_no_show_fee
from payments.selectors import payments_for_booking

from ..conftest import DECLINED, TOTAL, now
from ..test_payment_terms import book, fresh, pay, plan  # noqa: F401 (fixtures)


@pytest.fixture
def guaranteed(book, stripe_side):  # noqa: F811
    """A confirmed at_hotel booking whose card is kept as the guarantee (nothing paid)."""

    def make(number="4242424242424242", start=0):
        plan("PAYLATER", payment="at_hotel", noShowPercent=50)
        booking = book("PAYLATER", start=start)
        pay(booking, None, stripe_side.card(number) if number else stripe_side.token())
        assert fresh(booking).status == "confirmed"
        return booking

    return make


def charges(booking_id):
    return [p for p in payments_for_booking(booking_id=booking_id) if p.kind == CHARGE]


def test_the_desk_charges_the_balance_to_the_card_on_file(api, guaranteed, stripe_side):
    booking = guaranteed(number=None)
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking.bookingId}/folio"
    assert desk.get(url).json()["balance"] == TOTAL
    posted = desk.post(f"{url}/payments", {"method": "card_on_file"}, format="json")
    assert posted.status_code == 201, posted.content
    line = posted.json()
    assert (line["kind"], line["method"], line["amount"]) == ("payment", "card_on_file", TOTAL)
    assert desk.get(url).json()["balance"] == 0
    [payment] = charges(booking.bookingId)
    assert (payment.purpose, payment.status, payment.amount) == (CARD_ON_FILE, COMPLETED, TOTAL)
    assert line["reference"] == payment.transactionId
    intent = stripe_side.intent(payment.stripePaymentIntentId)
    guarantee = next(p for p in payments_for_booking(booking_id=booking.bookingId) if p.amount == 0)
    assert (intent.status, intent.amount, intent.customer) == (
        "succeeded",
        TOTAL,
        guarantee.stripeCustomerId,
    )
    assert fresh(booking).status == "confirmed"  # a payment onto the bill confirms nothing
    nothing = desk.post(f"{url}/payments", {"method": "card_on_file"}, format="json")
    assert nothing.status_code == 400
    assert nothing.json()["error"]["code"] == "AMOUNT_MISMATCH"


def test_a_part_of_the_balance_and_the_desk_methods_still_need_an_amount(api, guaranteed):
    booking = guaranteed()
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking.bookingId}/folio/payments"
    part = desk.post(url, {"method": "card_on_file", "amount": 1000}, format="json")
    assert part.status_code == 201, part.content
    assert desk.get(f"/api/bookings/{booking.bookingId}/folio").json()["balance"] == TOTAL - 1000
    too_much = desk.post(url, {"method": "card_on_file", "amount": TOTAL}, format="json")
    assert too_much.status_code == 400
    cash = desk.post(url, {"method": "cash"}, format="json")
    assert cash.status_code == 400
    assert "amount" in cash.json()["error"]["details"]["fields"]


def test_a_booking_without_a_guarantee_has_no_card_on_file(api, book):  # noqa: F811
    booking = book()
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="d", now=now())
    desk = api.as_role(roles.FRONT_DESK)
    refused = desk.post(
        f"/api/bookings/{booking.bookingId}/folio/payments",
        {"method": "card_on_file"},
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "NO_CARD_ON_FILE"


def test_a_declined_card_on_file_leaves_the_balance_owed(api, guaranteed):
    booking = guaranteed(number=DECLINED)
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{booking.bookingId}/folio"
    declined = desk.post(f"{url}/payments", {"method": "card_on_file"}, format="json")
    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "PAYMENT_DECLINED"
    assert [p.status for p in charges(booking.bookingId)] == [FAILED]
    assert desk.get(url).json()["balance"] == TOTAL


def test_a_no_show_charges_its_fee_to_the_card_once(api, guaranteed, stripe_side):
    booking = guaranteed()
    booking_transition(booking_id=booking.bookingId, to_status="no-show", actor="desk", now=now())
    [payment] = charges(booking.bookingId)
    assert (payment.purpose, payment.status, payment.amount) == (
        CARD_ON_FILE,
        COMPLETED,
        TOTAL // 2,
    )
    bill = api.as_role(roles.FRONT_DESK).get(f"/api/bookings/{booking.bookingId}/folio").json()
    assert bill["balance"] == 0
    kinds = [(x["kind"], x["category"], x["amount"]) for x in bill["folios"][0]["lines"]]
    assert ("charge", "no_show", TOTAL // 2) in kinds
    assert ("payment", "payment", TOTAL // 2) in kinds

    again = events.Event(
        name=events.BookingNoShow, detail={"bookingId": booking.bookingId}, occurred_at=now()
    )
    record_no_show_fee(again)  # the event repeats: nothing more is charged
    record_no_show_fee(again)
    assert len(charges(booking.bookingId)) == 1
    assert len(stripe_side.intents_for(booking.bookingId)) == 1
    assert Payment.get(payment.transactionId).status == COMPLETED


def test_two_clerks_charging_the_card_at_once_charge_it_once(guaranteed, stripe_side):
    import threading

    from payments.folio.card_on_file import folio_charge_card_on_file

    booking = guaranteed()
    start, outcomes = threading.Barrier(4), []

    def charge():
        start.wait()
        try:
            payment, _ = folio_charge_card_on_file(
                booking_id=booking.bookingId, actor="desk", now=now()
            )
            outcomes.append(payment.status)
        except Exception as exc:  # noqa: BLE001 - the refusal is the point
            outcomes.append(getattr(exc, "code", repr(exc)))

    threads = [threading.Thread(target=charge) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(COMPLETED) == 1, outcomes
    assert set(outcomes) - {COMPLETED} <= {"PAYMENT_IN_PROGRESS", "AMOUNT_MISMATCH"}
    assert [p.status for p in charges(booking.bookingId)] == [COMPLETED]
    assert len(stripe_side.intents_for(booking.bookingId)) == 1
