"""Booking a reservation: every stay's units (and pinned rooms' nights) in ONE transaction,
all or nothing.

Each stay is drafted exactly as booking_create drafts a booking (services.create.stay_draft:
the same validation and price), then the Reservation, every Booking, the counters, the
pinned nights, the promo's uses, the guest's hold slot and an audit entry per stay are
written in one TransactWriteItems. Stays of one type sharing a night take that night's
counter once, by k (bookings.inventory.InventoryChange), so two rooms of a type with one
left fail inside DynamoDB. The size of that transaction is bounded by reservations.size.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist

from hotel import events
from hotel.dynamo import commit
from hotel.errors import DomainError, NotFound, ValidationFailed
from hotel.languages import guest_language

from .. import holds, stats
from ..clock import hotel_today
from ..exceptions import RoomUnavailable, StayTooLong, TooManyGuests
from ..inventory import InventoryChange, inventory_read
from ..models import Booking, RoomNight
from ..promo_uses import promo_refused_why, promo_take
from ..services.common import booking_audit, event_detail, hash_token
from ..services.create import (
    StayDraft,
    draft_booking,
    draft_take,
    new_booking_id,
    new_reference,
    stay_draft,
)
from ..services.expiry import lapsed_holds_reclaim
from ..services.stay import stay_prepare
from ..services.validation import guest_fields_validate
from .models import Reservation
from .size import items_check, size_check, transaction_items

BOOKER_FIELDS = {"guestName": "booker.name", "guestEmail": "booker.email"}
BOOKER_FIELDS |= {"guestPhone": "booker.phone", "source": "source"}


@dataclass(frozen=True)
class CreatedReservation:
    reservation: Reservation
    bookings: list[Booking]
    guest_token: str


def new_reservation_id(today: date) -> str:
    return new_reference("RS", today)


def reservation_create(
    *,
    booker: dict,
    stays: list[dict],
    source: str = "api",
    actor: str,
    now: datetime,
    request_id: str | None = None,
    guest_client: str | None = None,
    channel: str | None = None,
    notes: str = "",
    promo_code: str | None = None,
    language: str | None = None,
) -> CreatedReservation:
    """Hold every stay of a reservation for `booker` ({"name", "email", "phone"?}), or none.

    `stays`: [{"roomType", "ratePlan"?, "adults", "childrenAges"?, "checkIn": date,
    "checkOut": date, "guestName"? (default: the booker's), "roomId"? (pinned)}]. Each stay
    is a pending Booking (its reservationId set, the booker's email and phone, the
    reservation's guest token), priced as booking_create prices it. `guest_client` makes it
    a guest's online hold: each stay claims one of the client's hold slots (the cap counts
    rooms held, whether booked alone or together).

    At most reservations.size.MAX_STAYS stays and MAX_ROOM_NIGHTS room-nights.
    Raises ValidationFailed (every stay's problems at once: "stays[1].checkIn"),
    ReservationTooLarge, RoomUnavailable (details.stays: the stays that cannot be had;
    nothing is held), TooManyHolds, PromoUsedUp, and a stay's own refusals (details.stays).
    `language`: the booker's (hotel.languages), kept on the reservation and every stay.
    """
    if not isinstance(stays, list) or not stays or not all(isinstance(s, dict) for s in stays):
        raise ValidationFailed(details={"fields": {"stays": ["Give at least one stay."]}})
    size_check(stays=len(stays), room_nights=sum(_nights(s) for s in stays))
    drafts = _drafts(booker, stays, source=source, now=now, channel=channel, notes=notes,
                     promo_code=promo_code)  # fmt: skip
    promo = next((d.promo for d in drafts if d.promo), None)
    promo_uses = sum(1 for d in drafts if d.promo)
    guest = guest_client is not None
    promo_items = (2 if promo.perGuest else 1) if promo else 0
    items_check(transaction_items(drafts, promo_items=promo_items, slot=guest))
    for room_type, nights in _nights_by_type(drafts).items():
        stay_prepare(room_type=room_type, nights=nights)
    currency = drafts[0].quote.currency
    email, phone = drafts[0].guest_fields["guestEmail"], drafts[0].guest_fields["guestPhone"]
    hold_until = holds.guest_hold_until(now) if guest else holds.staff_hold_until(now)
    slots = holds.SlotPicker(client=guest_client, now=now) if guest else None
    token = secrets.token_urlsafe(24)
    reclaimed = False
    for _attempt in range(3 + (slots.cap if slots else 0)):
        picked = slots.pick_many(len(drafts)) if slots else [None] * len(drafts)
        today = hotel_today(now)
        reservation = Reservation(
            reservationId=new_reservation_id(today),
            bookerName=booker["name"].strip(),
            bookerEmail=email,
            bookerPhone=phone,
            bookingIds=[],
            guestTokenHash=hash_token(token),
            totalPrice=0,
            currency=currency,
            source=source,
            notes=notes or "",
            language=guest_language(language),
            createdAt=now,
            updatedAt=now,
        )
        bookings = []
        for index, draft in enumerate(drafts):
            booking = draft_booking(
                draft,
                booking_id=new_booking_id(today),
                token_hash=reservation.guestTokenHash,
                source=source,
                notes=notes if index == 0 else "",
                now=now,
                hold_until=hold_until,
                guest=guest,
                slot=picked[index],
                language=language,
            )
            booking.reservationId = reservation.reservationId
            bookings.append(booking)
        reservation.bookingIds = [b.bookingId for b in bookings]
        reservation.totalPrice = sum(b.totalPrice for b in bookings)
        entries = [
            booking_audit(b, "create", None, actor, now, request_id,
                          note={"reservationId": reservation.reservationId})
            for b in bookings
        ]  # fmt: skip

        def build(tx, reservation=reservation, bookings=bookings, entries=entries):
            tx.save(reservation, condition=Reservation.reservationId.does_not_exist())
            change = InventoryChange()
            for draft, booking in zip(drafts, bookings, strict=True):
                tx.save(booking, condition=Booking.bookingId.does_not_exist())
                draft_take(tx, draft, booking, hold_until=hold_until, now=now, change=change,
                           promo=False)  # fmt: skip
            change.write(tx)
            if promo:
                promo_take(tx, promo=promo, guest_email=email, count=promo_uses)
            for booking in bookings:
                if booking.holdSlot:
                    holds.slot_claim(
                        tx,
                        slot=booking.holdSlot,
                        booking_id=booking.bookingId,
                        until=hold_until,
                        now=now,
                    )
            for entry in entries:
                tx.save(entry)

        if not commit(build):
            if _any_exists(reservation, bookings):
                continue
            if slots and any(
                b.holdSlot and slots.lost(b.holdSlot, booking_id=b.bookingId) for b in bookings
            ):
                continue
            if promo and (used_up := promo_refused_why(promo, email, count=promo_uses)):
                raise used_up
            if not reclaimed:  # Lapsed holds may still count: expire them, try once more.
                reclaimed = True
                found = [
                    lapsed_holds_reclaim(room_type=t, nights=n, now=now)
                    for t, n in _nights_by_type(drafts).items()
                ]
                if any(found):
                    continue
                continue  # a counter's ceiling may have moved under a +k: read it again
            raise _unavailable(drafts, now)
        for booking in bookings:
            stats.booking_stats_project_safely(booking_id=booking.bookingId, now=now)
            events.publish(events.BookingCreated, **event_detail(booking))
        return CreatedReservation(reservation=reservation, bookings=bookings, guest_token=token)
    if slots:
        raise slots.too_many()
    raise RuntimeError("Could not allocate a reservation id")  # pragma: no cover


def _nights(stay: dict) -> int:
    try:
        return max(0, (stay["checkOut"] - stay["checkIn"]).days)
    except (KeyError, TypeError, AttributeError):
        return 0


def _nights_by_type(drafts: list[StayDraft]) -> dict[str, list[date]]:
    nights: dict[str, set[date]] = {}
    for draft in drafts:
        nights.setdefault(draft.kind.roomType, set()).update(draft.nights)
    return {t: sorted(n) for t, n in nights.items()}


def _drafts(booker, stays, *, source, now, channel, notes, promo_code) -> list[StayDraft]:
    """Every stay drafted, or ValidationFailed naming every problem of every stay."""
    booker = booker if isinstance(booker, dict) else {}
    errors: dict[str, list[str]] = {}
    try:
        guest_fields_validate(
            guest_name=booker.get("name") or "",
            guest_email=booker.get("email"),
            guest_phone=booker.get("phone"),
            source=source,
        )
    except ValidationFailed as exc:
        for key, problems in exc.details["fields"].items():
            errors[BOOKER_FIELDS.get(key, key)] = problems
    if len(notes or "") > 2000:
        errors["notes"] = ["At most 2000 characters."]
    # A bad booker field is said once; the stays are checked with a stand-in so that their
    # own problems still show (nothing is written while any error stands).
    name = booker.get("name") if "booker.name" not in errors else "Booker"
    email = booker.get("email") if "booker.email" not in errors else "booker@example.com"
    phone = booker.get("phone") if "booker.phone" not in errors else None
    drafts: list[StayDraft] = []
    refusals: list[tuple[int, DomainError]] = []
    for index, stay in enumerate(stays):
        prefix = f"stays[{index}]."
        try:
            children = stay.get("childrenAges") or []
            drafts.append(
                stay_draft(
                    room_id=stay.get("roomId"),
                    room_type=stay.get("roomType"),
                    check_in=stay["checkIn"],
                    check_out=stay["checkOut"],
                    guests=(stay.get("adults") or 0) + len(children),
                    guest_name=stay.get("guestName") or name or "",
                    guest_email=email,
                    guest_phone=phone,
                    source=source,
                    now=now,
                    rate_plan=stay.get("ratePlan"),
                    adults=stay.get("adults"),
                    children_ages=children,
                    promo_code=promo_code,
                    channel=channel,
                )
            )
        except KeyError as exc:
            errors[prefix + exc.args[0]] = ["This field is required."]
        except (ValidationFailed, TooManyGuests) as exc:
            for key, problems in (exc.details.get("fields") or {"": [exc.message]}).items():
                if key in ("guestEmail", "guestPhone", "source"):
                    continue  # the booker's, said once above
                errors[prefix + (key or "roomType")] = problems
        except StayTooLong as exc:
            errors[prefix + "checkOut"] = [exc.message]
        except NotFound as exc:
            errors[prefix + "roomId"] = [exc.message]
        except DomainError as exc:
            refusals.append((index, exc))
    errors.update(_pinned_twice(stays))
    if errors:
        raise ValidationFailed(details={"fields": errors})
    if refusals:
        index, exc = refusals[0]
        exc.details = {**exc.details, "stays": [i for i, _ in refusals]}
        exc.message = f"Stay {index + 1}: {exc.message}"
        raise exc
    if len({d.quote.currency for d in drafts}) > 1:
        raise ValidationFailed("The stays are priced in different currencies.")
    return drafts


def _pinned_twice(stays: list[dict]) -> dict[str, list[str]]:
    """Two stays pinning one room on a night (one transaction cannot write an item twice)."""
    errors, seen = {}, {}
    for index, stay in enumerate(stays):
        room = stay.get("roomId")
        if not room or _nights(stay) == 0:
            continue
        for earlier, (first, last) in seen.get(room, {}).items():
            if stay["checkIn"] < last and first < stay["checkOut"]:
                errors[f"stays[{index}].roomId"] = [
                    f"Room {room} is already in stay {earlier + 1} for some of these nights."
                ]
        seen.setdefault(room, {})[index] = (stay["checkIn"], stay["checkOut"])
    return errors


def _any_exists(reservation: Reservation, bookings: list[Booking]) -> bool:
    """After a refused transaction: did an id collide (then try new ids)?"""
    try:
        Reservation.get(reservation.reservationId, attributes_to_get=["reservationId"])
        return True
    except DoesNotExist:
        pass
    keys = [b.bookingId for b in bookings]
    return any(True for _ in Booking.batch_get(keys, attributes_to_get=["bookingId"]))


def _unavailable(drafts: list[StayDraft], now: datetime) -> RoomUnavailable:
    """The refusal, naming the stays that cannot be had as things stand (consistent reads)."""
    need: dict[tuple[str, date], int] = {}
    for draft in drafts:
        for night in draft.nights:
            need[(draft.kind.roomType, night)] = need.get((draft.kind.roomType, night), 0) + 1
    nights = [n for d in drafts for n in d.nights]
    counters = inventory_read(first=min(nights), last=max(nights), consistent=True)
    short = set()
    for key, wanted in need.items():
        item = counters.get(key)
        if item is None or item.ceiling - item.sold < wanted:
            short.add(key)
    named = []
    for index, draft in enumerate(drafts):
        if any((draft.kind.roomType, n) in short for n in draft.nights) or (
            draft.room and _room_taken(draft)
        ):
            named.append(index)
    which = ", ".join(str(i + 1) for i in named) or "some"
    return RoomUnavailable(
        f"Not every room of this reservation can be had (stay {which}); nothing was held.",
        details={"stays": named},
    )


def _room_taken(draft: StayDraft) -> bool:
    keys = [(draft.room.roomId, n.isoformat()) for n in draft.nights]
    return any(True for _ in RoomNight.batch_get(keys, consistent_read=True))
