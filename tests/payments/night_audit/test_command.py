"""`manage.py night_audit` and the nightly Zappa job that runs it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings.clock import hotel_today
from hotel import jobs
from payments.folio.business_day import last_closed_day
from payments.night_audit.services import MAX_DAYS_PER_RUN


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("night_audit", *args, stdout=out)
    return out.getvalue()


def test_the_command_closes_the_day_asked_and_says_what_it_found(hotel_day):
    output = command("--date", hotel_day.day.isoformat())

    assert f"closed {hotel_day.day.isoformat()}" in output
    assert "rooms sold 2 of 4" in output
    assert last_closed_day() == hotel_day.day
    assert "closed none" in command("--date", hotel_day.day.isoformat())


def test_the_nightly_job_catches_up_day_by_day_and_then_does_nothing(hotel_day):
    command("--date", hotel_day.day.isoformat())
    yesterday = hotel_today(timezone.now()) - timedelta(days=1)
    assert (yesterday - hotel_day.day).days > MAX_DAYS_PER_RUN  # the fixture is 20 days back

    first = jobs.night_audit_nightly({"source": "aws.events"}, None)
    assert first["command"] == "night_audit"
    assert "more days remain" in first["output"]
    assert last_closed_day() == hotel_day.day + timedelta(days=MAX_DAYS_PER_RUN)

    jobs.night_audit_nightly({"source": "aws.events"}, None)
    assert last_closed_day() == yesterday
    assert "closed none" in jobs.night_audit_nightly({"source": "aws.events"}, None)["output"]


def test_the_command_refuses_today_and_a_bad_date():
    with pytest.raises(CommandError, match="AUDIT_DAY_NOT_OVER"):
        command("--date", hotel_today(timezone.now()).isoformat())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command("--date", "tomorrow")
