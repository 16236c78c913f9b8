"""Reading blocks and their pickup: by code, by status (the index), and every block's
nights of a period (one Query per month, as the inventory is read)."""

from __future__ import annotations

from datetime import date, timedelta

from pynamodb.exceptions import DoesNotExist

from ..inventory import block_night_key
from ..pricing import stay_nights
from .errors import BlockNotFound
from .models import BLOCK_STATUSES, Block, BlockNight


def block_get(code: str, *, consistent: bool = False) -> Block:
    """The block `code` (case-insensitive). Raises BlockNotFound."""
    key = (code or "").strip().upper()[:40]
    if not key:  # DynamoDB refuses an empty key
        raise BlockNotFound("No group block code given.")
    try:
        return Block.get(key, consistent_read=consistent)
    except DoesNotExist:
        raise BlockNotFound(f"No group block {str(code)[:40]}.") from None


def blocks_list(*, status: str | None = None) -> list[Block]:
    """Blocks of `status` (None: all), by release date: one Query per status."""
    found: list[Block] = []
    for state in (status,) if status else BLOCK_STATUSES:
        found.extend(Block.by_status.query(state))
    return sorted(found, key=lambda b: (b.start, b.code))


def block_nights(block: Block, *, consistent: bool = False) -> list[BlockNight]:
    """The block's nights in date order (one BatchGet: a block has at most MAX_NIGHTS)."""
    nights = stay_nights(date.fromisoformat(block.start), date.fromisoformat(block.end))
    keys = [block_night_key(block.code, n) for n in nights]
    items = list(BlockNight.batch_get(keys, consistent_read=consistent))
    return sorted(items, key=lambda i: i.night)


def block_nights_between(*, first: date, last: date) -> dict[tuple[str, date], list[BlockNight]]:
    """Every block's nights first..last (inclusive), by (room type, night): the rack's and
    the rates grid's pickup lines. One Query per month."""
    found: dict[tuple[str, date], list[BlockNight]] = {}
    month = first.replace(day=1)
    while month <= last:
        condition = BlockNight.slot.between(f"{first.isoformat()}#", f"{last.isoformat()}#\uffff")
        for item in BlockNight.query(month.strftime("%Y-%m"), range_key_condition=condition):
            found.setdefault((item.roomType, date.fromisoformat(item.night)), []).append(item)
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def pickup_label(items: list[BlockNight]) -> str:
    """ "Block WED26: 12/20 picked" for each block of one night, joined."""
    return "; ".join(
        f"Block {i.code}: {i.picked}/{i.units} picked" + (" (released)" if i.released else "")
        for i in sorted(items, key=lambda i: i.code)
    )
