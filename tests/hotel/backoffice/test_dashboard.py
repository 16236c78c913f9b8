"""The dashboard (hotel/backoffice/dashboard.py): today's desk, check-in/out, figures, charts."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from bookings.models import Booking
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from tests.helpers import settle_bill

DASHBOARD = "/admin/dashboard/"


def test_the_dashboard_lists_today_and_checks_a_guest_in_through_the_service(
    client_for, rooms, book, booking_reads
):
    arriving = book("101", start=0, nights=2, status="confirmed", guest_name="Ada Arriving")
    yesterday = timezone.now() - timezone.timedelta(days=1)
    book("102", start=-1, nights=1, status="checked-in", guest_name="Bo Leaving", now=yesterday)
    book("103", start=0, nights=3, status="checked-in", guest_name="Cy Staying")
    client = client_for(roles.FRONT_DESK)

    page = client.get(DASHBOARD)

    assert page.status_code == 200
    text = page.content.decode()
    arrivals, departures, in_house = (
        text.split(f'id="{part}"')[1].split("</div>")[0]
        for part in ("arrivals", "departures", "in-house")
    )
    assert "Ada Arriving" in arrivals and 'value="checked-in"' in arrivals
    assert "Bo Leaving" in departures and 'value="checked-out"' in departures
    assert "Cy Staying" in in_house and "Bo Leaving" not in in_house
    assert booking_reads and all(kind == "query" for kind, _ in booking_reads)  # never a Scan

    response = client.post(
        "/admin/dashboard/stay/", {"booking_id": arriving.bookingId, "to": "checked-in"}
    )

    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert Booking.get(arriving.bookingId).status == "checked-in"
    entry = audit_for_object(object_type="bookings.booking", object_id=arriving.bookingId)[0]
    assert entry.action == "status:checked-in" and entry.actor == client.user.email


def test_check_in_needs_the_csrf_token(make_staff, rooms, book):
    booking = book("101", start=0, status="confirmed")
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(roles.FRONT_DESK))

    response = client.post(
        "/admin/dashboard/stay/", {"booking_id": booking.bookingId, "to": "checked-in"}
    )

    assert response.status_code == 403
    assert Booking.get(booking.bookingId).status == "confirmed"


def test_checking_out_from_the_dashboard_marks_the_room_dirty(client_for, rooms, book):
    from rooms.models import Room

    booking = book("101", start=0, nights=1, status="checked-in")
    client = client_for(roles.FRONT_DESK)
    client.post("/admin/dashboard/stay/", {"booking_id": booking.bookingId, "to": "checked-out"})
    assert Booking.get(booking.bookingId).status == "checked-in"  # the bill is not paid yet
    assert settle_bill(booking.bookingId) == booking.totalPrice

    client.post("/admin/dashboard/stay/", {"booking_id": booking.bookingId, "to": "checked-out"})

    assert Booking.get(booking.bookingId).status == "checked-out"
    assert Room.get("101").housekeeping == "dirty"


def test_an_accountant_sees_figures_but_no_check_in_buttons(client_for, rooms, book):
    book("101", start=0, status="confirmed")

    text = client_for(roles.ACCOUNTANT).get(DASHBOARD).content.decode()

    assert "RevPAR" in text and "ADR" in text
    assert 'value="checked-in"' not in text


def test_the_front_desk_sees_no_revenue(client_for, rooms):
    text = client_for(roles.FRONT_DESK).get(DASHBOARD).content.decode()

    assert "RevPAR" not in text
    assert "Occupancy, next 30 days" in text


def test_charts_are_accessible_svg_with_a_table_of_the_same_figures(admin_client, rooms, book):
    book("101", start=1, nights=2, status="confirmed")

    text = admin_client.get(DASHBOARD).content.decode()

    charts = re.findall(r'<svg class="bo-chart"[^>]*role="img"[^>]*>\s*<title id="([^"]+)">', text)
    assert len(charts) == 3  # occupancy, revenue, pace
    assert "<desc id=" in text
    assert "33.3 %" in text  # 1 of 3 rooms sold on each of the two nights, in the table
    assert "<script" not in text.split('id="content-main"')[1].split("</main>")[0]


def test_a_bad_period_shows_the_error_and_this_month(admin_client, rooms):
    response = admin_client.get(DASHBOARD, {"start": "2026-05-10", "last": "2026-05-01"})

    assert response.status_code == 200
    assert "The end comes before the start." in response.content.decode()
