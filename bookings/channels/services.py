"""Registering channels (OTA calendars), changing them, and resolving their conflicts (stays
sold twice, events too long for one booking)."""

from __future__ import annotations

import secrets
from datetime import datetime

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import ValidationFailed
from hotel.outbound import OutboundRefused, check_url
from rooms.room_types import room_types_all

from ..clock import hotel_today
from ..services.common import booking_audit, booking_read, booking_snapshot
from .feed import CHANNELS
from .models import Channel, ChannelEvent
from .selectors import channel_events, channel_get
from .stays import OVERBOOKED
from .too_long import too_long_pending

# What a channel's name or URL says about how it writes its calendar (feed.classify).
_HINTS = (("airbnb", "airbnb"), ("booking", "booking"), ("vrbo", "vrbo"), ("homeaway", "vrbo"))


def channel_kind_guess(name: str, url: str) -> str:
    """airbnb, booking, vrbo or other, from the name staff gave or the calendar's address."""
    text = f"{name} {url}".lower()
    return next((kind for hint, kind in _HINTS if hint in text), "other")


def _room_type_code(value: str) -> str | None:
    """The type's code from its code or its name, as staff type it ("Deluxe", "DELUXE")."""
    kinds = room_types_all()
    for test in (
        lambda t: t.roomType == value,
        lambda t: t.roomType.lower() == value.lower(),
        lambda t: (t.name or "").lower() == value.lower(),
    ):
        found = [t.roomType for t in kinds if test(t)]
        if len(found) == 1:
            return found[0]
    return None


def _checked(fields: dict, errors: dict) -> dict:
    """The fields as stored, and every field's problem in `errors`."""
    out = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not 1 <= len(name) <= 80:
            errors["name"] = ["Between 1 and 80 characters."]
        out["name"] = name
    if "url" in fields:
        url = (fields["url"] or "").strip()
        try:
            out["url"] = check_url(url)
        except OutboundRefused as refused:
            errors["url"] = [str(refused)]
    if "roomType" in fields:
        code = _room_type_code(str(fields["roomType"] or ""))
        if code is None:
            errors["roomType"] = [f"No room type {str(fields['roomType'])[:40]} exists."]
        out["roomType"] = code
    if fields.get("kind") is not None:
        if fields["kind"] not in CHANNELS:
            errors["channel"] = [f"Choose one of: {', '.join(CHANNELS)}."]
        out["kind"] = fields["kind"]
    for flag in ("importClosures", "active"):
        if fields.get(flag) is not None:
            out[flag] = bool(fields[flag])
    return out


