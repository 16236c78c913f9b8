"""The payments admin: index-backed list and search, the read-only payment page with its
booking, refunds by accountants and managers (through localstripe), the booking's payments."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from hotel.accounts import roles
from payments import services
from payments.models import Payment
from tests.helpers import record_reads
from tests.payments.conftest import StripeSide

LIST = "/admin/payments/payment/"
BOOKING_INDEX = ("query", "bookingId-keys-index")
STATUS_INDEX = ("query", "status-createdAt-index")


def page(transaction_id: str, view: str = "change") -> str:
    return f"{LIST}{transaction_id}/{view}/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def listed(content: bytes) -> list[str]:
    """The transaction ids on a list page (it has no bulk actions, so no checkboxes)."""
    return re.findall(
        r'<th class="field-transactionId"><a href="[^"]*">([^<]*)</a>', content.decode()
    )


def fresh(payment: Payment) -> Payment:
    return Payment.get(payment.transactionId, consistent_read=True)


@pytest.fixture
def rooms(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="102", roomType="Suite", capacity=4, pricePerNight=20000)


@pytest.fixture
def paid(rooms, book):
    """`paid(room_id, start=)`: a completed payment (via localstripe) for a new booking."""

    def make(room_id="101", *, start=7):
        booking = book(room_id, start=start)
        return services.payment_create(
            booking_id=booking.bookingId,
            amount=booking.totalPrice,
            currency=booking.currency,
            payment_method_id="pm_card_visa",
            actor="guest",
            now=timezone.now(),
        ).payment

    return make


@pytest.fixture
def payment_reads(monkeypatch):
    """Every Payment query and scan (kind, index) made during the test."""
    return record_reads(monkeypatch, Payment)


@pytest.fixture
def stripe_side():
    return StripeSide()


@pytest.fixture
def accountant(client_for):
    return client_for(roles.ACCOUNTANT)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_payments_with_links_to_their_bookings_never_scanning(
    accountant, paid, payment_reads
):
    first, second = paid("101"), paid("102")
    payment_reads.clear()  # paying reads the booking's payments

    response = accountant.get(LIST)

    assert response.status_code == 200
    assert sorted(listed(response.content)) == sorted([first.transactionId, second.transactionId])
    assert payment_reads and set(payment_reads) == {STATUS_INDEX}  # one Query per status
    text = response.content.decode()
    assert f'href="/admin/bookings/booking/{first.bookingId}/change/"' in text
    assert "₹224.00" in text and "₹448.00" in text
    assert "Completed" in text and "visa" in text


def test_status_and_created_date_are_one_index_query(accountant, paid, payment_reads):
    payment = paid()
    today = timezone.localdate().isoformat()
    payment_reads.clear()  # paying reads the booking's payments

    response = accountant.get(
        LIST, {"status": "completed", "created__gte": today, "created__lte": today}
    )
    assert listed(response.content) == [payment.transactionId]
    assert payment_reads == [STATUS_INDEX]

    payment_reads.clear()
    response = accountant.get(LIST, {"status": "refunded"})
    assert listed(response.content) == []
    assert payment_reads == [STATUS_INDEX]

    response = accountant.get(LIST, {"created__gte": "2001-01-01", "created__lte": "2001-01-02"})
    assert listed(response.content) == []


def test_search_by_transaction_id_is_a_get(accountant, paid, payment_reads):
    payment = paid("101")
    paid("102")
    payment_reads.clear()  # paying reads the booking's payments

    response = accountant.get(LIST, {"q": f" {payment.transactionId.lower()} "})

    assert listed(response.content) == [payment.transactionId]
    assert payment_reads == []
    assert b'data-read="get"' in response.content


def test_search_by_booking_id_queries_the_booking_index(accountant, paid, payment_reads):
    payment = paid("101")
    paid("102")
    payment_reads.clear()  # paying reads the booking's payments

    response = accountant.get(LIST, {"q": payment.bookingId})

    assert listed(response.content) == [payment.transactionId]
    assert payment_reads == [BOOKING_INDEX]
    assert b'data-read="query:bookingId-keys-index"' in response.content


def test_housekeeping_may_not_see_payments(client_for, paid):
    payment = paid()
    housekeeping = client_for(roles.HOUSEKEEPING)

    assert housekeeping.get(LIST).status_code == 403
    assert housekeeping.get(page(payment.transactionId)).status_code == 403


# --- the payment page ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.ACCOUNTANT, roles.MANAGER])
def test_the_payment_page_shows_its_booking_and_the_refund_form(client_for, paid, role):
    payment = paid()

    response = client_for(role).get(page(payment.transactionId))

    assert response.status_code == 200
    text = response.content.decode()
    assert f'<a href="/admin/bookings/booking/{payment.bookingId}/change/">' in text
    assert 'class="booking-status">Pending<' not in text  # paid: the booking is confirmed
    assert 'class="booking-status">Confirmed<' in text
    assert 'class="booking-total">₹224.00<' in text
    assert 'id="refund-form"' in text and 'name="amount"' in text
    assert 'name="_save"' not in text and "deletelink" not in text  # never edited by hand


def test_the_front_desk_sees_the_payment_without_the_refund_form(client_for, paid):
    payment = paid()
    front_desk = client_for(roles.FRONT_DESK)

    response = front_desk.get(page(payment.transactionId))

    assert response.status_code == 200
    assert payment.transactionId in response.content.decode()
    assert b'id="refund-form"' not in response.content
    refused = front_desk.post(page(payment.transactionId, "actions"), {"action": "refund"})
    assert refused.status_code == 403
    assert fresh(payment).refundedAmount == 0


def test_no_adding_changing_or_deleting_payments(accountant, paid):
    payment = paid()

    assert accountant.get(LIST + "add/").status_code == 403
    assert accountant.post(page(payment.transactionId), {}).status_code == 403
    assert (
        accountant.post(page(payment.transactionId, "delete"), {"post": "yes"}).status_code == 403
    )
    assert Payment.get(payment.transactionId).amount == 22400


def test_a_partial_refund_through_the_form(accountant, paid, stripe_side):
    payment = paid()

    response = accountant.post(
        page(payment.transactionId, "actions"),
        {"action": "refund", "amount": "50.00", "post": "yes"},  # confirmed
    )

    assert response.status_code == 302
    stored = fresh(payment)
    assert (stored.status, stored.refundedAmount) == ("partially_refunded", 5000)
    assert stored.refunds[0]["actor"] == accountant.user.email
    assert [r.amount for r in stripe_side.refunds_for(payment.stripePaymentIntentId)] == [5000]
    assert any("Refunded ₹50.00" in m for m in messages_of(response))
    text = accountant.get(page(payment.transactionId)).content.decode()
    assert "₹50.00" in text and "At most ₹174.00." in text


def test_a_blank_amount_refunds_the_rest_and_the_form_goes_away(client_for, paid):
    payment = paid()
    manager = client_for(roles.MANAGER)

    manager.post(
        page(payment.transactionId, "actions"), {"action": "refund", "amount": "", "post": "yes"}
    )

    stored = fresh(payment)
    assert (stored.status, stored.refundedAmount) == ("refunded", 22400)
    assert b'id="refund-form"' not in manager.get(page(payment.transactionId)).content


def test_an_over_refund_is_a_message_not_an_error(accountant, paid):
    payment = paid()

    response = accountant.post(
        page(payment.transactionId, "actions"), {"action": "refund", "amount": "500.00"}
    )

    assert response.status_code == 302
    assert any("At most ₹224.00 can still be refunded" in m for m in messages_of(response))
    assert fresh(payment).refundedAmount == 0


def test_a_nonsense_amount_is_a_message(accountant, paid):
    payment = paid()

    for amount in ("abc", "-5", "0"):
        response = accountant.post(
            page(payment.transactionId, "actions"), {"action": "refund", "amount": amount}
        )
        assert response.status_code == 302
        assert any(m.startswith("Nothing was refunded") for m in messages_of(response))
    assert fresh(payment).refundedAmount == 0


# --- the booking page ----------------------------------------------------------------------------


def test_the_booking_page_lists_its_payments(client_for, paid, book):
    payment = paid()
    manager = client_for(roles.MANAGER)

    text = manager.get(f"/admin/bookings/booking/{payment.bookingId}/change/").content.decode()

    section = re.search(r'id="booking-payments">(.*?)</div>', text, re.S).group(1)
    assert f'<a href="/admin/payments/payment/{payment.transactionId}/change/">' in section
    assert "₹224.00" in section and "Completed" in section

    other = book("102")
    text = manager.get(f"/admin/bookings/booking/{other.bookingId}/change/").content.decode()
    assert "No payments." in text
