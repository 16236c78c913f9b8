"""A reservation's own bill (DynamoDB Local): the booker's charges for the whole party on
/api/reservations/{id}/folio, posted, paid, reversed and refunded through the booking bill's
views; the last stay to leave cannot check out while that bill owes (a manager may); two
stays leaving at once cannot both skip it; its lines count in the business day's books."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.models import CHECKED_OUT
from bookings.reservations.services import reservation_create
from bookings.selectors import booking_get
from bookings.services import booking_transition
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from hotel.errors import DomainError
from payments.folio.models import FolioLine
from tests.helpers import settle_bill

DESK = "desk@staff.test"
BOOKER = {"name": "Ada Booker", "email": "ada@family.test", "phone": "+44 20 7946 0000"}


@pytest.fixture
def party(make_room):
    """A reservation of two Deluxe rooms, both checked in today for two nights."""
    for n in range(2):
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=2, pricePerNight=5000)
    now = timezone.now()
    today = hotel_today(now)
    stay = {"roomType": "Deluxe", "adults": 2, "checkIn": today,
            "checkOut": today + timedelta(days=2)}  # fmt: skip
    made = reservation_create(booker=BOOKER, stays=[stay, dict(stay)], actor=DESK, now=now)
    for booking in made.bookings:
        for status in ("confirmed", "checked-in"):
            booking_transition(
                booking_id=booking.bookingId, to_status=status, actor=DESK, now=timezone.now()
            )
    return made


def url(party, tail=""):
    return f"/api/reservations/{party.reservation.reservationId}/folio{tail}"


def bill(api, party):
    response = api.as_role(roles.FRONT_DESK).get(url(party))
    assert response.status_code == 200, response.content
    return response.json()


def charge(api, party, amount=24000, description="Welcome dinner for the family"):
    response = api.as_role(roles.FRONT_DESK).post(
        url(party, "/charges"),
        {"description": description, "amount": amount, "category": "restaurant"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_post_pay_reverse_and_refund_on_the_reservation_bill(api, party):
    opened = bill(api, party)
    assert opened["bookingId"] is None
    assert opened["reservationId"] == party.reservation.reservationId
    assert opened["balance"] == 0
    assert opened["folios"][0]["payer"] == {"name": "Ada Booker", "email": "ada@family.test"}
    assert opened["folios"][0]["lines"] == []  # no stay on it: only the desk's lines

    dinner = charge(api, party)
    assert (dinner["kind"], dinner["amount"], dinner["category"]) == (
        "charge",
        24000,
        "restaurant",
    )
    after = bill(api, party)
    assert after["balance"] == 24000
    # The stays' own bills do not carry it.
    for booking in party.bookings:
        stay_bill = api.get(f"/api/bookings/{booking.bookingId}/folio").json()
        assert all(x["description"] != dinner["description"] for f in stay_bill["folios"]
                   for x in f["lines"])  # fmt: skip

    desk = api.as_role(roles.FRONT_DESK)
    paid = desk.post(
        url(party, "/payments"),
        {"amount": 10000, "method": "cash", "reference": "till 1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="res-pay-1",
    )
    assert paid.status_code == 201, paid.content
    again = desk.post(
        url(party, "/payments"),
        {"amount": 10000, "method": "cash", "reference": "till 1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="res-pay-1",
    )
    assert again.json()["lineId"] == paid.json()["lineId"]  # a retry posts nothing twice
    assert bill(api, party)["balance"] == 14000

    # Reversal and refund are the managers' and accountants' (as on a booking's bill).
    refused = api.as_role(roles.FRONT_DESK).post(
        url(party, f"/lines/{dinner['lineId']}/reverse"), {"reason": "on the house"}, format="json"
    )
    assert refused.status_code == 403
    reversed_ = api.as_role(roles.MANAGER).post(
        url(party, f"/lines/{dinner['lineId']}/reverse"), {"reason": "on the house"}, format="json"
    )
    assert reversed_.status_code == 201, reversed_.content
    assert reversed_.json()["reverses"] == dinner["lineId"]
    twice = api.post(
        url(party, f"/lines/{dinner['lineId']}/reverse"), {"reason": "again"}, format="json"
    )
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "LINE_ALREADY_REVERSED"
    assert bill(api, party)["balance"] == -10000  # the party is owed its 100.00 back

    too_much = api.as_role(roles.ACCOUNTANT).post(
        url(party, "/refunds"),
        {"amount": 20000, "method": "cash", "reason": "dinner cancelled"},
        format="json",
    )
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "REFUND_EXCEEDS_PAID"
    refund = api.post(
        url(party, "/refunds"),
        {"amount": 10000, "method": "cash", "reason": "dinner cancelled"},
        format="json",
    )
    assert refund.status_code == 201, refund.content
    allowance = api.post(
        url(party, "/allowances"), {"amount": 500, "reason": "late room"}, format="json"
    )
    assert allowance.status_code == 201, allowance.content
    final = bill(api, party)
    assert final["balance"] == -500
    kinds = [x["kind"] for x in final["folios"][0]["lines"]]
    assert kinds == ["charge", "payment", "reversal", "refund", "allowance"]
    assert final["folios"][0]["lines"][0]["reversed"] is True


def test_what_only_a_stay_has_is_refused_on_the_reservation_bill(api, party):
    desk = api.as_role(roles.FRONT_DESK)
    extra = desk.post(url(party, "/charges"), {"code": "BREAKFAST"}, format="json")
    assert extra.status_code == 400, extra.content
    assert "code" in extra.json()["error"]["details"]["fields"]
    card = desk.post(url(party, "/payments"), {"method": "card_on_file"}, format="json")
    assert card.status_code == 400, card.content
    assert "method" in card.json()["error"]["details"]["fields"]


def test_each_route_keeps_to_its_own_kind_of_bill(api, party):
    reservation_id = party.reservation.reservationId
    booking_id = party.bookings[0].bookingId
    desk = api.as_role(roles.FRONT_DESK)
    wrong = desk.get(f"/api/bookings/{reservation_id}/folio")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (404, "BOOKING_NOT_FOUND")
    wrong = desk.get(f"/api/reservations/{booking_id}/folio")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (404, "RESERVATION_NOT_FOUND")
    missing = desk.post(
        "/api/reservations/RS-20260101-NOPE/folio/charges",
        {"description": "Dinner", "amount": 100},
        format="json",
    )
    assert (missing.status_code, missing.json()["error"]["code"]) == (
        404,
        "RESERVATION_NOT_FOUND",
    )
    housekeeping = api.as_role(roles.HOUSEKEEPING)
    assert housekeeping.get(url(party)).status_code == 403
    api.credentials()
    assert api.get(url(party)).status_code in (401, 403)


def check_out(api, booking_id, **extra):
    return api.put(
        f"/api/bookings/{booking_id}/status", {"status": "checked-out", **extra}, format="json"
    )


def test_the_last_stay_cannot_leave_while_the_reservation_bill_owes(api, party):
    first, last = (b.bookingId for b in party.bookings)
    for booking_id in (first, last):
        settle_bill(booking_id)
    charge(api, party)
    desk = api.as_role(roles.FRONT_DESK)
    assert check_out(desk, first).status_code == 200  # another stay is still in house

    refused = check_out(desk, last)
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "BALANCE_DUE"
    assert error["details"]["reservationId"] == party.reservation.reservationId
    assert error["details"]["bill"] == "reservation"
    assert error["details"]["balance"] == 24000
    assert party.reservation.reservationId in error["message"]

    paid = desk.post(url(party, "/payments"), {"amount": 24000, "method": "terminal"},
                     format="json")  # fmt: skip
    assert paid.status_code == 201, paid.content
    assert check_out(desk, last).status_code == 200


def test_a_manager_may_let_the_last_stay_leave_and_it_is_audited(api, party):
    first, last = (b.bookingId for b in party.bookings)
    for booking_id in (first, last):
        settle_bill(booking_id)
    charge(api, party)
    assert check_out(api.as_role(roles.FRONT_DESK), first).status_code == 200
    assert check_out(api, last, overrideBalance=True).status_code == 403
    out = check_out(api.as_role(roles.MANAGER), last, overrideBalance=True)
    assert out.status_code == 200, out.content
    entries = audit_for_object(object_type="bookings.booking", object_id=last)
    audited = [e for e in entries if e.action == "folio:checkout-with-balance"]
    assert [e.after["reservationId"] for e in audited] == [party.reservation.reservationId]


def test_two_stays_leaving_at_once_cannot_both_skip_the_reservation_bill(api, party):
    ids = [b.bookingId for b in party.bookings]
    for booking_id in ids:
        settle_bill(booking_id)
    charge(api, party)
    barrier = threading.Barrier(len(ids))
    errors: dict[str, str] = {}

    def leave(booking_id):
        barrier.wait()
        try:
            booking_transition(
                booking_id=booking_id, to_status="checked-out", actor=DESK, now=timezone.now()
            )
        except DomainError as exc:
            errors[booking_id] = exc.code

    threads = [threading.Thread(target=leave, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = [booking_get(booking_id=i, consistent=True).status for i in ids]
    # Never both out while the party's bill owes: one leaves, the other is then the last
    # and is refused (or, if their transactions kept colliding, neither left yet).
    assert statuses.count(CHECKED_OUT) <= 1, (statuses, errors)
    if statuses.count(CHECKED_OUT) == 1:
        assert list(errors.values()) == ["BALANCE_DUE"], errors
    else:
        assert set(errors.values()) <= {"BALANCE_DUE", "INVALID_TRANSITION"}, errors


def test_the_reservation_bill_counts_in_the_business_day(api, party):
    dinner = charge(api, party)
    key = f"{party.reservation.reservationId}#{dinner['lineId']}"
    lines = list(FolioLine.by_account_date.query(dinner["accountDate"]))
    assert key in {line.lineKey for line in lines}  # the night audit's report reads these


def test_the_reservation_bill_is_invoiced_to_the_booker(api, party):
    from django.core import mail

    from tests.payments.invoices.conftest import pdf_text

    reservation_id = party.reservation.reservationId
    charge(api, party)
    desk = api.as_role(roles.FRONT_DESK)
    owed = desk.post(f"/api/reservations/{reservation_id}/invoices", {}, format="json")
    assert owed.status_code == 409 and owed.json()["error"]["code"] == "BALANCE_DUE"
    desk.post(url(party, "/payments"), {"amount": 24000, "method": "cash"}, format="json")
    issued = desk.post(f"/api/reservations/{reservation_id}/invoices", {}, format="json")
    assert issued.status_code == 201, issued.content
    invoice = issued.json()
    assert invoice["bookingId"] == reservation_id and invoice["total"] == 24000
    assert invoice["payer"] == {"name": "Ada Booker", "email": "ada@family.test"}
    listed = desk.get(f"/api/reservations/{reservation_id}/invoices").json()["invoices"]
    assert [x["number"] for x in listed] == [invoice["number"]]
    assert bill(api, party)["folios"][0]["invoice"] == invoice["number"]
    sent = [m for m in mail.outbox if invoice["number"] in m.subject]
    assert sent and sent[0].to == ["ada@family.test"]
    assert f"reservation {reservation_id}" in sent[0].subject
    pdf = desk.get(f"/api/invoices/{invoice['number']}/pdf")
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert "Reservation reference" in text and reservation_id in text
    # A stay's invoices are its own; the booking route does not serve the reservation's.
    stay_id = party.bookings[0].bookingId
    assert desk.get(f"/api/bookings/{stay_id}/invoices").json()["invoices"] == []
    assert desk.get(f"/api/bookings/{reservation_id}/invoices").status_code == 404
