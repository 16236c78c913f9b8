"""Reading an OTA's iCal feed (bookings.channels.feed): pure, no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bookings.channels.feed import (
    CLOSURE,
    RESERVATION,
    Feed,
    FeedEvent,
    FeedUnreadable,
    classify,
    read_feed,
)

FEEDS = Path(__file__).parent / "feeds"
ZONE = "America/New_York"
REPEATING = "repeating events are not supported"


def fixture(name: str, channel: str = "other", time_zone: str = ZONE) -> Feed:
    return read_feed((FEEDS / name).read_bytes(), channel=channel, time_zone=time_zone)


def calendar(*events: list[str], newline: str = "\r\n") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return (newline.join(lines) + newline).encode()


def event(uid: str = "a@test", start: str = "20270301", end: str | None = "20270303", *more):
    lines = [f"UID:{uid}", f"DTSTART;VALUE=DATE:{start}"]
    if end is not None:
        lines.append(f"DTEND;VALUE=DATE:{end}")
    return [*lines, *more]


def read(*events: list[str], channel: str = "other") -> Feed:
    return read_feed(calendar(*events), channel=channel, time_zone=ZONE)


# The fixture files: each channel's real export shape.


def test_airbnb_feed_reads_reservations_and_closures():
    feed = fixture("airbnb.ics", "airbnb")

    assert [(e.check_in, e.check_out, e.kind, e.summary) for e in feed.events] == [
        (date(2027, 3, 12), date(2027, 3, 15), RESERVATION, "Reserved"),
        (date(2027, 3, 28), date(2027, 4, 2), RESERVATION, "Reserved"),
        (date(2027, 4, 17), date(2027, 4, 20), CLOSURE, "Airbnb (Not available)"),
    ]
    assert feed.events[0].uid == "1418fb94e984-9e3c2f1ab0a4c7d25e6b8f1a3c9d0e72@airbnb.com"
    assert feed.problems == ()


def test_airbnb_description_never_reaches_an_event():
    raw = (FEEDS / "airbnb.ics").read_bytes()
    assert b"Phone Number (Last 4 Digits): 1234" in raw  # the fixture does carry them

    kept = repr(fixture("airbnb.ics", "airbnb"))

    for secret in ("1234", "5678", "Phone", "HMQ4X7ZP2K", "HM8RT2WVN5", "reservations/de"):
        assert secret not in kept


def test_booking_feed_events_are_all_reservations():
    feed = fixture("booking.ics", "booking")

    assert [(e.uid, e.check_in, e.check_out, e.kind) for e in feed.events] == [
        ("3c5e8f0a1b2d4e6f8a0b2c4d6e8f0a1b@booking.com", date(2027, 5, 3), date(2027, 5, 6),
         RESERVATION),
        ("9a7b5c3d1e2f4a6b8c0d2e4f6a8b0c2d@booking.com", date(2027, 5, 20), date(2027, 5, 21),
         RESERVATION),
    ]  # fmt: skip
    assert {e.summary for e in feed.events} == {"CLOSED - Not available"}


def test_vrbo_feed_tells_reserved_from_blocked():
    feed = fixture("vrbo.ics", "vrbo")

    assert [(e.check_in, e.check_out, e.kind, e.summary) for e in feed.events] == [
        (date(2027, 6, 1), date(2027, 6, 5), RESERVATION, "Reserved - Jane D"),
        (date(2027, 6, 10), date(2027, 6, 13), CLOSURE, "Blocked"),
    ]


def test_date_times_are_taken_as_dates_in_the_hotels_time_zone():
    feed = fixture("datetimes.ics")

    assert {e.uid: (e.check_in, e.check_out) for e in feed.events} == {
        # 01:00 in Paris is 19:00 the day before in New York
        "tzid-paris@example.test": (date(2027, 7, 9), date(2027, 7, 12)),
        # 02:00 UTC is 22:00 the day before in New York
        "utc@example.test": (date(2027, 7, 31), date(2027, 8, 3)),
        "floating@example.test": (date(2027, 9, 1), date(2027, 9, 3)),
        "duration-date@example.test": (date(2027, 10, 1), date(2027, 10, 5)),
        "duration-time@example.test": (date(2027, 11, 1), date(2027, 11, 4)),
        "date-no-end@example.test": (date(2027, 12, 1), date(2027, 12, 2)),
    }
    assert feed.problems == ()


def test_the_same_date_times_fall_on_other_dates_for_a_hotel_elsewhere():
    feed = fixture("datetimes.ics", time_zone="Europe/Paris")
    dates = {e.uid: (e.check_in, e.check_out) for e in feed.events}

    assert dates["tzid-paris@example.test"] == (date(2027, 7, 10), date(2027, 7, 12))
    assert dates["utc@example.test"] == (date(2027, 8, 1), date(2027, 8, 3))
    assert dates["floating@example.test"] == (date(2027, 9, 1), date(2027, 9, 3))  # local


def test_broken_events_become_problems_and_the_good_one_is_kept():
    feed = fixture("broken_events.ics")

    assert feed.events == (
        FeedEvent("good@example.test", date(2027, 5, 1), date(2027, 5, 4), RESERVATION, "Reserved"),
    )
    assert feed.problems == (
        "Event #1: no UID.",
        'Event "backwards@example.test": ends before it starts.',
        'Event "weekly@example.test": repeating events are not supported.',
        'Event "weekly@example.test": its UID appears more than once; only the first is used.',
        'Event "good@example.test": its UID appears more than once; only the first is used.',
    )  # the cancelled event is skipped without a word


def test_a_login_page_is_unreadable():
    with pytest.raises(FeedUnreadable, match="not a calendar"):
        fixture("not_a_calendar.html")


# What is not a feed at all.


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"  \r\n\t", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\x00\xff\xfe garbage", "Not an iCalendar file"),
        (b'{"error": "not found"}', "Not an iCalendar file"),
        (b"<?xml version='1.0'?><error/>", "not a calendar"),
        (b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", "Not a readable"),
        (b"BEGIN:VCALENDAR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "Not a readable"),
        (b"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20270301\r\nEND:VEVENT\r\n", "No VCALENDAR"),
        (calendar(event())[:-30], "No VCALENDAR"),  # cut short: no END:VCALENDAR
    ],
)
def test_what_is_not_an_icalendar_feed_is_unreadable(raw, reason):
    with pytest.raises(FeedUnreadable, match=reason) as caught:
        read_feed(raw, channel="other", time_zone=ZONE)

    assert "\n" not in str(caught.value)


def test_a_body_naming_a_file_is_not_read_from_disk():
    path = str(FEEDS / "airbnb.ics").encode()

    with pytest.raises(FeedUnreadable):
        read_feed(path, channel="airbnb", time_zone=ZONE)


def test_a_calendar_without_events_is_an_empty_feed():
    assert read() == Feed(events=(), problems=())


def test_a_byte_order_mark_and_bare_newlines_are_accepted():
    raw = b"\xef\xbb\xbf" + calendar(event(), newline="\n")

    assert [e.uid for e in read_feed(raw, channel="other", time_zone=ZONE).events] == ["a@test"]


def test_bytes_that_are_not_utf8_are_replaced_not_fatal():
    raw = calendar(event()).replace(b"UID:a@test", b"UID:a@test\r\nSUMMARY:Caf\xe9")

    assert read_feed(raw, channel="other", time_zone=ZONE).events[0].summary == "Caf\ufffd"


def test_events_are_sorted_by_check_in_then_uid():
    feed = read(
        event("c", "20270310", "20270312"),
        event("b", "20270301", "20270302"),
        event("a", "20270310", "20270311"),
    )

    assert [e.uid for e in feed.events] == ["b", "a", "c"]


@pytest.mark.parametrize("channel", ["Airbnb", "expedia", ""])
def test_an_unknown_channel_is_refused(channel):
    with pytest.raises(ValueError, match="Unknown channel"):
        read_feed(calendar(), channel=channel, time_zone=ZONE)
    with pytest.raises(ValueError, match="Unknown channel"):
        classify(channel, "Reserved")


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="Unknown time zone"):
        read_feed(calendar(), channel="other", time_zone="Mars/Olympus")


# Dates.


def test_a_date_start_without_end_or_duration_is_one_night():
    (only,) = read(event(end=None)).events

    assert (only.check_in, only.check_out) == (date(2027, 3, 1), date(2027, 3, 2))


def test_a_date_time_start_without_end_or_duration_is_a_problem():
    feed = read(["UID:a", "DTSTART:20270301T150000Z"])

    assert feed.events == ()
    assert feed.problems == ('Event "a": no end (DTEND or DURATION).',)


def test_dtend_wins_over_duration():
    (only,) = read(event("a", "20270301", "20270303", "DURATION:P5D")).events

    assert only.check_out == date(2027, 3, 3)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (event("a", "20270303", "20270301"), "ends before it starts"),
        (event("a", "20270303", "20270303"), "ends the day it starts (no night)"),
        (event("a", "20270301", None, "DURATION:-P2D"), "ends before it starts"),
        (event("a", "20270301", None, "DURATION:PT20H"), "ends the day it starts (no night)"),
        (event("a", "20270101", "20280102"), "366 nights, more than 365"),
        (["UID:a", "DTEND;VALUE=DATE:20270303"], "no start date (DTSTART)"),
        (["UID:a", "DTSTART;VALUE=DATE:20271345"], "could not read DTSTART"),
        (event("a", "20270301", None, "DTEND:tomorrow"), "could not read DTEND"),
        (event("a", "20270301", None, "DURATION:a while"), "could not read DURATION"),
        (["UID:a", "DTSTART;VALUE=PERIOD:20270301T000000Z/P2D"], "could not read DTSTART"),
        (event("a", "20270301", "20270303", "DTSTART:20270302"), "more than one DTSTART"),
        (event("a", "20270301", "20270303", 'X-NOTE;A="open:1'), "could not read a line"),
        (
            ["UID:a", "DTSTART;TZID=Atlantis/Lost:20270301T150000", "DTEND:20270303T100000Z"],
            'unknown time zone "Atlantis/Lost" in DTSTART',
        ),
        (event("a", "20270301", "20270302", "RRULE:FREQ=WEEKLY;COUNT=3"), REPEATING),
        (event("a", "20270301", "20270302", "RDATE;VALUE=DATE:20270310"), REPEATING),
    ],
)
def test_an_unusable_event_is_one_problem_and_spares_the_others(lines, problem):
    feed = read(event("good", "20270401", "20270403"), lines)

    assert [e.uid for e in feed.events] == ["good"]
    assert feed.problems == (f'Event "a": {problem}.',)


def test_a_stay_of_exactly_365_nights_is_kept():
    (only,) = read(event("a", "20270101", "20280101")).events

    assert (only.check_out - only.check_in).days == 365


# UID, STATUS, SUMMARY.


def test_the_uid_is_trimmed():
    assert read(event("  spaced@test  ")).events[0].uid == "spaced@test"


def test_a_uid_of_255_characters_is_kept_and_a_longer_one_is_a_problem():
    feed = read(event("u" * 255, "20270301"), event("v" * 256, "20270305", "20270306"))

    assert [e.uid for e in feed.events] == ["u" * 255]
    assert feed.problems == ("Event #2: its UID is longer than 255 characters.",)


@pytest.mark.parametrize("uid_line", [None, "UID:", "UID:   "])
def test_an_event_without_uid_is_a_problem(uid_line):
    lines = ["DTSTART;VALUE=DATE:20270301"] + ([uid_line] if uid_line else [])

    feed = read(event("first", "20270201"), lines)

    assert [e.uid for e in feed.events] == ["first"]
    assert feed.problems == ("Event #2: no UID.",)


@pytest.mark.parametrize("status", ["CANCELLED", "cancelled"])
def test_a_cancelled_event_is_skipped_silently(status):
    assert read(event("a", "20270301", "20270303", f"STATUS:{status}")) == Feed((), ())


def test_a_cancelled_event_does_not_take_its_uid_from_a_later_one():
    feed = read(
        event("a", "20270301", "20270303", "STATUS:CANCELLED"),
        event("a", "20270310", "20270312"),
    )

    assert [(e.uid, e.check_in) for e in feed.events] == [("a", date(2027, 3, 10))]
    assert feed.problems == ()


def test_a_confirmed_status_is_kept():
    assert len(read(event("a", "20270301", "20270303", "STATUS:CONFIRMED")).events) == 1


def test_a_duplicate_uid_keeps_the_first_event():
    feed = read(event("a", "20270310", "20270312"), event("a", "20270301", "20270303"))

    assert [(e.uid, e.check_in) for e in feed.events] == [("a", date(2027, 3, 10))]
    assert feed.problems == ('Event "a": its UID appears more than once; only the first is used.',)


def test_a_recurrence_instance_is_a_duplicate():
    instance = event("a", "20270310", "20270312", "RECURRENCE-ID;VALUE=DATE:20270309")

    feed = read(event("a", "20270301", "20270303"), instance)

    assert [e.check_in for e in feed.events] == [date(2027, 3, 1)]
    assert len(feed.problems) == 1


def test_the_summary_is_one_stripped_line_of_at_most_120_characters():
    long = "Reserved " + "x" * 200
    feed = read(
        event("a", "20270301", "20270303", "SUMMARY:  Reserved\\n  for\\nJane  "),
        event("b", "20270305", "20270306", f"SUMMARY:{long}"),
        event("c", "20270307", "20270308"),
    )

    assert [e.summary for e in feed.events] == ["Reserved for Jane", long[:120], ""]


def test_description_and_other_text_are_never_kept():
    feed = read(
        event(
            "a",
            "20270301",
            "20270303",
            "SUMMARY:Reserved",
            "DESCRIPTION:Phone Number (Last 4 Digits): 9876\\nguest@example.test",
            "LOCATION:Flat 4",
            "ATTENDEE;CN=Jane Doe:mailto:jane@example.test",
        )
    )

    kept = repr(feed)
    for secret in ("9876", "guest@example.test", "Flat 4", "Jane", "jane@"):
        assert secret not in kept


def test_the_kind_follows_the_channels_rules():
    feed = read_feed(
        calendar(event("a", "20270301", "20270303", "SUMMARY:Not available")),
        channel="airbnb",
        time_zone=ZONE,
    )

    assert feed.events[0].kind == CLOSURE


# classify: how each channel writes a reservation and a closure.


@pytest.mark.parametrize(
    ("channel", "summary", "kind"),
    [
        ("airbnb", "Reserved", RESERVATION),
        ("airbnb", "RESERVED - Ada L", RESERVATION),
        ("airbnb", "Airbnb (Not available)", CLOSURE),
        ("airbnb", "Not available", CLOSURE),
        ("airbnb", "Blocked", RESERVATION),
        ("airbnb", "", RESERVATION),
        ("booking", "CLOSED - Not available", RESERVATION),
        ("booking", "Blocked", RESERVATION),
        ("booking", "", RESERVATION),
        ("vrbo", "Reserved", RESERVATION),
        ("vrbo", "Reserved - Jane D", RESERVATION),
        ("vrbo", "Blocked", CLOSURE),
        ("vrbo", "blocked by owner", CLOSURE),
        ("vrbo", "Owner stay", RESERVATION),
        ("other", "Not  Available", CLOSURE),
        ("other", "BLOCKED", CLOSURE),
        ("other", "Closed for works", CLOSURE),
        ("other", "Unavailable", CLOSURE),
        ("other", "Reserved", RESERVATION),
        ("other", "Booking 12345", RESERVATION),
        ("other", "", RESERVATION),
    ],
)
def test_classify(channel, summary, kind):
    assert classify(channel, summary) == kind
