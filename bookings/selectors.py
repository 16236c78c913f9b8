"""Booking reads: quotes, availability, lists. Key and index queries only, never a Scan of
bookings. Time is a parameter: a hold that has expired stops counting at once."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from pynamodb.exceptions import DoesNotExist

from hotel.dynamo import InvalidCursor, decode_cursor, encode_cursor, item_key
from rooms.models import Room, RoomType

from . import pricing
from .exceptions import BookingNotFound
from .lifecycle import hold_is_live
from .models import CHECKED_IN, CONFIRMED, PENDING, STATUSES, Booking, RateRule, RoomNight
from .pricing import FIXED, PERCENT, Quote, quote_stay, stay_nights


def rate_rules_active() -> list[pricing.RateRule]:
    """All active rate rules (a small table, read whole), as the pricing applies them."""
    return [rate_rule_from_item(item) for item in RateRule.scan() if item.active]


def rate_rule_from_item(item: RateRule) -> pricing.RateRule:
    """The stored rule (the model) as the pure pricing rule quote_stay applies."""
    return pricing.RateRule(
        name=item.name,
        kind=item.kind if item.kind in (PERCENT, FIXED) else PERCENT,
        value=item.value,
        room_type=item.roomType or None,
        start=date.fromisoformat(item.startDate) if item.startDate else None,
        end=date.fromisoformat(item.endDate) if item.endDate else None,
        weekdays=frozenset(int(d) for d in item.weekdays or ()),
        priority=item.priority or 0,
        min_stay=item.minStay,
        max_stay=item.maxStay,
    )


def tax_percent() -> Decimal:
    return Decimal(str(settings.HOTEL_TAX_PERCENT))


def booking_quote(
    *, room: Room, check_in: date, check_out: date, rules: list[pricing.RateRule] | None = None
) -> Quote:
    """The price of a stay in a room: the single source for API, pages and payment amount."""
    return quote_stay(
        room_type=room.roomType,
        base_price=room.pricePerNight,
        currency=room.currency,
        check_in=check_in,
        check_out=check_out,
        rules=rate_rules_active() if rules is None else rules,
        tax_percent=tax_percent(),
    )


def type_quote(
    *,
    room_type: RoomType,
    check_in: date,
    check_out: date,
    rules: list[pricing.RateRule] | None = None,
) -> Quote:
    """The price of a stay sold as a unit of a room type (its base price, its rules)."""
    return quote_stay(
        room_type=room_type.roomType,
        base_price=room_type.basePrice,
        currency=room_type.currency,
        check_in=check_in,
        check_out=check_out,
        rules=rate_rules_active() if rules is None else rules,
        tax_percent=tax_percent(),
    )


# --- the front desk's day and the room rack (index Queries only) --------------------------------


def arrivals_on(*, day: date, status: str = "confirmed") -> list[Booking]:
    """Bookings in `status` arriving on `day`: one Query on status-checkIn-lean-index."""
    return list(
        Booking.by_status.query(status, range_key_condition=Booking.checkIn == day.isoformat())
    )


def in_house() -> list[Booking]:
    """Every checked-in booking (the checked-in partition holds only the guests in house)."""
    return sorted(Booking.by_status.query("checked-in"), key=lambda b: (b.checkOut, b.roomId or ""))


def rack_bookings(*, start: date, end: date, now: datetime) -> list[Booking]:
    """The bookings with a night in [start, end), for the room rack, assigned or not.

    Live stays (unexpired holds, confirmed, in house) from live_bookings_between; stays
    already checked out (their nights were released) from the checked-out partition of the
    status index, by arrival date. Sorted by room (unassigned first), then arrival.
    """
    found = {b.bookingId: b for b in live_bookings_between(start=start, end=end, now=now)}
    low = (start - timedelta(days=settings.HOTEL_MAX_STAY_NIGHTS)).isoformat()
    high = (end - timedelta(days=1)).isoformat()
    for booking in Booking.by_status.query(
        "checked-out",
        range_key_condition=Booking.checkIn.between(low, high),
        filter_condition=Booking.checkOut > start.isoformat(),
    ):
        found.setdefault(booking.bookingId, booking)
    return sorted(found.values(), key=lambda b: (b.roomId or "", b.checkIn, b.bookingId))


def live_bookings_between(
    *, start: date, end: date, now: datetime, room_type: str | None = None
) -> list[Booking]:
    """Live bookings (an unexpired hold, confirmed, in house) with a night in [start, end),
    assigned or not, of one type or all: one Query per live status on the status index
    (arrivals from MAX_STAY_NIGHTS before `start`), in arrival order, each booking once.

    The status partitions are read one after another: a booking whose status changed between
    two reads (a hold paid meanwhile) is found in both; the later read (higher version) wins."""
    low = (start - timedelta(days=settings.HOTEL_MAX_STAY_NIGHTS)).isoformat()
    high = (end - timedelta(days=1)).isoformat()
    found: dict[str, Booking] = {}
    for status in (PENDING, CONFIRMED, CHECKED_IN):
        condition = Booking.checkOut > start.isoformat()
        if room_type is not None:
            condition &= Booking.roomType == room_type
        for booking in Booking.by_status.query(
            status,
            range_key_condition=Booking.checkIn.between(low, high),
            filter_condition=condition,
        ):
            seen = found.get(booking.bookingId)
            if seen is not None and (seen.version or 0) > (booking.version or 0):
                continue
            if status != PENDING or hold_is_live(booking, now):
                found[booking.bookingId] = booking
            else:
                found.pop(booking.bookingId, None)
    return sorted(found.values(), key=lambda b: (b.checkIn, b.bookingId))


def bookings_of_type_on(*, room_type: str, night: date) -> list[str]:
    """The references of the bookings that hold a unit of `room_type` on `night` (lapsed holds
    included: they hold it until the sweeper releases it), each once (live_bookings_between)."""
    low = (night - timedelta(days=settings.HOTEL_MAX_STAY_NIGHTS)).isoformat()
    refs: list[str] = []
    for status in (PENDING, CONFIRMED, CHECKED_IN):
        refs += [
            b.bookingId
            for b in Booking.by_status.query(
                status,
                range_key_condition=Booking.checkIn.between(low, night.isoformat()),
                filter_condition=(Booking.checkOut > night.isoformat())
                & (Booking.roomType == room_type),
            )
            if b.bookingId not in refs
        ]
    return refs


MAX_BOOKING_ID_LENGTH = 64


def booking_get(*, booking_id: str, consistent: bool = False) -> Booking:
    """The booking (`consistent`: as it is now, for a write that follows). The one "booking
    not found". Raises BookingNotFound (also for ids DynamoDB would refuse as keys)."""
    if not 1 <= len(booking_id) <= MAX_BOOKING_ID_LENGTH:
        raise BookingNotFound(f"Booking {booking_id[:MAX_BOOKING_ID_LENGTH]}… does not exist.")
    try:
        return Booking.get(booking_id, consistent_read=consistent)
    except DoesNotExist as exc:
        raise BookingNotFound(f"Booking {booking_id} does not exist.") from exc