def channel_create(
    *,
    name: str,
    url: str,
    room_type: str,
    kind: str | None = None,
    import_closures: bool = False,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> Channel:
    """Register an external calendar for a room type (the first sync is the caller's).
    Raises ValidationFailed (every field's problem at once)."""
    errors: dict = {}
    values = _checked(
        {"name": name, "url": url, "roomType": room_type, "kind": kind,
         "importClosures": import_closures},
        errors,
    )  # fmt: skip
    if errors:
        raise ValidationFailed(details={"fields": errors})
    channel = Channel(
        channelId=f"CH-{secrets.token_hex(6).upper()}",
        name=values["name"],
        kind=values.get("kind") or channel_kind_guess(values["name"], values["url"]),
        url=values["url"],
        roomType=values["roomType"],
        importClosures=values.get("importClosures", False),
        active=True,
        createdAt=now,
        createdBy=actor,
    )

    def build(tx):
        tx.save(channel, condition=Channel.channelId.does_not_exist())
        _audit(tx, channel, "create", None, actor, now, request_id)

    commit(build, refused=lambda: ValidationFailed("Try again."))
    return channel


def channel_update(
    *, channel_id: str, changes: dict, actor: str, now: datetime, request_id=None
) -> Channel:
    """Change a channel's name, URL, kind, closures import, or switch it on or off (its
    imported stays stay as they are; the next sync reconciles). Raises ChannelNotFound,
    ValidationFailed."""
    errors: dict = {}
    values = _checked(changes, errors)
    if errors:
        raise ValidationFailed(details={"fields": errors})
    channel = channel_get(channel_id, consistent=True)
    before = _snapshot(channel)
    for key, value in values.items():
        setattr(channel, key, value)

    def build(tx):
        tx.save(channel)  # conditional on its version
        _audit(tx, channel, "change", before, actor, now, request_id)

    commit(build, refused=lambda: ValidationFailed("The channel changed meanwhile; reload it."))
    return channel


def channel_conflict_resolve(
    *, channel_id: str, uid: str, actor: str, now: datetime, request_id=None
) -> ChannelEvent:
    """Staff resolved an overbooked import (moved a guest, cancelled the other booking):
    the flag leaves the event and its booking, audited. Raises ChannelNotFound."""
    channel, event = _event_of(channel_id, uid)
    if not event.overbooked:
        return event  # resolved already (by someone else, or twice): nothing to count
    event.overbooked = None
    booking = booking_read(event.bookingId) if event.bookingId else None
    before = booking_snapshot(booking) if booking else None
    if booking is not None:
        booking.flags = [f for f in booking.flags or [] if f.get("flag") != OVERBOOKED] or None
        booking.updatedAt = now

    def build(tx):
        tx.save(event)  # conditional on the version read: resolved once
        if booking is not None:
            tx.save(booking)
            tx.save(booking_audit(booking, "flag-resolved:overbooked", before, actor, now,
                                  request_id))  # fmt: skip

    commit(build, refused=lambda: ValidationFailed("The booking changed meanwhile; reload it."))
    # The dashboard's count, recounted from the events (consistent): never lowered twice.
    left = sum(1 for e in channel_events(channel.channelId) if e.overbooked and e.bookingId)
    channel.update(actions=[Channel.overbooked.set(left)], add_version_condition=False)
    return event


def channel_too_long_resolve(
    *, channel_id: str, uid: str, actor: str, now: datetime, request_id=None
) -> ChannelEvent:
    """Staff booked an event too long for one booking by hand (or split it): its flag leaves
    the dashboard, audited. The sync still does not import those dates (too_long); dates
    changed by the channel are planned afresh. Raises ChannelNotFound, ValidationFailed."""
    channel, event = _event_of(channel_id, uid)
    if not too_long_pending(event, today=hotel_today(now)):
        return event  # handled already, or nothing to handle
    before = dict(event.tooLong)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    event.tooLong = {**before, "resolvedAt": stamp, "resolvedBy": actor}

    def build(tx):
        tx.save(event)  # conditional on the version read: handled once
        audit_add(
            tx, actor=actor, action="flag-resolved:tooLong", object_type="bookings.channel",
            object_id=channel.channelId, before={"uid": uid, "tooLong": before},
            after={"uid": uid, "tooLong": event.tooLong}, now=now, request_id=request_id,
        )  # fmt: skip

    commit(build, refused=lambda: ValidationFailed("The event changed meanwhile; reload it."))
    today = hotel_today(now)
    left = sum(1 for e in channel_events(channel.channelId) if too_long_pending(e, today=today))
    channel.update(actions=[Channel.tooLong.set(left)], add_version_condition=False)
    return event


def _event_of(channel_id: str, uid: str) -> tuple[Channel, ChannelEvent]:
    """Raises ChannelNotFound, ValidationFailed (no such event)."""
    channel = channel_get(channel_id)
    if not isinstance(uid, str) or not 1 <= len(uid) <= 255:
        raise ValidationFailed(details={"fields": {"uid": ["No such event."]}})
    try:
        return channel, ChannelEvent.get(channel_id, uid, consistent_read=True)
    except ChannelEvent.DoesNotExist:
        raise ValidationFailed(details={"fields": {"uid": ["No such event."]}}) from None


def _snapshot(channel: Channel) -> dict:
    return {
        "name": channel.name,
        "kind": channel.kind,
        "url": channel.url,
        "roomType": channel.roomType,
        "importClosures": bool(channel.importClosures),
        "active": bool(channel.active),
    }


def _audit(tx, channel, action, before, actor, now, request_id) -> None:
    audit_add(
        tx,
        actor=actor,
        action=action,
        object_type="bookings.channel",
        object_id=channel.channelId,
        before=before,
        after=_snapshot(channel),
        now=now,
        request_id=request_id,
    )
