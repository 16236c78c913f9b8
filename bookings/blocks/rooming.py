"""A block's rooming list: a CSV of the group's guests, one stay a line, imported all or
nothing.

Every line is checked first (its fields, the block's nights and type's occupancy, and the
block's units left per night for all lines together) and every problem is answered with
its line number and field; nothing is booked while any line is wrong. Then each line is
booked from the block (booking_create with the block code) and confirmed — the group's
contract guarantees it. A booking that is refused even so (a guest of the block booked
online meanwhile took the last unit) cancels the ones this import made, so no list is ever
half imported; their cancelled records stay, as every cancelled booking does.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from hotel.errors import DomainError, ValidationFailed
from rooms.room_types import room_type_get

from ..models import CONFIRMED
from ..pricing import stay_nights
from ..services import booking_cancel, booking_create, booking_transition, guest_fields_validate
from .errors import BlockReleased
from .models import HELD
from .selectors import block_get, block_nights

logger = logging.getLogger(__name__)

MAX_LINES = 500
MAX_BYTES = 256 * 1024
COLUMNS = {  # accepted header (lower case, no spaces/underscores) -> field
    "guestname": "guestName",
    "name": "guestName",
    "email": "email",
    "guestemail": "email",
    "phone": "phone",
    "guestphone": "phone",
    "checkin": "checkIn",
    "checkout": "checkOut",
    "adults": "adults",
    "childrenages": "childrenAges",
    "notes": "notes",
}


@dataclass
class RoomingLine:
    line: int  # the line number in the file (the header is line 1)
    guest_name: str = ""
    email: str | None = None
    phone: str | None = None
    check_in: date | None = None
    check_out: date | None = None
    adults: int = 1
    children_ages: list[int] = field(default_factory=list)
    notes: str = ""


@dataclass(frozen=True)
class RoomingResult:
    block_code: str
    booking_ids: list[str]


def _problem(problems, line, field_name, message):
    problems.append({"line": line, "field": field_name, "message": message})


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def rooming_list_parse(*, code: str, text: str) -> list[RoomingLine]:
    """The list's lines, every one checked against the block. Raises BlockNotFound,
    BlockReleased, ValidationFailed (details.lines: [{line, field, message}] for every
    problem; details.fields.file for the file itself)."""
    block = block_get(code, consistent=True)
    if block.status != HELD:
        raise BlockReleased(f"Block {block.code} has been released.")
    if len(text.encode()) > MAX_BYTES:
        raise ValidationFailed(details={"fields": {"file": ["At most 256 KB."]}, "lines": []})
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:  # e.g. a cell over the csv module's field limit
        raise ValidationFailed(
            details={"fields": {"file": [f"Not a readable CSV file: {exc}."]}, "lines": []}
        ) from None
    rows = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise ValidationFailed(details={"fields": {"file": ["The file is empty."]}, "lines": []})
    header_line, header = rows[0]
    names = [COLUMNS.get(h.strip().lower().replace(" ", "").replace("_", "")) for h in header]
    problems: list[dict] = []
    for cell, name in zip(header, names, strict=True):
        if name is None:
            _problem(problems, header_line, cell[:40], "Unknown column.")
    if "guestName" not in names:
        _problem(problems, header_line, "guestName", "The header needs a guestName column.")
    if len(rows) - 1 > MAX_LINES:
        _problem(problems, header_line, "file", f"At most {MAX_LINES} guests a file.")
    if problems:
        raise _refused(problems)
    kind = room_type_get(code=block.roomType)
    start, end = date.fromisoformat(block.start), date.fromisoformat(block.end)
    lines: list[RoomingLine] = []
    for number, row in rows[1:]:
        values = {n: (row[i].strip() if i < len(row) else "") for i, n in enumerate(names)}
        if len(row) > len(names):
            _problem(problems, number, "file", "More cells than the header has columns.")
        line = RoomingLine(line=number, notes=values.get("notes", ""))
        try:
            cleaned = guest_fields_validate(
                guest_name=values.get("guestName", ""),
                guest_email=values.get("email") or None,
                guest_phone=values.get("phone") or None,
                source="front_desk",
            )
            line.guest_name = cleaned["guestName"]
            line.email, line.phone = cleaned["guestEmail"], cleaned["guestPhone"]
        except ValidationFailed as exc:
            column = {"guestEmail": "email", "guestPhone": "phone"}
            for name, messages in (exc.details.get("fields") or {}).items():
                _problem(problems, number, column.get(name, name), messages[0])
        for name, default in (("checkIn", start), ("checkOut", end)):
            raw = values.get(name, "")
            day = _day(raw) if raw else default
            if day is None:
                _problem(problems, number, name, "A date as YYYY-MM-DD.")
            elif not start <= day <= end:
                _problem(problems, number, name, f"Within the block: {start} to {end}.")
            setattr(line, "check_in" if name == "checkIn" else "check_out", day)
        if line.check_in and line.check_out and line.check_out <= line.check_in:
            _problem(problems, number, "checkOut", "After checkIn.")
        adults = values.get("adults", "") or "1"
        if not (adults.isascii() and adults.isdigit()) or not 1 <= int(adults) <= 12:
            _problem(problems, number, "adults", "A whole number from 1 to 12.")
        else:
            line.adults = int(adults)
        ages = values.get("childrenAges", "").replace(";", " ").replace(",", " ").split()
        if any(not (a.isascii() and a.isdigit()) or int(a) > 17 for a in ages):
            _problem(problems, number, "childrenAges", "Ages 0 to 17, separated by ';'.")
        else:
            line.children_ages = [int(a) for a in ages]
        if line.adults + len(line.children_ages) > kind.maxGuests:
            _problem(problems, number, "adults", f"A {kind.name} takes {kind.maxGuests} guests.")
        if len(line.notes) > 2000:
            _problem(problems, number, "notes", "At most 2000 characters.")
        lines.append(line)
    if not lines:
        _problem(problems, header_line, "file", "No guests below the header.")
    problems += _over_capacity(block, lines)
    if problems:
        raise _refused(problems)
    return lines


def _over_capacity(block, lines: list[RoomingLine]) -> list[dict]:
    """The lines that would find no unit left on a night (the block's pickup read now)."""
    left = {date.fromisoformat(n.night): n.units - n.picked for n in block_nights(block)}
    problems: list[dict] = []
    for line in lines:
        if not (line.check_in and line.check_out and line.check_in < line.check_out):
            continue
        nights = stay_nights(line.check_in, line.check_out)
        full = [n for n in nights if left.get(n, 0) <= 0]
        if full:
            _problem(problems, line.line, "checkIn", f"The block is full on {full[0]}.")
            continue
        for night in nights:
            left[night] -= 1
    return problems


def _refused(problems: list[dict]) -> ValidationFailed:
    problems.sort(key=lambda p: (p["line"], p["field"]))
    return ValidationFailed(
        f"The rooming list has {len(problems)} problem(s); nothing was imported.",
        details={"lines": problems, "fields": {"file": ["See details.lines."]}},
    )


def rooming_list_import(
    *, code: str, text: str, actor: str, now: datetime, request_id: str | None = None
) -> RoomingResult:
    """Book every line of the rooming list from block `code`, confirmed, or none. Raises
    BlockNotFound, BlockReleased, ValidationFailed (per-line problems), and the refusal of a
    line that could not be booked after all (details.line; what it made is cancelled)."""
    lines = rooming_list_parse(code=code, text=text)
    made: list[str] = []
    try:
        for line in lines:
            created = booking_create(
                check_in=line.check_in,
                check_out=line.check_out,
                guests=line.adults + len(line.children_ages),
                adults=line.adults,
                children_ages=line.children_ages,
                guest_name=line.guest_name,
                guest_email=line.email,
                guest_phone=line.phone,
                notes=line.notes,
                source="front_desk",
                actor=actor,
                now=now,
                request_id=request_id,
                channel="staff",
                block_code=code,
            )
            made.append(created.booking.bookingId)
            booking_transition(
                booking_id=created.booking.bookingId,
                to_status=CONFIRMED,
                actor=actor,
                now=now,
                request_id=request_id,
            )
    except DomainError as exc:
        _undo(made, actor=actor, now=now, request_id=request_id)
        exc.details = {**(exc.details or {}), "line": line.line, "imported": 0}
        raise
    return RoomingResult(block_code=code.upper(), booking_ids=made)


def _undo(made: list[str], *, actor, now, request_id) -> None:
    for booking_id in made:
        try:
            booking_cancel(booking_id=booking_id, actor=actor, now=now, request_id=request_id)
        except DomainError:  # pragma: no cover - a booking of this import changed meanwhile
            logger.exception("rooming list: could not cancel %s", booking_id)
