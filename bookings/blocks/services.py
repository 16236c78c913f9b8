"""Group blocks: create (units taken from general inventory), edit, release (unpicked units
back on sale), and what a booking from a block needs (the stay's check and its price).

Creating a block adds its units to each night's `sold` in ONE transaction with the block and
its nights. DynamoDB conditions have no arithmetic, so each counter is read (consistently)
and the write is conditional on `ceiling == ceiling read AND sold <= ceiling read - units`:
a booking or a capacity change in between fails the condition, and the create reads again.
A block has at most MAX_NIGHTS nights: 2 items a night plus the block and its audit entry
stay under DynamoDB's 100 items per transaction.

Releasing writes one small transaction per night: the night marked released on the
condition that it is not yet and its `picked` is still the one read, and `sold` less the
unpicked units. A second run finds nothing to do; a run that stopped half-way resumes with
the nights left. Bookings from the block race on BlockNight.picked (bookings.inventory).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from hotel.audit.services import audit_entry
from hotel.dynamo import commit
from hotel.errors import NotFound, StaleObject, ValidationFailed
from rooms.room_types import room_type_get

from ..clock import hotel_today
from ..inventory import (
    block_night_key,
    counter_changed,
    inventory_key,
    inventory_read,
    nights_ensure,
)
from ..models import InventoryNight
from ..pricing import Quote, price_stay, stay_nights
from ..rate_reads import DEFAULT_PLAN, city_tax_terms, hotel_policy, rate_plan_get
from ..rate_terms import plan_terms
from ..selectors import tax_percent
from .errors import BlockExists, BlockFull, BlockNotFound, BlockReleased, BlockUnitsUnavailable
from .models import HELD, RELEASED, Block, BlockNight
from .selectors import block_get, block_nights

MAX_NIGHTS = 45
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
AUDIT_TYPE = "bookings.block"


def _snapshot(block: Block) -> dict:
    return {
        "code": block.code,
        "name": block.name,
        "roomType": block.roomType,
        "start": block.start,
        "end": block.end,
        "unitsPerNight": block.unitsPerNight,
        "rate": block.rate,
        "ratePlan": block.ratePlan,
        "releaseDate": block.releaseDate,
        "status": block.status,
        "notes": block.notes,
    }


def _audit(block, action, before, actor, now, request_id, note=None):
    after = _snapshot(block)
    if note:
        after["note"] = note
    return audit_entry(
        actor=actor,
        action=action,
        object_type=AUDIT_TYPE,
        object_id=block.code,
        before=before,
        after=after,
        now=now,
        request_id=request_id,
    )


def _terms_errors(*, name, rate, rate_plan, release_date, start, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip() or len(name) > 120:
        errors["name"] = ["Between 1 and 120 characters."]
    if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 10_000_000:
        errors["rate"] = ["A whole number of minor units per night, 0 or more."]
    if rate_plan and rate_plan_get(rate_plan) is None:
        errors["ratePlan"] = [f"No rate plan {rate_plan[:40]}."]
    if release_date < today:
        errors["releaseDate"] = ["Today or later."]
    elif start is not None and release_date > start:
        errors["releaseDate"] = ["On or before the first night."]
    return errors


def block_create(
    *,
    code: str,
    name: str,
    room_type: str,
    start: date,
    end: date,
    units_per_night: int,
    rate: int,
    release_date: date,
    rate_plan: str | None = None,
    notes: str = "",
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Block:
    """Hold `units_per_night` units of `room_type` for every night start..end-1 out of
    general inventory, all nights or none. Raises ValidationFailed, BlockExists,
    BlockUnitsUnavailable (details.nights: each short night and its free units),
    ServiceUnavailable."""
    today = hotel_today(now)
    code = (code or "").strip().upper()
    rate_plan = (rate_plan or "").strip().upper() or None
    errors = _terms_errors(
        name=name,
        rate=rate,
        rate_plan=rate_plan,
        release_date=release_date,
        start=start,
        today=today,
    )
    if not CODE_PATTERN.match(code):
        errors["code"] = ["2 to 20 letters, digits or dashes."]
    if start < today:
        errors["start"] = ["Today or later."]
    if end <= start:
        errors["end"] = ["After the first night."]
    elif (end - start).days > MAX_NIGHTS:
        errors["end"] = [f"A block holds at most {MAX_NIGHTS} nights."]
    if not isinstance(units_per_night, int) or not 1 <= units_per_night <= 500:
        errors["unitsPerNight"] = ["A whole number from 1 to 500."]
    kind = None
    try:
        kind = room_type_get(code=room_type, consistent=True)
    except NotFound:
        errors["roomType"] = [f"No room type {str(room_type)[:40]} exists."]
    if len(notes or "") > 2000:
        errors["notes"] = ["At most 2000 characters."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    nights = stay_nights(start, end)
    nights_ensure(room_type=kind.roomType, nights=nights)
    block = Block(
        code=code,
        name=name.strip(),
        roomType=kind.roomType,
        start=start.isoformat(),
        end=end.isoformat(),
        unitsPerNight=units_per_night,
        rate=rate,
        currency=kind.currency,
        ratePlan=rate_plan,
        releaseDate=release_date.isoformat(),
        status=HELD,
        notes=notes or "",
        createdAt=now,
        createdBy=actor,
    )
    for _attempt in range(4):
        counters = inventory_read(
            first=nights[0], last=nights[-1], room_type=kind.roomType, consistent=True
        )
        short = [
            {"night": n.isoformat(), "free": max(0, c.ceiling - c.sold)}
            for n in nights
            if (c := counters[(kind.roomType, n)]).ceiling - c.sold < units_per_night
        ]
        if short:
            raise BlockUnitsUnavailable(
                f"{len(short)} night(s) have fewer than {units_per_night} free {kind.name}.",
                details={"nights": short, "roomType": kind.roomType},
            )
        entry = _audit(block, "create", None, actor, now, request_id)

        def build(tx, counters=counters, entry=entry):
            tx.save(block, condition=Block.code.does_not_exist())
            for night in nights:
                read = counters[(kind.roomType, night)]
                tx.update(
                    InventoryNight(*inventory_key(kind.roomType, night)),
                    actions=[InventoryNight.sold.add(units_per_night), *counter_changed()],
                    condition=(InventoryNight.ceiling == read.ceiling)
                    & (InventoryNight.sold <= read.ceiling - units_per_night),
                )
                item = BlockNight(
                    *block_night_key(code, night),
                    code=code,
                    night=night.isoformat(),
                    roomType=kind.roomType,
                    units=units_per_night,
                    picked=0,
                )
                tx.save(item, condition=BlockNight.slot.does_not_exist())
            tx.save(entry)

        if commit(build):
            return block
        try:
            block_get(code, consistent=True)
        except BlockNotFound:
            continue  # a counter moved between the read and the write: read again
        raise BlockExists(f"A group block {code} exists already.")
    raise BlockUnitsUnavailable(
        "The rooms of these nights are changing right now; try again.",
        details={"nights": [], "roomType": kind.roomType},
    )


def block_update(
    *,
    code: str,
    changes: dict,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Block:
    """Change a held block's name, rate (for stays booked from now on), rate plan, release
    date or notes (`changes` keyed as the API: name, rate, ratePlan, releaseDate, notes;
    releaseDate a date). Dates, type and units are fixed: a different hold is a new block.
    Conditional on the block's revision (StaleObject when it moved). Raises BlockNotFound,
    BlockReleased, ValidationFailed."""
    block = block_get(code, consistent=True)
    if block.status != HELD:
        raise BlockReleased(f"Block {block.code} is released; it cannot change.")
    before = _snapshot(block)
    name = changes.get("name", block.name)
    rate = changes.get("rate", block.rate)
    plan = changes.get("ratePlan", block.ratePlan)
    plan = (plan or "").strip().upper() or None
    release = changes.get("releaseDate", date.fromisoformat(block.releaseDate))
    notes = changes.get("notes", block.notes) or ""
    errors = _terms_errors(
        name=name,
        rate=rate,
        rate_plan=plan,
        release_date=release,
        start=date.fromisoformat(block.start),
        today=hotel_today(now),
    )
    if len(notes) > 2000:
        errors["notes"] = ["At most 2000 characters."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    block.name, block.rate, block.ratePlan = name.strip(), rate, plan
    block.releaseDate, block.notes = release.isoformat(), notes
    entry = _audit(block, "update", before, actor, now, request_id)

    def build(tx):
        tx.save(block, condition=Block.status == HELD)
        tx.save(entry)

    commit(build, refused=lambda: StaleObject("The block changed meanwhile; reload it."))
    return block


def block_release(
    *, code: str, actor: str, now: datetime, request_id: str | None = None
) -> tuple[Block, int]:
    """Give the block's unpicked units back to general inventory, night by night, and mark
    it released. Idempotent: returns the block and the nights released by this call (0 on a
    second run). Raises BlockNotFound."""
    block = block_get(code, consistent=True)
    released = 0
    for night in block_nights(block, consistent=True):
        if _night_release(night, now=now):
            released += 1
    if block.status != RELEASED:
        before = _snapshot(block)
        block.status, block.releasedAt = RELEASED, now
        entry = _audit(block, "release", before, actor, now, request_id, {"nights": released})

        def build(tx):
            tx.save(block, condition=Block.status == HELD)
            tx.save(entry)

        if not commit(build):
            block = block_get(code, consistent=True)  # released by a concurrent run
    return block, released


def _night_release(night: BlockNight, *, now: datetime) -> bool:
    """One night's release in its own transaction; False when it was released already."""
    for _attempt in range(10):
        if night.released is not None:
            return False
        unpicked = night.units - night.picked

        def build(tx, night=night, unpicked=unpicked):
            tx.update(
                BlockNight(night.month, night.slot),
                actions=[BlockNight.released.set(now)],
                condition=BlockNight.released.does_not_exist()
                & (BlockNight.picked == night.picked),
            )
            if unpicked:
                tx.update(
                    InventoryNight(*inventory_key(night.roomType, date.fromisoformat(night.night))),
                    actions=[InventoryNight.sold.add(-unpicked), *counter_changed()],
                    condition=InventoryNight.sold >= unpicked,
                )

        if commit(build):
            return True
        night = BlockNight.get(night.month, night.slot, consistent_read=True)
    raise RuntimeError(f"block night {night.slot} kept moving")  # pragma: no cover


