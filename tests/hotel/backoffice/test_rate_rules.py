"""Rate rules in the admin: managers add, change and delete them; the front desk may look."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import Booking, RateRule
from bookings.services import hotel_today
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from rooms.room_type_services import room_type_create

LIST = "/admin/bookings/rateruleitem/"
ADD = LIST + "add/"


def page(rule_id: str, view: str = "change") -> str:
    return f"{LIST}{rule_id}/{view}/"


def day(offset: int) -> str:
    return (hotel_today(timezone.now()) + timedelta(days=offset)).isoformat()


def rule_form(**overrides) -> dict:
    data = {
        "name": "Weekend",
        "roomType": "",
        "startDate": "",
        "endDate": "",
        "weekdays": ["5", "6"],
        "kind": "percent",
        "percent": "20",
        "price": "",
        "priority": "1",
        "minStay": "",
        "maxStay": "",
        "active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(autouse=True)
def _suite():
    """Rules name existing room types: the Suite the tests price."""
    room_type_create(
        data={
            "roomType": "Suite",
            "name": "Suite",
            "maxAdults": 4,
            "maxGuests": 4,
            "basePrice": 1250000,
        },
        actor="test",
        now=timezone.now(),
    )


def only_rule() -> RateRule:
    [rule] = list(RateRule.scan())
    return rule


def test_a_manager_adds_a_percentage_rule(admin_client):
    response = admin_client.post(ADD, rule_form())

    assert response.status_code == 302
    rule = only_rule()
    assert (rule.name, rule.kind, rule.value, rule.priority) == ("Weekend", "percent", 20, 1)
    assert (rule.roomType, rule.startDate, rule.endDate) == (None, None, None)
    assert rule.weekdays == [5, 6] and rule.active
    [entry] = audit_for_object(object_type="bookings.raterule", object_id=rule.ruleId)
    assert (entry.action, entry.actor) == ("create", admin_client.user.email)


def test_a_fixed_rule_stores_its_price_in_minor_units(admin_client):
    admin_client.post(
        ADD,
        rule_form(
            kind="fixed",
            percent="",
            price="150.50",
            roomType="Suite",
            startDate=day(10),
            endDate=day(12),
            weekdays=None,
            minStay="2",
            maxStay="5",
        ),
    )

    rule = only_rule()
    assert (rule.kind, rule.value, rule.roomType) == ("fixed", 15050, "Suite")
    assert (rule.startDate, rule.endDate, rule.weekdays) == (day(10), day(12), [])
    assert (rule.minStay, rule.maxStay) == (2, 5)


def test_the_list_reads_like_the_rules(admin_client):
    admin_client.post(ADD, rule_form())
    admin_client.post(
        ADD, rule_form(name="Suite flat", kind="fixed", price="99", roomType="Suite", weekdays=None)
    )

    text = admin_client.get(LIST).content.decode()

    for value in ("Weekend", "+20%", "Sat, Sun", "All room types", "Suite flat", "₹99.00"):
        assert value in text
    assert "Every night" in text


def test_changing_a_rule_is_version_checked_and_audited(admin_client):
    admin_client.post(ADD, rule_form())
    rule = only_rule()

    form = admin_client.get(page(rule.ruleId)).context["form"]
    assert form["percent"].value() == 20 and form["weekdays"].value() == [5, 6]
    response = admin_client.post(
        page(rule.ruleId), rule_form(percent="-15", weekdays=["0"], _version=str(rule.version))
    )

    assert response.status_code == 302
    changed = RateRule.get(rule.ruleId)
    assert (changed.value, changed.weekdays, changed.version) == (-15, [0], rule.version + 1)
    entry = audit_for_object(object_type="bookings.raterule", object_id=rule.ruleId)[0]
    assert entry.action == "update"
    assert entry.changes == {"value": [20, -15], "weekdays": [[5, 6], [0]]}

    stale = admin_client.post(page(rule.ruleId), rule_form(percent="5", _version=str(rule.version)))
    assert b"Someone else changed this rate rule" in stale.content
    assert RateRule.get(rule.ruleId).value == -15


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"startDate": day(5), "endDate": day(4)}, "endDate", "before the start"),
        ({"minStay": "5", "maxStay": "2"}, "maxStay", "shorter than the minimum"),
        ({"percent": "600"}, "percent", "between -100 and 500"),
        ({"percent": "-101"}, "percent", "between -100 and 500"),
        ({"kind": "fixed", "percent": "", "price": "-5"}, "price", "cannot be negative"),
        ({"percent": ""}, "percent", "Enter the percentage"),
        ({"kind": "fixed", "percent": ""}, "price", "Enter the nightly price"),
        ({"weekdays": ["7"]}, "weekdays", "valid choice"),
        ({"minStay": "0"}, "minStay", "between 1 and 365"),
        ({"name": "  "}, "name", "required"),
        ({"kind": "discount"}, "kind", "valid choice"),
        ({"startDate": "next week"}, "startDate", "valid date"),
        ({"priority": "9" * 40}, "priority", "between -1000 and 1000"),
    ],
)
def test_invalid_rules_are_field_errors_and_save_nothing(admin_client, overrides, field, text):
    response = admin_client.post(ADD, rule_form(**overrides))

    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert RateRule.count() == 0


def test_deleting_a_rule_asks_first_and_audits(admin_client):
    admin_client.post(ADD, rule_form())
    rule = only_rule()

    confirm = admin_client.get(page(rule.ruleId, "delete"))
    assert b"Are you sure" in confirm.content
    response = admin_client.post(
        page(rule.ruleId, "delete"), {"post": "yes", "_version": str(rule.version)}
    )

    assert response.status_code == 302
    assert RateRule.count() == 0
    assert audit_for_object(object_type="bookings.raterule", object_id=rule.ruleId)[0].action == (
        "delete"
    )


def test_a_rule_saved_in_the_admin_prices_the_next_booking(admin_client, make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    admin_client.post(
        ADD,
        rule_form(
            name="Festival",
            kind="fixed",
            percent="",
            price="150.00",
            roomType="Deluxe",
            startDate=day(3),
            endDate=day(3),
            weekdays=None,
        ),
    )

    response = admin_client.post(
        "/admin/bookings/booking/add/",
        {
            "roomId": "101",
            "checkIn": day(2),
            "checkOut": day(4),
            "guests": "1",
            "guestName": "Walk In",
        },
    )

    [booking] = list(Booking.scan())
    assert [n["amount"] for n in booking.nightly] == [10000, 15000]
    assert booking.totalPrice == (10000 + 15000) * 112 // 100
    text = admin_client.get(response["Location"]).content.decode()
    assert "Festival" in text.split('id="booking-price"')[1]


def test_an_inactive_rule_no_longer_prices(admin_client, make_room):
    make_room(roomId="101", capacity=2, pricePerNight=10000)
    admin_client.post(ADD, rule_form(weekdays=None, active=None))

    admin_client.post(
        "/admin/bookings/booking/add/",
        {"roomId": "101", "checkIn": day(2), "checkOut": day(3), "guests": "1", "guestName": "X"},
    )

    assert only_rule().active is False
    assert [n["amount"] for n in list(Booking.scan())[0].nightly] == [10000]


# --- who may do what -----------------------------------------------------------------------------

MANAGER, FRONT_DESK, HOUSEKEEPING, ACCOUNTANT = (
    roles.MANAGER,
    roles.FRONT_DESK,
    roles.HOUSEKEEPING,
    roles.ACCOUNTANT,
)
ALL = (MANAGER, FRONT_DESK, HOUSEKEEPING, ACCOUNTANT)
MANAGERS_ONLY = {**dict.fromkeys(ALL, 403), MANAGER: 302}
VIEWERS = {**dict.fromkeys(ALL, 403), MANAGER: 200, FRONT_DESK: 200}

# (name, method, view, data, expected); "{id}" is an existing rule at version 1.
MATRIX = [
    ("list", "get", LIST, None, VIEWERS),
    ("page", "get", page("{id}"), None, VIEWERS),
    ("history", "get", page("{id}", "history"), None, VIEWERS),
    ("add form", "get", ADD, None, {**dict.fromkeys(ALL, 403), MANAGER: 200}),
    ("add", "post", ADD, rule_form(name="New"), MANAGERS_ONLY),
    ("change", "post", page("{id}"), rule_form(percent="5", _version="1"), MANAGERS_ONLY),
    ("delete form", "get", page("{id}", "delete"), None, {**dict.fromkeys(ALL, 403), MANAGER: 200}),
    ("delete", "post", page("{id}", "delete"), {"post": "yes", "_version": "1"}, MANAGERS_ONLY),
]


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_role_matrix(admin_client, client_for, role, name, method, url, data, expected):
    admin_client.post(ADD, rule_form())
    rule_id = only_rule().ruleId
    client = client_for(role)

    response = getattr(client, method)(url.replace("{id}", rule_id), data or {})

    assert response.status_code == expected[role]


def test_the_front_desk_sees_rules_read_only(admin_client, client_for):
    admin_client.post(ADD, rule_form())
    rule = only_rule()
    client = client_for(FRONT_DESK)

    listing = client.get(LIST)
    detail = client.get(page(rule.ruleId))

    assert b"Add rate rule" not in listing.content
    assert b"View rate rule" in detail.content
    assert b'name="percent"' not in detail.content
    assert b"+20%" in detail.content and b"Sat, Sun" in detail.content
    assert b"deletelink" not in detail.content


# --- how a rule is named: messages, titles, history and the delete page ------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_saving_a_rule_names_it_for_people_not_as_a_repr(admin_client):
    added = admin_client.post(ADD, rule_form(name="Weekend", weekdays=["4", "5"]), follow=True)
    rule = only_rule()

    [message] = messages_of(added)
    assert "Weekend +20 % (Fri–Sat)" in message and "RateRule(" not in message

    changed = admin_client.post(
        page(rule.ruleId),
        rule_form(name="Weekend", weekdays=["4", "5"], percent="25", _version=str(rule.version)),
        follow=True,
    )
    [message] = messages_of(changed)
    assert "Weekend +25 % (Fri–Sat)" in message and "RateRule(" not in message


def test_a_fixed_rule_with_dates_reads_with_its_price_and_days(admin_client):
    admin_client.post(
        ADD,
        rule_form(
            name="Festival",
            kind="fixed",
            percent="",
            price="9000",
            roomType="Suite",
            weekdays=None,
            startDate="2030-11-01",
            endDate="2030-11-05",
        ),
    )

    assert str(only_rule()) == "Festival ₹9,000.00 a night (Suite, Fri 1 Nov 2030 – Tue 5 Nov 2030)"


def test_the_change_history_and_delete_pages_name_the_rule(admin_client):
    admin_client.post(ADD, rule_form(name="Midweek", weekdays=["0", "1", "2", "3"], percent="-10"))
    rule = only_rule()
    label = "Midweek -10 % (Mon–Thu)"

    for view in ("change", "history", "delete"):
        text = admin_client.get(page(rule.ruleId, view)).content.decode()
        assert label in text, view
        assert "RateRule(" not in text, view

    deleted = admin_client.post(
        page(rule.ruleId, "delete"), {"post": "yes", "_version": str(rule.version)}, follow=True
    )
    assert messages_of(deleted) == [f"The rate rule “{label}” was deleted successfully."]
