"""The rates grid (hotel/backoffice/rates_grid.py): types × 14 days under a plan, the bulk
form for managers, read-only for the others."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import RateDay
from bookings.rate_calendar import rate_calendar_set
from bookings.services import hotel_today
from hotel.accounts import roles

GRID = "/admin/rates/"


def day(n: int):
    return hotel_today(timezone.now()) + timedelta(days=n)


@pytest.fixture
def types(make_room):
    make_room(roomId="101", roomType="Deluxe", pricePerNight=5000)
    make_room(roomId="201", roomType="Suite", pricePerNight=9000, capacity=4)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def cell(text: str, room_type: str, date) -> str:
    match = re.search(
        rf'<td class="bo-rate[^"]*" data-date="{date.isoformat()}" data-type="{room_type}">'
        r"(.*?)</td>",
        text,
        re.S,
    )
    assert match, (room_type, date)
    return match.group(1)


def test_the_grid_shows_prices_units_and_badges(client_for, types):
    rate_calendar_set(
        room_type="Deluxe",
        rate_plan="FLEX",
        start=day(2),
        end=day(2),
        fields={"price": 7250, "closedToArrival": True, "minStay": 3, "stopSell": True},
        actor="t",
        now=timezone.now(),
    )

    response = client_for(roles.FRONT_DESK).get(GRID, {"start": day(0).isoformat()})

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('<td class="bo-rate') == 28  # 2 types × 14 days
    derived = cell(text, "Deluxe", day(1))
    assert 'bo-rate-price derived"' in derived and ">50<" in derived and "1 left" in derived
    fixed = cell(text, "Deluxe", day(2))
    assert 'class="bo-rate-price"' in fixed and ">72.50<" in fixed
    assert [b for b in ("CTA", "min 3", "stop") if f">{b}</abbr>" in fixed] == [
        "CTA",
        "min 3",
        "stop",
    ]
    assert ">90<" in cell(text, "Suite", day(2))
    assert 'name="room_types"' not in text  # the front desk reads, managers edit
    assert "Only managers change rates." in text


def test_a_manager_changes_a_range_in_bulk(client_for, types):
    client = client_for(roles.MANAGER)
    query = f"?plan=FLEX&start={day(0).isoformat()}"

    response = client.post(
        GRID + query,
        {
            "plan": "FLEX",
            "room_types": ["Deluxe", "Suite"],
            "start": day(0).isoformat(),
            "last": day(6).isoformat(),
            "weekdays": [day(0).weekday(), day(1).weekday()],
            "price": "80.00",
            "min_stay": "2",
            "closed_to_arrival": "set",
        },
    )

    assert response.status_code == 302 and response["Location"].endswith(query)
    [message] = messages_of(response)
    assert "4 days changed (Deluxe 2, Suite 2)" in message
    item = RateDay.get(day(1).strftime("%Y-%m"), f"{day(1).isoformat()}#Suite#FLEX")
    assert (item.price, item.minStay, item.closedToArrival) == (8000, 2, True)

    client.post(
        GRID + query,
        {
            "plan": "FLEX",
            "room_types": ["Suite"],
            "start": day(1).isoformat(),
            "last": day(1).isoformat(),
            "clear_price": "on",
            "closed_to_arrival": "clear",
        },
    )
    item = RateDay.get(day(1).strftime("%Y-%m"), f"{day(1).isoformat()}#Suite#FLEX")
    assert (item.price, item.minStay, item.closedToArrival) == (None, 2, None)


def test_the_bulk_form_names_its_errors_and_writes_nothing(client_for, types):
    response = client_for(roles.MANAGER).post(
        GRID,
        {
            "plan": "FLEX",
            "room_types": ["Deluxe"],
            "start": day(5).isoformat(),
            "last": day(1).isoformat(),
            "min_stay": "5",
            "max_stay": "2",
        },
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "The last day cannot be before the first." in text
    assert "The maximum stay cannot be less than the minimum." in text
    assert "Nothing was changed" in " ".join(messages_of(response))
    assert list(RateDay.scan()) == []


def test_a_bulk_change_with_nothing_to_set_is_refused(client_for, types):
    response = client_for(roles.MANAGER).post(
        GRID,
        {"plan": "FLEX", "room_types": ["Deluxe"], "start": day(1), "last": day(2)},
    )

    assert "Choose something to set or clear." in response.content.decode()


@pytest.mark.parametrize("role", [roles.FRONT_DESK, roles.ACCOUNTANT])
def test_only_managers_post(client_for, types, role):
    response = client_for(role).post(
        GRID,
        {"plan": "FLEX", "room_types": ["Deluxe"], "start": day(1), "last": day(1), "price": "1"},
    )

    assert response.status_code == 403
    assert list(RateDay.scan()) == []