def block_release_due(*, now: datetime, log=None) -> int:
    """Release every held block whose release date has come (the hotel's today). Reads the
    held partition of the status index, never a Scan. Returns the blocks released."""
    today = hotel_today(now).isoformat()
    done = 0
    for block in Block.by_status.query(HELD, range_key_condition=Block.releaseDate <= today):
        block_release(code=block.code, actor="system:block-release", now=now)
        done += 1
    if log:
        log(f"released {done} block(s)")
    return done


def block_for_stay(*, code: str, room_type: str | None, check_in: date, check_out: date) -> Block:
    """The block a stay is booked from, checked: held, of the stay's type, covering every
    night. Raises ValidationFailed (unknown code, other type, nights outside the block),
    BlockReleased."""
    try:
        block = block_get(code, consistent=True)
    except BlockNotFound:
        raise ValidationFailed(
            details={"fields": {"blockCode": [f"No group block {str(code)[:40]}."]}}
        ) from None
    if block.status != HELD:
        raise BlockReleased(f"Block {block.code} has been released.")
    errors = {}
    if room_type and room_type != block.roomType:
        errors["roomType"] = [f"Block {block.code} holds {block.roomType} rooms."]
    if check_in.isoformat() < block.start or check_out.isoformat() > block.end:
        errors["checkIn"] = [f"Block {block.code} covers the nights {block.start} to {block.end}."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return block


def block_quote(
    *, block: Block, check_in: date, check_out: date, adults: int, children_ages=()
) -> Quote:
    """The stay at the block's rate every night, under the block's plan's terms (payment,
    cancellation, occupancy supplements), with the hotel's taxes."""
    plan = rate_plan_get(block.ratePlan or DEFAULT_PLAN)
    terms = plan_terms(plan, room_type=block.roomType, hotel_policy=hotel_policy())
    prices = {n: block.rate for n in stay_nights(check_in, check_out)}
    return price_stay(
        room_type=block.roomType,
        base_price=block.rate,
        currency=block.currency,
        check_in=check_in,
        check_out=check_out,
        plan=terms,
        adults=adults,
        children_ages=children_ages,
        calendar={terms.code: prices, DEFAULT_PLAN: prices},
        tax_percent=tax_percent(),
        city_tax=city_tax_terms(),
    )


def block_refusal(block: Block, nights: list[date]):
    """Why a booking from `block` was refused (read after the failed write): released
    (BlockReleased) or no unit left on some nights (BlockFull, details.nights)."""
    current = block_get(block.code, consistent=True)
    keys = [block_night_key(block.code, n) for n in nights]
    items = list(BlockNight.batch_get(keys, consistent_read=True))
    if current.status != HELD or any(i.released for i in items):
        return BlockReleased(f"Block {block.code} has been released.")
    full = sorted(i.night for i in items if i.picked >= i.units)
    return BlockFull(
        f"Block {block.code} has no room left on {len(full) or 'some'} night(s) of this stay.",
        details={"blockCode": block.code, "nights": full},
    )
