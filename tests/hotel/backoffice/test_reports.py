"""Reports and CSV exports (hotel/backoffice/reports.py, exports.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from bookings.services import hotel_today
from hotel.accounts import roles

REPORTS = "/admin/reports/"


def test_reports_export_bookings_as_csv_that_parses_back(client_for, rooms, book):
    booking = book("101", start=1, nights=2, status="confirmed", guest_name="=HYPERLINK(1)")
    today = hotel_today(timezone.now())

    response = client_for(roles.ACCOUNTANT).get(
        "/admin/reports/bookings.csv", {"start": today.isoformat(), "last": today.isoformat()}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == []  # arriving tomorrow: outside a one-day period

    response = client_for(roles.ACCOUNTANT).get(
        "/admin/reports/bookings.csv", {"start": today.isoformat(), "last": "2099-01-01"}
    )
    assert response.status_code == 400  # more than a year

    response = client_for(roles.ACCOUNTANT).get(
        "/admin/reports/bookings.csv",
        {"start": today.isoformat(), "last": (today + timezone.timedelta(days=30)).isoformat()},
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["bookingId"] for r in rows] == [booking.bookingId]
    assert rows[0]["guestName"] == "'=HYPERLINK(1)"  # defused
    major, minor = divmod(booking.totalPrice, 100)
    assert (rows[0]["totalPrice"], rows[0]["currency"]) == (f"{major}.{minor:02d}", "INR")


def test_csv_quoting_survives_commas_quotes_and_newlines(client_for, rooms, book):
    name = 'Pat "Pint" O\'Brien, Jr.'
    book("101", start=1, nights=1, status="confirmed", guest_name=name, guest_phone="+91 98765")
    today = hotel_today(timezone.now())

    response = client_for(roles.ACCOUNTANT).get(
        "/admin/reports/bookings.csv",
        {"start": today.isoformat(), "last": (today + timezone.timedelta(days=3)).isoformat()},
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["guestName"] == name
    assert rows[0]["guestPhone"] == "+91 98765"  # a phone number, not a formula


def export_bookings(client, today) -> list[dict]:
    response = client.get(
        "/admin/reports/bookings.csv",
        {"start": today.isoformat(), "last": (today + timezone.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_bookings_csv_writes_money_in_major_units_with_the_currency(client_for, make_room, book):
    make_room(roomId="201", capacity=2, pricePerNight=252000)  # ₹2,520.00 a night
    book_two_nights = book("201", start=1, nights=2, status="confirmed")
    today = hotel_today(timezone.now())

    [row] = export_bookings(client_for(roles.ACCOUNTANT), today)

    assert row["bookingId"] == book_two_nights.bookingId
    assert (row["subtotal"], row["currency"]) == ("5040.00", "INR")
    total = book_two_nights.totalPrice
    assert row["totalPrice"] == f"{total // 100}.{total % 100:02d}"
    assert row["tax"] == f"{book_two_nights.tax // 100}.{book_two_nights.tax % 100:02d}"


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+91 98765 43210", "+91 98765 43210"),
        ("+1 (555) 010-9999", "+1 (555) 010-9999"),
        ("98765 43210", "98765 43210"),
    ],
)
def test_phone_numbers_come_out_of_the_csv_as_they_are(client_for, rooms, book, phone, expected):
    book("101", start=1, nights=1, status="confirmed", guest_phone=phone)

    [row] = export_bookings(client_for(roles.ACCOUNTANT), hotel_today(timezone.now()))

    assert row["guestPhone"] == expected


@pytest.mark.parametrize(
    "name",
    [
        "=cmd()",
        "+SUM(A1:A9)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "+1+HYPERLINK(1)",
        "-(1)*cmd()",
    ],
)
def test_formulas_in_text_are_still_defused(client_for, rooms, book, name):
    book("101", start=1, nights=1, status="confirmed", guest_name=name)

    [row] = export_bookings(client_for(roles.ACCOUNTANT), hotel_today(timezone.now()))

    assert row["guestName"] == "'" + name


def test_the_payments_export_lists_the_period_and_defuses_formulas(client_for, rooms, book):
    from payments.models import Payment

    booking = book("101", start=1, nights=1, status="confirmed")
    now = timezone.now()
    for number, created in ((1, now), (2, now - timezone.timedelta(days=40))):
        Payment(
            transactionId=f"TXN-TEST-{number}",
            bookingId=booking.bookingId,
            attempt=number,
            amount=1000 * number,
            refundedAmount=250,
            currency="INR",
            status="completed",
            createdBy="@SUM(A1:A9)",
            createdAt=created,
            updatedAt=created,
        ).save()
    today = now.date()

    response = client_for(roles.ACCOUNTANT).get(
        "/admin/reports/payments.csv", {"start": today.isoformat(), "last": today.isoformat()}
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [
        (r["transactionId"], r["amount"], r["refundedAmount"], r["currency"]) for r in rows
    ] == [("TXN-TEST-1", "10.00", "2.50", "INR")]
    assert rows[0]["createdBy"] == "'@SUM(A1:A9)"


def test_the_occupancy_export_has_one_row_per_day(client_for, rooms, book):
    book("101", start=0, nights=2, status="confirmed")
    today = hotel_today(timezone.now())
    last = today + timezone.timedelta(days=3)

    response = client_for(roles.MANAGER).get(
        "/admin/reports/occupancy.csv", {"start": today.isoformat(), "last": last.isoformat()}
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["date"] for r in rows] == [
        (today + timezone.timedelta(days=i)).isoformat() for i in range(4)
    ]
    assert [r["roomsSold"] for r in rows] == ["1", "1", "0", "0"]
    assert rows[0]["occupancyPercent"] == "33.3"
    assert rows[0]["rooms"] == "3"
    # One room sold at ₹100.00 (10000 paise): money in major units, beside the currency.
    assert (rows[0]["roomRevenue"], rows[0]["adr"], rows[0]["currency"]) == (
        "100.00",
        "100.00",
        "INR",
    )
    assert rows[0]["revpar"] == "33.33"
    assert (rows[2]["roomRevenue"], rows[2]["adr"]) == ("0.00", "")


def test_the_front_desk_cannot_export(client_for, rooms):
    client = client_for(roles.FRONT_DESK)

    assert client.get(REPORTS).status_code == 403
    assert client.get("/admin/reports/bookings.csv").status_code == 403
