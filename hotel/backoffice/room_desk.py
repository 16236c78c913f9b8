"""Rooms for bookings at the desk: the booking page's assign / move / pin / unassign section,
the rack's move control and the dashboard's "Assign rooms" button.

Every write goes through bookings.services (booking_room_set, rooms_assign), which check
the room-night locks inside DynamoDB and write the audit entry; these views only read the
form, call the service and say what happened.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from bookings import services
from bookings.free_rooms import rooms_free_for
from bookings.lifecycle import can_change, hold_has_lapsed
from bookings.models import CHECKED_IN, CONFIRMED, PENDING, Booking
from bookings.night_locks import (
    HELD,
    HOLD_EXPIRED,
    NOT_HELD,
    ON_HOLD,
    RELEASED,
    booking_night_locks,
)
from bookings.selectors import booking_stay_nights
from hotel.dynamo_admin import who
from hotel.dynamo_admin.rendering import format_day, format_value
from hotel.errors import DomainError
from rooms.models import HOUSEKEEPING_LABELS, Room

from .common import admin_site, day_label

MAX_ROOM_ID = 64


def room_label(booking: Booking) -> str:
    """The booking's room as the desk reads it: the number, or "— (unassigned)"."""
    if not booking.roomId:
        return "— (unassigned)"
    return f"{booking.roomId} (pinned)" if booking.roomPinned else booking.roomId


def room_assignable(booking: Booking, now) -> bool:
    """Whether staff may give, change or take away the booking's room now."""
    return booking.status in (PENDING, CONFIRMED) and not hold_has_lapsed(booking, now)


def _choice(room: Room) -> dict:
    return {
        "room": room,
        "label": f"{room.roomId} · {room.roomType} · floor {room.floorNumber} · "
        + HOUSEKEEPING_LABELS.get(room.housekeeping, room.housekeeping),
    }


def booking_room_context(request, booking: Booking) -> dict:
    """The booking page's "Room" section: free rooms of its type (ready first), free rooms
    of other types (an upgrade or a move), pin and unassign."""
    now = timezone.now()
    editable = room_assignable(booking, now) and request.user.has_perm("bookings.change_booking")
    context = {
        "room_label": room_label(booking),
        "room_editable": editable,
        "room_in_house": booking.status == CHECKED_IN,
        "room_post_url": reverse("admin:backoffice_booking_room"),
    }
    if editable:
        free = rooms_free_for(booking=booking)
        context.update(
            room_same_type=[_choice(r) for r in free.same_type],
            room_other_types=[_choice(r) for r in free.other_types],
        )
    return context


def _back(request, booking_id: str) -> str:
    """Where to go after a POST: `next` when it is a back-office page, else the booking."""
    target = request.POST.get("next", "")
    if target.startswith("/admin/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    admin = admin_site().get_model_admin(Booking)
    return admin.object_url(booking_id) if booking_id else reverse("admin:backoffice_rack")


def booking_room_view(request):
    """POST: assign, move, pin or unassign a booking's room (booking_room_set, audited).

    Fields: booking_id; room_id (empty with action=unassign); pinned, keep_rate (checkboxes);
    action "assign" (default) or "unassign"; next (a back-office page to return to).
    """
    if request.method != "POST":
        return HttpResponseRedirect(reverse("admin:backoffice_rack"))
    booking_id = request.POST.get("booking_id", "").strip()[:64]
    unassign = request.POST.get("action") == "unassign"
    room_id = None if unassign else request.POST.get("room_id", "").strip()[:MAX_ROOM_ID]
    if not booking_id or room_id == "":
        return HttpResponseBadRequest("Choose a booking and a room.")
    pinned = request.POST.get("pinned") in ("1", "on", "true")
    keep_rate = request.POST.get("keep_rate") in ("1", "on", "true")
    try:
        booking = services.booking_room_set(
            booking_id=booking_id,
            room_id=room_id,
            pinned=pinned and not unassign,
            keep_rate=keep_rate,
            **who(request),
        )
    except DomainError as exc:
        messages.error(request, f"{booking_id}: {exc.message} Nothing was changed.")
    else:
        if unassign:
            text = f"{booking_id} ({booking.guestName}) has no room now: it holds a "
            text += f"{booking.roomType} unit; a room is assigned later."
        else:
            pin = ", pinned" if booking.roomPinned else ""
            text = f"{booking_id} ({booking.guestName}) is in room {booking.roomId}{pin}."
        messages.success(request, text)
    return HttpResponseRedirect(_back(request, booking_id))


def rooms_assign_view(request):
    """POST: give every booking staying on `day` a room (rooms_assign for [day, day + 1)),
    then say how many were assigned, moved and could not be placed, and why."""
    target = reverse("admin:backoffice_dashboard")
    if request.method != "POST":
        return HttpResponseRedirect(target)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        return HttpResponseBadRequest("Choose a day (YYYY-MM-DD).")
    back = _back(request, "")
    if back.startswith("/admin/"):
        target = back
    result = services.rooms_assign(start=day, end=day + timedelta(days=1), **who(request))
    summary = (
        f"Rooms for {day_label(day)}: {len(result.assigned)} assigned, "
        f"{len(result.moved)} moved, {len(result.unplaced)} could not be placed."
    )
    details = [f"{a['bookingId']} → {a['roomId']}" for a in result.assigned]
    details += [f"{m['bookingId']}: {m['from']} → {m['to']}" for m in result.moved]
    if details:
        summary += " " + "; ".join(details) + "."
    (messages.warning if result.unplaced else messages.success)(request, summary)
    for miss in result.unplaced:
        messages.error(request, f"Not placed: {miss['bookingId']}: {miss['reason']}")
    return HttpResponseRedirect(target)


# What the room-night lock says about a night, as the booking page writes it.
NIGHT_STATES = {
    HELD: "Held",
    ON_HOLD: "On hold until",
    HOLD_EXPIRED: "Hold expired at",
    RELEASED: "Released",
    NOT_HELD: "Not held: sold after the hold expired",
}


def booking_nights_held(booking: Booking, *, now) -> list[dict]:
    """The booking page's nights: each night of the stay and what the room-night lock says
    about it."""
    if not booking.roomId:  # a unit of its type only: no room-night lock to read
        state = f"A {booking.roomType} unit, no room yet" if can_change(booking) else "—"
        return [
            {"night": format_day(n.isoformat()), "room": "—", "state": state, "warning": False}
            for n in booking_stay_nights(booking)
        ]
    rows = []
    for lock in booking_night_locks(booking=booking, now=now):
        state = NIGHT_STATES[lock.state]
        if lock.until is not None:
            state = f"{state} {format_value(lock.until)}"
        rows.append(
            {
                "night": format_day(lock.night.isoformat()),
                "room": lock.room_id,
                "state": state,
                "warning": lock.warning,
            }
        )
    return rows
