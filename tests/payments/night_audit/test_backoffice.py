"""The dashboard's night-audit panel and button, and the departures' bill balances."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bookings.clock import hotel_today
from hotel.accounts import roles
from payments.folio.business_day import last_closed_day
from payments.folio.models import Folio

from .conftest import at, make_stay, move


def test_a_manager_runs_the_audit_from_the_dashboard_and_sees_the_report(hotel_day, client_for):
    client = client_for(roles.MANAGER)
    page = client.get("/admin/dashboard/")
    assert b"Run night audit" in page.content and b"no day closed yet" in page.content

    response = client.post(
        "/admin/dashboard/night-audit/", {"date": hotel_day.day.isoformat()}, follow=True
    )

    assert response.status_code == 200
    assert last_closed_day() == hotel_day.day
    html = response.content.decode()
    assert "Night audit done" in html
    assert 'data-testid="night-audit-report"' in html
    assert "2 of 4" in html  # rooms sold of available


def test_the_front_desk_has_no_audit_button_and_cannot_post_it(hotel_day, client_for):
    client = client_for(roles.FRONT_DESK)

    page = client.get("/admin/dashboard/")
    refused = client.post("/admin/dashboard/night-audit/", {"date": hotel_day.day.isoformat()})

    assert b"Run night audit" not in page.content
    assert refused.status_code == 403
    assert last_closed_day() is None


def test_departures_show_their_balance_from_one_batch_read(make_room, client_for, monkeypatch):
    make_room(roomId="D-1", pricePerNight=5000)
    make_room(roomId="D-2", pricePerNight=5000)
    today = hotel_today(timezone.now())
    yesterday = today - timedelta(days=1)
    for room, name in (("D-1", "Dee"), ("D-2", "Dan")):
        booking = make_stay(room, yesterday, 1, name, created=at(yesterday, 8))
        move(booking, "checked-in", at(yesterday, 15))
    batches = []
    real = Folio.batch_get
    monkeypatch.setattr(
        Folio,
        "batch_get",
        classmethod(lambda cls, keys, **kw: batches.append(list(keys)) or real(keys, **kw)),
    )

    html = client_for(roles.FRONT_DESK).get("/admin/dashboard/").content.decode()

    assert len(batches) == 1 and len(batches[0]) == 2
    assert html.count('data-testid="departure-balance"') == 2
    assert html.count("₹56.00") >= 2  # one night each, nothing paid
