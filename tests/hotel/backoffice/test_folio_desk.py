"""The booking page's bill in the admin (hotel/backoffice/folio_desk.py): the folios and
their lines, and each desk form — charge, payment, reverse, allowance, split, invoice,
check out — by role, with its message and the lines it posted."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from payments.folio.models import Folio, FolioLine

LIST = "/admin/bookings/booking/"


def page(booking_id: str) -> str:
    return f"{LIST}{booking_id}/change/"


def folio_url(booking_id: str, op: str) -> str:
    return f"{LIST}{booking_id}/folio/{op}/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def lines_of(booking_id: str) -> list[FolioLine]:
    return sorted(FolioLine.query(booking_id, consistent_read=True), key=lambda x: x.lineId)


def balance_of(booking_id: str) -> int:
    return Folio.get(booking_id, consistent_read=True).balance


@pytest.fixture
def in_house(make_room, book):
    """Room 101 at ₹100.00 a night, 2 nights from today, checked in: the bill owes ₹224.00."""
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    return book("101", start=0, nights=2, status="checked-in", guest_name="Walk In")


@pytest.fixture
def desk(client_for):
    return client_for(roles.FRONT_DESK)


@pytest.fixture
def accountant(client_for):
    return client_for(roles.ACCOUNTANT)


def charge(client, booking, **overrides):
    data = {
        "description": "Minibar",
        "amount": "350.00",
        "quantity": "2",
        "category": "minibar",
        "tax_category": "standard",
        **overrides,
    }
    return client.post(folio_url(booking.bookingId, "charge"), data)


# --- the bill on the page ------------------------------------------------------------------------


def test_the_booking_page_shows_the_bill_with_the_nights_and_what_the_guest_owes(desk, in_house):
    text = desk.get(page(in_house.bookingId)).content.decode()

    bill = text.split('id="booking-bill"')[1].split('id="booking-nights"')[0]
    assert "Folio F1 · Walk In" in bill
    assert bill.count(">Charge<") >= 2  # one line per night
    assert "Guest owes ₹224.00" in bill
    for form in ("charge-form", "payment-form", "split-form", "bill-check-out", "invoice-form"):
        assert f'id="{form}"' in bill
    for form in ("reverse-form", "allowance-form", "bill-check-out-anyway"):
        assert f'id="{form}"' not in bill  # not the front desk's
    assert 'name="amount" value="224.00"' in bill  # the payment is prefilled with the balance


def test_managers_and_accountants_get_reverse_and_allowance(client_for, in_house):
    for role in (roles.MANAGER, roles.ACCOUNTANT):
        bill = client_for(role).get(page(in_house.bookingId)).content.decode()
        assert 'id="reverse-form"' in bill and 'id="allowance-form"' in bill, role


# --- charge and payment ---------------------------------------------------------------------------


def test_the_desk_posts_a_charge_and_sees_it_on_the_bill(desk, in_house):
    response = charge(desk, in_house)

    assert response.status_code == 302
    assert response["Location"] == page(in_house.bookingId) + "#booking-bill"
    [message] = messages_of(response)
    assert "Minibar × 2, ₹700.00" in message
    line = lines_of(in_house.bookingId)[-1]
    assert (line.kind, line.category, line.unitAmount, line.quantity, line.amount) == (
        "charge",
        "minibar",
        35000,
        2,
        70000,
    )
    assert line.tax == 7500 and line.createdBy == desk.user.email
    assert balance_of(in_house.bookingId) == 22400 + 70000
    bill = desk.get(page(in_house.bookingId)).content.decode()
    assert "Guest owes ₹924.00" in bill and " × ₹350.00" in bill


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"description": ""}, "Description: This field is required."),
        ({"amount": "0"}, "Unit price: Ensure this value is greater than or equal to 0.01."),
        ({"quantity": "0"}, "Quantity"),
        ({"tax_category": "luxury"}, "Tax: Select a valid choice."),
        ({"category": "room"}, "Category: Select a valid choice."),
    ],
)
def test_a_bad_charge_is_a_message_and_posts_nothing(desk, in_house, overrides, text):
    before = len(lines_of(in_house.bookingId))

    response = charge(desk, in_house, **overrides)

    [message] = messages_of(response)
    assert "Nothing was posted" in message and text in message
    assert len(lines_of(in_house.bookingId)) == before


def test_the_desk_takes_cash_and_the_guest_is_settled(desk, in_house):
    response = desk.post(
        folio_url(in_house.bookingId, "payment"),
        {"amount": "224.00", "method": "cash", "reference": "till 2"},
    )

    [message] = messages_of(response)
    assert "₹224.00 (cash) received" in message
    line = lines_of(in_house.bookingId)[-1]
    assert (line.kind, line.amount, line.method, line.reference) == (
        "payment",
        22400,
        "cash",
        "till 2",
    )
    assert balance_of(in_house.bookingId) == 0
    assert "Settled" in desk.get(page(in_house.bookingId)).content.decode()


def test_a_payment_needs_a_known_method(desk, in_house):
    response = desk.post(
        folio_url(in_house.bookingId, "payment"), {"amount": "10", "method": "iou"}
    )

    assert "Method: Select a valid choice" in messages_of(response)[0]
    assert balance_of(in_house.bookingId) == 22400


def test_overpaying_shows_the_guest_in_credit(desk, in_house):
    desk.post(folio_url(in_house.bookingId, "payment"), {"amount": "300.00", "method": "terminal"})

    assert "In credit ₹76.00" in desk.get(page(in_house.bookingId)).content.decode()


# --- reverse and allowance: managers and accountants ----------------------------------------------


def test_the_front_desk_may_not_reverse_or_give_allowances(desk, in_house):
    charge(desk, in_house)
    line_id = lines_of(in_house.bookingId)[-1].lineId

    reverse = desk.post(folio_url(in_house.bookingId, "reverse"), {"line": line_id, "reason": "x"})
    allowance = desk.post(
        folio_url(in_house.bookingId, "allowance"), {"amount": "10", "reason": "x"}
    )

    assert reverse.status_code == 403 and allowance.status_code == 403
    assert lines_of(in_house.bookingId)[-1].lineId == line_id


def test_an_accountant_reverses_a_charge_with_a_reason_and_it_is_struck_through(
    desk, accountant, in_house
):
    charge(desk, in_house)
    line_id = lines_of(in_house.bookingId)[-1].lineId

    missing = accountant.post(folio_url(in_house.bookingId, "reverse"), {"line": line_id})
    assert "Reason: This field is required." in messages_of(missing)[0]
    response = accountant.post(
        folio_url(in_house.bookingId, "reverse"), {"line": line_id, "reason": "Not consumed"}
    )

    assert f"Reversed {line_id}" in messages_of(response)[-1]
    reversal = lines_of(in_house.bookingId)[-1]
    assert (reversal.kind, reversal.reverses, reversal.reason) == (
        "reversal",
        line_id,
        "Not consumed",
    )
    assert balance_of(in_house.bookingId) == 22400
    text = accountant.get(page(in_house.bookingId)).content.decode()
    row = text.split(f'id="line-{line_id}"')[1].split("</tr>")[0]
    assert "reversed" in row and "<del>Minibar</del>" in row
    assert "Reason: Not consumed" in text


def test_a_room_night_cannot_be_reversed_and_the_message_says_why(client_for, in_house):
    manager = client_for(roles.MANAGER)
    night = lines_of(in_house.bookingId)[0]

    response = manager.post(
        folio_url(in_house.bookingId, "reverse"), {"line": night.lineId, "reason": "try"}
    )

    [message] = messages_of(response)
    assert "Room nights, city tax and booked extras follow the booking" in message
    assert balance_of(in_house.bookingId) == 22400


def test_a_manager_gives_an_allowance_with_a_reason(client_for, in_house):
    manager = client_for(roles.MANAGER)

    response = manager.post(
        folio_url(in_house.bookingId, "allowance"),
        {"amount": "24.00", "reason": "Noisy room", "tax_category": "standard"},
    )

    assert "₹24.00 off (Noisy room)" in messages_of(response)[0]
    line = lines_of(in_house.bookingId)[-1]
    assert (line.kind, line.amount, line.reason, line.createdBy) == (
        "allowance",
        2400,
        "Noisy room",
        manager.user.email,
    )
    assert balance_of(in_house.bookingId) == 20000


# --- split ----------------------------------------------------------------------------------------


def test_the_desk_moves_the_nights_to_a_company_folio(desk, in_house):
    charge(desk, in_house)
    nights = [x.lineId for x in lines_of(in_house.bookingId) if x.category == "room"]

    response = desk.post(
        folio_url(in_house.bookingId, "split"),
        {
            "lines": nights,
            "name": "Acme Travel",
            "company": "Acme Ltd",
            "address": "1 Main Road, Pune",
            "tax_id": "27AAAAA0000A1Z5",
        },
    )

    assert "to folio F2 (Acme Travel)" in messages_of(response)[-1]
    header = Folio.get(in_house.bookingId, consistent_read=True)
    f1, f2 = header.folios
    assert f2["payer"] == {
        "name": "Acme Travel",
        "email": "",
        "company": "Acme Ltd",
        "address": "1 Main Road, Pune",
        "taxId": "27AAAAA0000A1Z5",
    }
    assert f2["balance"] > 0 and f1["balance"] + f2["balance"] == header.balance
    text = desk.get(page(in_house.bookingId)).content.decode()
    assert "Folio F2 · Acme Travel, Acme Ltd" in text and "27AAAAA0000A1Z5" in text


def test_a_split_without_lines_or_payer_is_refused(desk, in_house):
    response = desk.post(folio_url(in_house.bookingId, "split"), {"name": ""})

    [message] = messages_of(response)
    assert "Tick the lines to move." in message and "Payer name" in message
    assert len(Folio.get(in_house.bookingId, consistent_read=True).folios) == 1


# --- invoice, permissions, methods ----------------------------------------------------------------


def test_the_invoice_button_refuses_a_bill_that_owes_and_issues_a_settled_one(desk, in_house):
    from payments.invoices.selectors import booking_invoices

    refused = desk.post(folio_url(in_house.bookingId, "invoice"))
    assert "224" in messages_of(refused)[0] and booking_invoices(in_house.bookingId) == []

    desk.post(folio_url(in_house.bookingId, "payment"), {"amount": "224.00", "method": "cash"})
    response = desk.post(folio_url(in_house.bookingId, "invoice"))

    [invoice] = booking_invoices(in_house.bookingId)
    assert f"Invoice {invoice.number} issued for folio F1" in messages_of(response)[-1]
    assert invoice.total == 22400
    page_text = desk.get(page(in_house.bookingId)).content.decode()
    assert f"/api/invoices/{invoice.number}/pdf" in page_text  # the PDF, from the bill


@pytest.mark.parametrize("role", [roles.HOUSEKEEPING])
def test_other_staff_cannot_post(client_for, in_house, role):
    response = charge(client_for(role), in_house)

    assert response.status_code in (302, 403)
    assert all(x.category != "minibar" for x in lines_of(in_house.bookingId))


def test_an_unknown_operation_is_403_and_a_get_goes_back(desk, in_house):
    assert desk.post(folio_url(in_house.bookingId, "delete")).status_code == 403
    back = desk.get(folio_url(in_house.bookingId, "charge"))
    assert back.status_code == 302 and back["Location"].startswith(page(in_house.bookingId))


def test_posting_needs_the_csrf_token(make_staff, in_house):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(roles.FRONT_DESK))

    assert charge(client, in_house).status_code == 403


# --- check-out ------------------------------------------------------------------------------------


def test_check_out_with_money_owed_is_a_clear_message(desk, in_house):
    response = desk.post(f"{LIST}{in_house.bookingId}/actions/", {"action": "check_out"})

    [message] = messages_of(response)
    assert "the guest owes ₹224.00: take the payment before check-out" in message
    assert "a manager may check out anyway" in message
    assert Booking.get(in_house.bookingId).status == "checked-in"
    forged = desk.post(f"{LIST}{in_house.bookingId}/actions/", {"action": "check_out_anyway"})
    assert forged.status_code == 403


def test_a_manager_checks_out_anyway_and_it_is_audited(client_for, in_house):
    manager = client_for(roles.MANAGER)
    assert 'id="bill-check-out-anyway"' in manager.get(page(in_house.bookingId)).content.decode()

    response = manager.post(f"{LIST}{in_house.bookingId}/actions/", {"action": "check_out_anyway"})

    assert f"Checked out: {in_house.bookingId}." in messages_of(response)
    assert Booking.get(in_house.bookingId).status == "checked-out"
    actions = [
        e.action
        for e in audit_for_object(object_type="bookings.booking", object_id=in_house.bookingId)
    ]
    assert "folio:checkout-with-balance" in actions


def test_once_paid_the_desk_checks_out(desk, in_house):
    desk.post(folio_url(in_house.bookingId, "payment"), {"amount": "224.00", "method": "cash"})

    response = desk.post(f"{LIST}{in_house.bookingId}/actions/", {"action": "check_out"})

    assert f"Checked out: {in_house.bookingId}." in messages_of(response)
