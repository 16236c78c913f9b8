"""The night audit over HTTP: who may close a day, the report (JSON and CSV), a posting to a
closed day refused with 409 DAY_CLOSED, and the accountant's export parsed back."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from hotel.accounts import roles
from payments.night_audit.services import night_audit_run

from .conftest import NIGHT


def closed(hotel_day):
    return night_audit_run(day=hotel_day.day, actor="t", now=hotel_day.audit_now).report


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (roles.MANAGER, 201),
        (roles.ACCOUNTANT, 201),
        (roles.FRONT_DESK, 403),
        (roles.HOUSEKEEPING, 403),
    ],
)
def test_managers_and_accountants_close_the_day(api, hotel_day, role, expected):
    client = api.as_role(role)

    response = client.post("/api/night-audit", {"date": hotel_day.day.isoformat()}, format="json")

    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["closed"] == [hotel_day.day.isoformat()]
        assert body["report"]["roomsSold"] == 2
        again = client.post("/api/night-audit", {"date": hotel_day.day.isoformat()}, format="json")
        assert again.status_code == 200
        assert again.json()["report"] == body["report"]


def test_today_cannot_be_closed_and_the_date_is_checked(api):
    client = api.as_role(roles.MANAGER)
    today = timezone.now().date()

    future = client.post("/api/night-audit", {"date": today.isoformat()}, format="json")
    bad = client.post("/api/night-audit", {"date": "yesterday", "x": 1}, format="json")

    assert future.status_code == 400
    assert future.json()["error"]["code"] == "AUDIT_DAY_NOT_OVER"
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]["fields"]) >= {"date", "x"}


def test_the_report_is_read_back_as_json_and_csv(api, hotel_day):
    report = closed(hotel_day)
    client = api.as_role(roles.ACCOUNTANT)
    day = hotel_day.day.isoformat()

    got = client.get(f"/api/night-audit/{day}")
    as_csv = client.get(f"/api/reports/daily/{day}.csv")
    missing = client.get(f"/api/night-audit/{(hotel_day.day - timedelta(days=3)).isoformat()}")

    assert got.status_code == 200 and got.json() == report
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode())))
    assert ["figures", "roomsSold", "", "2", "", "", ""] in rows
    assert ["payments", "cash", "", major(2 * NIGHT), "", "", ""] in rows  # major units
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "DAY_NOT_AUDITED"


def test_a_posting_to_the_closed_day_answers_409_day_closed(api, hotel_day):
    closed(hotel_day)
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{hotel_day.a.bookingId}/folio/charges"

    refused = desk.post(
        url,
        {"description": "Bar", "amount": 700, "date": hotel_day.day.isoformat()},
        format="json",
    )
    undated = desk.post(url, {"description": "Bar", "amount": 700}, format="json")

    assert refused.status_code == 409 and refused.json()["error"]["code"] == "DAY_CLOSED"
    assert undated.status_code == 201
    assert undated.json()["accountDate"] > hotel_day.day.isoformat()


def test_the_accounting_export_lists_every_line_with_its_account(api, hotel_day, settings):
    settings.HOTEL_ACCOUNT_CODES = "room=7000,cash=1010"
    report = closed(hotel_day)
    client = api.as_role(roles.ACCOUNTANT)
    day = hotel_day.day.isoformat()

    response = client.get(f"/api/accounting/export?from={day}&to={day}")

    assert response.status_code == 200, response.content
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == report["lineCount"]
    assert {r["accountDate"] for r in rows} == {day}
    rooms = [r for r in rows if r["category"] == "room"]
    assert {r["account"] for r in rooms} == {"7000"}
    assert sum(minor(r["gross"]) for r in rooms) == 2 * NIGHT
    assert sum(minor(r["net"]) for r in rooms) == report["roomRevenue"]
    cash = [r for r in rows if r["method"] == "cash"]
    assert [(r["account"], minor(r["gross"])) for r in cash] == [("1010", -2 * NIGHT)]
    minibar = next(r for r in rows if r["category"] == "minibar")
    assert (minibar["account"], minibar["taxAccount"], minibar["tax"]) == ("4100", "2200", "1.07")


def test_the_accounting_export_defuses_a_formula_typed_at_the_desk(api, hotel_day):
    from django.utils import timezone

    from bookings.clock import hotel_today
    from payments.folio.desk import folio_charge

    now = timezone.now()
    line = folio_charge(
        booking_id=hotel_day.a.bookingId,
        description='=HYPERLINK("http://x")',
        amount=100,
        actor="t",
        now=now,
    )
    day = line.accountDate
    assert day == hotel_today(now).isoformat()
    response = api.as_role(roles.ACCOUNTANT).get(f"/api/accounting/export?from={day}&to={day}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["description"] for r in rows if r["lineId"] == line.lineId] == [
        '\'=HYPERLINK("http://x")'
    ]


def major(amount: int) -> str:
    return f"{Decimal(amount) / 100:.2f}"


def minor(text: str) -> int:
    return int(Decimal(text) * 100)


def test_the_export_refuses_a_backwards_or_endless_range(api):
    client = api.as_role(roles.MANAGER)

    backwards = client.get("/api/accounting/export?from=2026-03-05&to=2026-03-01")
    endless = client.get("/api/accounting/export?from=2025-01-01&to=2026-01-01")
    missing = client.get("/api/accounting/export")

    assert backwards.status_code == endless.status_code == missing.status_code == 400
    assert backwards.json()["error"]["code"] == "EXPORT_RANGE_INVALID"
