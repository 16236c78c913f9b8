"""Rate rule writes: validation, versioned save and delete, audit in the same transaction."""

from datetime import date

import pytest

from bookings.models import RateRule
from bookings.rates import rate_rule_delete, rate_rule_save, rate_rule_validate
from hotel.audit.selectors import audit_for_object
from hotel.errors import NotFound, StaleObject, ValidationFailed
from tests.conftest import NOW


def rule(**overrides) -> dict:
    data = {"name": "Weekend", "kind": "percent", "value": 20, "weekdays": [6, 5, 5]}
    data.update(overrides)
    return data


def errors_of(**overrides) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        rate_rule_validate(data=rule(**overrides))
    return caught.value.details["fields"]


def test_a_valid_rule_is_cleaned():
    cleaned = rate_rule_validate(
        data=rule(name=" Weekend ", startDate=date(2026, 3, 9), endDate="2026-03-09")
    )

    assert cleaned["name"] == "Weekend"
    assert cleaned["weekdays"] == [5, 6]
    assert (cleaned["startDate"], cleaned["endDate"]) == ("2026-03-09", "2026-03-09")
    assert (cleaned["roomType"], cleaned["priority"], cleaned["active"]) == (None, 0, True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"kind": "discount"}, "kind"),
        ({"value": 501}, "value"),
        ({"value": -101}, "value"),
        ({"value": 1.5}, "value"),
        ({"kind": "fixed", "value": -1}, "value"),
        ({"roomType": "Penthouse"}, "roomType"),
        ({"startDate": "2026-02-30"}, "startDate"),
        ({"startDate": "2026-03-10", "endDate": "2026-03-09"}, "endDate"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": [True]}, "weekdays"),
        ({"minStay": 0}, "minStay"),
        ({"minStay": 5, "maxStay": 4}, "maxStay"),
        ({"priority": 10_000}, "priority"),
        ({"active": "yes"}, "active"),
    ],
)
def test_invalid_fields_are_named(overrides, field):
    assert field in errors_of(**overrides)


def test_percent_bounds_are_inclusive_and_a_free_night_is_allowed():
    lowest = rate_rule_validate(data=rule(value=-100))
    highest = rate_rule_validate(data=rule(value=500))
    free = rate_rule_validate(data=rule(kind="fixed", value=0))

    assert (lowest["kind"], lowest["value"]) == ("percent", -100)
    assert (highest["kind"], highest["value"]) == ("percent", 500)
    assert (free["kind"], free["value"]) == ("fixed", 0)


def test_save_update_and_delete_are_versioned_and_audited():
    created = rate_rule_save(rule_id=None, data=rule(), actor="m@staff.test", now=NOW)
    assert created.ruleId.startswith("RR-") and created.version == 1

    updated = rate_rule_save(
        rule_id=created.ruleId,
        data=rule(value=25),
        actor="m@staff.test",
        now=NOW,
        expected_version=1,
    )
    assert RateRule.get(created.ruleId).value == 25
    with pytest.raises(StaleObject):
        rate_rule_save(
            rule_id=created.ruleId, data=rule(value=30), actor="m", now=NOW, expected_version=1
        )
    with pytest.raises(StaleObject):
        rate_rule_delete(rule_id=created.ruleId, actor="m", now=NOW, expected_version=1)

    rate_rule_delete(
        rule_id=created.ruleId, actor="m@staff.test", now=NOW, expected_version=updated.version
    )

    assert RateRule.count() == 0
    actions = [
        e.action
        for e in audit_for_object(object_type="bookings.raterule", object_id=created.ruleId)
    ]
    assert sorted(actions) == ["create", "delete", "update"]  # one timestamp: any order
    with pytest.raises(NotFound):
        rate_rule_delete(rule_id=created.ruleId, actor="m", now=NOW)


def test_saving_the_same_values_writes_nothing():
    created = rate_rule_save(rule_id=None, data=rule(), actor="m", now=NOW)

    again = rate_rule_save(rule_id=created.ruleId, data=rule(), actor="m", now=NOW)

    assert again.version == 1
    assert len(audit_for_object(object_type="bookings.raterule", object_id=created.ruleId)) == 1
