"""Synchronising a channel: fetch its calendar, read it, reconcile it by UID.

One sync at a time per channel (a lease on the Channel item, conditional: a second "sync
now" or an overlapping scheduled run is refused with CHANNEL_SYNC_RUNNING; a lease left by
a crashed worker lapses after LEASE_SECONDS). Each imported, moved or released event is its
own transaction (bookings.channels.stays), idempotent by UID, so a sync cut short is
finished by the next one.

A fetch that fails, is refused (hotel.outbound: private addresses in the cloud) or brings
something that is not a calendar **changes nothing**: the error is recorded on the channel
next to its last good sync. A feed that suddenly lists nothing while the hotel holds future
stays from it releases nothing until staff confirm (`confirm_empty`): an OTA's empty answer
is more often an outage than every guest cancelling at once (bookings.channels.plan). An
event too long for one transaction is flagged for staff once (`tooLong`) and not tried
again while the channel lists the same dates (bookings.channels.too_long).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial

from django.conf import settings
from pynamodb.exceptions import UpdateError

from hotel.errors import DomainError, ServiceUnavailable
from hotel.outbound import OutboundFailed, OutboundRefused, http_get

from ..clock import hotel_today
from .errors import ChannelInactive, ChannelSyncRunning
from .feed import FeedEvent, FeedUnreadable, read_feed
from .limits import StayTooLong, stay_limit
from .models import Channel, ChannelEvent
from .plan import Held, plan_sync
from .selectors import channel_events, channel_get
from .stays import (
    external_stay_adopt,
    external_stay_create,
    external_stay_move,
    external_stay_release,
)
from .too_long import (
    external_stay_flag,
    external_stay_unflag,
    too_long_handled,
    too_long_pending,
    too_long_range,
)

logger = logging.getLogger(__name__)

LEASE_SECONDS = 300
MAX_FEED_BYTES = 5_000_000  # a 365-day feed of a busy unit is ~100 KB
FETCH_TIMEOUT = 8.0
JOB_BUDGET_SECONDS = 15.0  # the scheduled run starts no sync after this (Lambda's 30 s)
MAX_PROBLEMS = 20


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    released: int = 0
    unchanged: int = 0
    closures: int = 0  # closures recorded without taking a unit
    overbooked: int = 0  # stays imported beyond the inventory by this sync
    echoes: int = 0  # kept without a unit: listed on nights already full (stays.BLIND_CHANNELS)
    too_long: int = 0  # flagged by this sync: more nights than one transaction holds (limits)
    held_back: bool = False
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "released": self.released,
            "unchanged": self.unchanged,
            "closures": self.closures,
            "overbooked": self.overbooked,
            "echoes": self.echoes,
            "tooLong": self.too_long,
            "heldBack": self.held_back,
            "errors": list(self.errors),
        }


def channel_sync(*, channel_id: str, now: datetime, confirm_empty: bool = False) -> SyncResult:
    """Fetch the channel's calendar and reconcile the hotel's stays with it. Raises
    ChannelNotFound, ChannelInactive, ChannelSyncRunning."""
    channel = channel_get(channel_id, consistent=True)
    if not channel.active:
        raise ChannelInactive()
    lease = _lease_take(channel)
    try:
        return _sync(channel, now=now, confirm_empty=confirm_empty)
    except Exception as failure:
        logger.exception("The sync of channel %s failed", channel.channelId)
        _record(channel, now=now, error="The sync failed unexpectedly; it will be retried.")
        raise ServiceUnavailable("The sync failed; try again in a minute.") from failure
    finally:
        _lease_drop(channel, lease)


def channels_sync_due(*, now: datetime) -> dict[str, dict]:
    """The scheduled job: sync every active channel; {channelId: result} (a channel whose
    sync is running elsewhere is skipped)."""
    results, started = {}, time.monotonic()
    channels = Channel.scan(Channel.active == True)  # noqa: E712  (a few items)
    # The least recently synchronised first: a run cut short by its budget leaves the
    # others to the next run, never the same ones.
    for channel in sorted(
        channels, key=lambda c: c.lastSyncAt.timestamp() if c.lastSyncAt else 0.0
    ):
        if time.monotonic() - started > JOB_BUDGET_SECONDS:
            break
        try:
            results[channel.channelId] = channel_sync(
                channel_id=channel.channelId, now=now
            ).as_dict()
        except ChannelSyncRunning:
            continue
        except Exception:  # one channel's failure never stops the others
            logger.exception("The sync of channel %s failed", channel.channelId)
    return results


def _sync(channel: Channel, *, now: datetime, confirm_empty: bool) -> SyncResult:
    result = SyncResult()
    try:
        raw = http_get(channel.url, timeout=FETCH_TIMEOUT, max_bytes=MAX_FEED_BYTES)
        feed = read_feed(raw, channel=channel.kind, time_zone=settings.TIME_ZONE)
    except (OutboundRefused, OutboundFailed, FeedUnreadable) as failure:
        result.errors.append(str(failure))
        _record(channel, now=now, error=str(failure))
        return result
    result.errors.extend(feed.problems[:MAX_PROBLEMS])
    holding = channel_events(channel.channelId)
    held = [
        Held(
            uid=e.uid,
            check_in=_day(e.checkIn),
            check_out=_day(e.checkOut),
            kind=e.kind,
            booking_id=e.bookingId,
            too_long=too_long_range(e),
            handled=too_long_handled(e),
        )
        for e in holding
    ]
    items = {e.uid: e for e in holding}
    plan = plan_sync(
        held,
        feed.events,
        today=hotel_today(now),
        confirm_empty=confirm_empty,
        import_closures=bool(channel.importClosures),
        max_nights=stay_limit(),
    )
    # A stay whose event the feed lists but could not use is still listed: kept. An event
    # without a readable UID may be any of the stays: then none is released.
    kept = tuple(
        gone for gone in plan.release if feed.unidentified or gone.uid in feed.skipped_uids
    )
    if kept:
        result.errors.append(
            f"{len(kept)} stay(s) not released: the calendar has unreadable events."
        )
        release = tuple(gone for gone in plan.release if gone not in kept)
        plan = replace(plan, release=release, unchanged=(*plan.unchanged, *kept))
    result.unchanged, result.held_back = len(plan.unchanged), plan.held_back
    for gone in plan.release:
        item = items[gone.uid]
        if _each(result, gone.uid, lambda i=item: external_stay_release(held=i, now=now)):
            result.released += 1
    for old, event in plan.move:
        move = partial(_move, channel=channel, held=items[old.uid], event=event, now=now)
        outcome = _each(result, event.uid, move)
        result.updated += outcome == "moved"
        result.too_long += outcome == "too long"
    for old, event in plan.too_long:
        item = items[old.uid] if old else None
        flag = partial(
            external_stay_flag, channel_id=channel.channelId, held=item, event=event, now=now
        )
        result.too_long += bool(_each(result, event.uid, flag))
    for settled in plan.settled:
        _each(result, settled.uid, partial(external_stay_unflag, held=items[settled.uid], now=now))
    for kept in plan.unchanged:
        item = items[kept.uid]
        if item.tooLong:
            continue  # flagged: not tried again until the channel changes its dates
        if item.echo and not item.bookingId and kept.check_in >= hotel_today(now):
            adopt = partial(external_stay_adopt, channel=channel, held=item, now=now)
            if _each(result, kept.uid, adopt):
                result.created += 1
    for event in plan.create:
        create = partial(external_stay_create, channel=channel, event=event, now=now)
        made = _each(result, event.uid, create)
        if not made:
            continue  # imported meanwhile by another sync, or refused (an error line)
        item, booking = made
        if booking is None and item.echo:
            result.echoes += 1
        elif booking is None:
            result.closures += 1
        else:
            result.created += 1
            result.overbooked += bool(item.overbooked)
    if plan.held_back:
        result.errors.append(
            "The calendar lists no stay any more: nothing was released. If every stay was "
            "really cancelled, synchronise again and confirm."
        )
    _record(channel, now=now, error=None, result=result, problems=list(feed.problems))
    return result


def _move(*, channel: Channel, held: ChannelEvent, event: FeedEvent, now: datetime) -> str:
    """Move the held stay to the event's dates; "moved", or "too long" when that cannot be
    one transaction (flagged, the stay kept as it is), or "" when the event changed
    meanwhile."""
    try:
        external_stay_move(channel=channel, held=held, event=event, now=now)
    except StayTooLong:
        flagged = external_stay_flag(channel_id=channel.channelId, held=held, event=event, now=now)
        return "too long" if flagged else ""
    return "moved"


def _each(result: SyncResult, uid: str, call):
    """Run one event's change; a refusal (e.g. DynamoDB busy) becomes an error line and the
    next sync tries again."""
    try:
        return call()
    except DomainError as error:
        result.errors.append(f'Event "{uid[:60]}": {error}')
    except Exception:  # e.g. DynamoDB unreachable: the others go on
        logger.exception("Event %s of a channel could not be applied", uid[:60])
        result.errors.append(f'Event "{uid[:60]}": could not be applied; the next sync retries.')
    return None


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _lease_take(channel: Channel) -> int:
    now = int(time.time())
    try:
        channel.update(
            actions=[Channel.syncLeaseUntil.set(now + LEASE_SECONDS)],
            condition=Channel.syncLeaseUntil.does_not_exist() | (Channel.syncLeaseUntil < now),
            add_version_condition=False,
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise ChannelSyncRunning() from None
        raise
    return now + LEASE_SECONDS


def _lease_drop(channel: Channel, lease: int) -> None:
    """Give back this sync's lease (not a later sync's, taken after this one's lapsed)."""
    try:
        channel.update(
            actions=[Channel.syncLeaseUntil.remove()],
            condition=Channel.syncLeaseUntil == lease,
            add_version_condition=False,
        )
    except UpdateError:  # lapsed and taken by another sync, or unreachable: it lapses
        logger.warning("Could not drop the sync lease of %s", channel.channelId)


def _record(
    channel: Channel,
    *,
    now: datetime,
    error: str | None,
    result: SyncResult | None = None,
    problems: list[str] | None = None,
) -> None:
    """What the channel's page shows: the last sync, and, after a good one, its counts."""
    actions = [Channel.lastSyncAt.set(now)]
    if error is not None:
        actions.append(Channel.lastError.set(error[:500]))
    else:
        held = channel_events(channel.channelId)
        overbooked = sum(1 for e in held if e.overbooked and e.bookingId)
        too_long = sum(1 for e in held if too_long_pending(e, today=hotel_today(now)))
        actions += [
            Channel.lastError.remove(),
            Channel.lastGoodSyncAt.set(now),
            Channel.lastCounts.set(result.as_dict() if result else {}),
            Channel.problems.set((problems or [])[:MAX_PROBLEMS]),
            Channel.heldBack.set(bool(result and result.held_back)),
            Channel.overbooked.set(overbooked),
            Channel.tooLong.set(too_long),
        ]
    channel.update(actions=actions, add_version_condition=False)