def booking_stay_nights(booking: Booking) -> list[date]:
    """The nights of the booking's stay (whether it still holds them or not)."""
    return stay_nights(date.fromisoformat(booking.checkIn), date.fromisoformat(booking.checkOut))


def booking_nights(*, booking: Booking) -> list[RoomNight]:
    """The room-night items that this booking holds right now (an expired hold may have
    lost some). Read consistently: the writes that release them (cancel, move, change) give
    back exactly these, so a night written a moment ago and missed by an eventually
    consistent read would stay held by a cancelled booking for ever."""
    if not booking.roomId:
        return []  # No room assigned: it holds units of its type only.
    keys = [(booking.roomId, n.isoformat()) for n in booking_stay_nights(booking)]
    return [
        n
        for n in RoomNight.batch_get(keys, consistent_read=True)
        if n.bookingId == booking.bookingId
    ]


def bookings_list(
    *,
    status: str | None = None,
    check_in_from: date | None = None,
    check_in_to: date | None = None,
    guest_email: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Booking], str | None]:
    """A page of bookings and the next cursor. Raises hotel.dynamo.InvalidCursor.

    guestEmail queries the guest index (newest first); otherwise the status index is
    read partition by partition (one status, or all of them in lifecycle order), each
    sorted by check-in date and limited to the check-in range.
    """
    scope = (
        f"bookings:email={(guest_email or '').strip().lower()}:status={status or ''}"
        f":from={check_in_from or ''}:to={check_in_to or ''}"
    )
    start = decode_cursor(cursor, scope)
    if guest_email:
        conditions = []
        if status:
            conditions.append(Booking.status == status)
        if check_in_from:
            conditions.append(Booking.checkIn >= check_in_from.isoformat())
        if check_in_to:
            conditions.append(Booking.checkIn <= check_in_to.isoformat())
        filter_condition = None
        for condition in conditions:
            filter_condition = (
                condition if filter_condition is None else filter_condition & condition
            )
        parts = [
            lambda **kw: Booking.by_guest.query(
                guest_email.strip().lower(),
                scan_index_forward=False,
                filter_condition=filter_condition,
                **kw,
            )
        ]
        index = Booking.by_guest
    else:
        range_condition = None
        low = check_in_from.isoformat() if check_in_from else None
        high = check_in_to.isoformat() if check_in_to else None
        if low and high:
            range_condition = Booking.checkIn.between(low, high)
        elif low:
            range_condition = Booking.checkIn >= low
        elif high:
            range_condition = Booking.checkIn <= high
        parts = [
            functools.partial(_status_query, s, range_condition)
            for s in ([status] if status else STATUSES)
        ]
        index = Booking.by_status
    return _paginate_parts(parts, limit=limit, start=start, index=index, scope=scope)


def _status_query(status: str, range_condition, **kwargs):
    return Booking.by_status.query(status, range_key_condition=range_condition, **kwargs)


def _paginate_parts(
    parts, *, limit: int, start: dict | None, index, scope: str
) -> tuple[list, str | None]:
    """Page through several queries in order; the cursor remembers the part and its key."""
    part = _part_number(start.pop("_part", None), len(parts)) if start else 0
    key = start or None
    found: list[tuple[int, Booking]] = []
    while part < len(parts):
        for item in parts[part](last_evaluated_key=key, page_size=min(limit + 1, 200)):
            if len(found) == limit:
                last_part, last = found[-1]
                token = item_key(last, index)
                token["_part"] = {"N": str(last_part)}
                return [item for _, item in found], encode_cursor(token, scope)
            found.append((part, item))
        part += 1
        key = None
    return [item for _, item in found], None


def _part_number(marker, parts: int) -> int:
    """Which of `parts` queries a cursor resumes; InvalidCursor unless it names one."""
    try:
        number = int(marker["N"])
    except (TypeError, KeyError, ValueError) as exc:
        raise InvalidCursor("nextToken is not valid for this list.") from exc
    if not 0 <= number < parts:
        raise InvalidCursor("nextToken is not valid for this list.")
    return number
