"""OTA channels in the back office: the list with each calendar's last sync and (for
managers) the register form, a channel's page with the events it imported, and the "Sync
now" button. The desk reads and syncs (channels.view_channel, channels.sync_channel);
managers register calendars, mark sold-twice stays resolved and events too long for one
booking handled (channels.change_channel).
The rules are bookings.channels' services: these views parse, call one and render.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.channels import selectors, services
from bookings.channels.errors import ChannelNotFound
from bookings.channels.feed import CHANNELS, MAX_UID
from bookings.channels.limits import stay_limit
from bookings.channels.models import Channel, ChannelEvent
from bookings.channels.sync import SyncResult, channel_sync
from bookings.channels.too_long import too_long_pending
from bookings.clock import hotel_today
from bookings.models import Booking
from hotel.dynamo_admin import who
from hotel.errors import DomainError, ValidationFailed
from rooms.room_types import room_types_all

from .common import admin_site, base_context, day_label

CHANNEL_LABELS = {"airbnb": "Airbnb", "booking": "Booking.com", "vrbo": "Vrbo", "other": "Other"}
MAX_CHANNEL_ID = 64  # CH- and 12 hex digits; anything longer is not one of ours
MAX_SYNC_LINES = 5  # problem lines shown as messages after a sync (the page lists them all)

# --- who may do what ------------------------------------------------------------------------------


def may_view_channels(request) -> bool:
    return request.user.has_perm("channels.view_channel")


def may_sync_channels(request) -> bool:
    return request.user.has_perm("channels.sync_channel")


def may_change_channels(request) -> bool:
    return request.user.has_perm("channels.change_channel")


# --- how the pages write a channel ----------------------------------------------------------------


def channel_url(channel_id: str) -> str:
    return reverse("admin:backoffice_channel") + "?" + urlencode({"id": channel_id})


def stay_label(check_in: str, check_out: str, *, today: date) -> str:
    """A stay's dates as people say them: "5–8 Dec", "30 Nov – 2 Dec", with the year when
    it is not this year's."""
    first, last = date.fromisoformat(check_in), date.fromisoformat(check_out)
    year = "" if first.year == last.year == today.year else f" {last.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b}{year}"
    head = f"{first.day} {first:%b}" + (f" {first.year}" if first.year != last.year else "")
    return f"{head} – {last.day} {last:%b}{year}"


def counts_label(counts: dict | None) -> str:
    """The last good sync's counts in a line: "2 created · 1 moved · 0 released · …"."""
    if not counts:
        return ""
    parts = [
        f"{counts.get('created', 0)} created",
        f"{counts.get('updated', 0)} moved",
        f"{counts.get('released', 0)} released",
        f"{counts.get('unchanged', 0)} unchanged",
    ]
    if counts.get("closures"):
        parts.append(f"{counts['closures']} closure(s) recorded")
    if counts.get("tooLong"):
        parts.append(f"{counts['tooLong']} too long")
    return " · ".join(parts)


def too_long_text(event: ChannelEvent, *, today: date) -> str:
    """What staff read about an event too long for one booking, and what to do."""
    flag = event.tooLong
    dates = stay_label(flag["checkIn"], flag["checkOut"], today=today)
    asked = f"{dates} ({flag['nights']} nights)"
    limit = flag.get("maxNights") or stay_limit()
    too_long = f"more than {limit} nights, too long for one booking"
    if flag.get("byHand"):
        return (
            f"stay booked by hand, changed on the channel to {asked}: adjust the booking made "
            "by hand, then mark it handled. Nothing was imported."
        )
    if event.bookingId:
        held = stay_label(event.checkIn, event.checkOut, today=today)
        return (
            f"stay {held} (booking {event.bookingId}) moved on the channel to {asked}: "
            f"{too_long}. The stay was kept as it was: change it by hand or split it."
        )
    return f"stay {asked}: {too_long}. Nothing was taken for it: book it by hand or split it."


def type_names() -> dict[str, str]:
    return {t.roomType: t.name or t.roomType for t in room_types_all(cached=True)}


def _row(channel: Channel, names: dict[str, str]) -> dict:
    return {
        "channel": channel,
        "url": channel_url(channel.channelId),
        "kind": CHANNEL_LABELS.get(channel.kind, channel.kind),
        "room_type": names.get(channel.roomType, channel.roomType),
        "counts": counts_label(channel.lastCounts),
        "failed": bool(channel.lastError),
    }


# --- the register form ----------------------------------------------------------------------------


class ChannelForm(forms.Form):
    """What a manager types; every rule (length, address, type) is channel_create's, so its
    ValidationFailed shows every field's problem at once."""

    name = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 80, "class": "vTextField"}),
        help_text="What the desk calls it, e.g. “Airbnb – garden flat”.",
    )
    url = forms.CharField(
        label="Calendar URL",
        required=False,
        widget=forms.URLInput(
            attrs={"class": "vURLField", "placeholder": "https://…/calendar.ics"}
        ),
        help_text="The channel's iCal export link (on Airbnb: Availability → Connect "
        "calendars → Export calendar).",
    )
    roomType = forms.ChoiceField(label="Room type")
    kind = forms.ChoiceField(
        label="Channel",
        required=False,
        choices=[("", "Guess from the name")] + [(k, CHANNEL_LABELS.get(k, k)) for k in CHANNELS],
        help_text="How it writes its calendar: which events are guests and which are closures.",
    )
    importClosures = forms.BooleanField(
        label="Import closures",
        required=False,
        help_text="Also take a room for the channel's “not available” dates (usually the echo "
        "of this hotel's own calendar: leave it off).",
    )

    def __init__(self, *args, names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roomType"].choices = list(names.items())


# The service's name for a field when it is not the form's.
_FIELD_NAMES = {"channel": "kind"}


def _form_errors(form: forms.Form, exc: ValidationFailed) -> None:
    fields = (exc.details or {}).get("fields") or {}
    if not fields:
        form.add_error(None, exc.message)
    for name, problems in fields.items():
        field = _FIELD_NAMES.get(name, name)
        for problem in problems:
            if field in form.fields:
                form.add_error(field, problem)
            else:
                form.add_error(None, f"{name}: {problem}")


# --- the pages ------------------------------------------------------------------------------------


def channels_view(request):
    """Every channel with its last sync; POST (managers) registers a calendar."""
    names = type_names()
    can_change = may_change_channels(request)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = None
    if can_change:
        form = ChannelForm(request.POST if request.method == "POST" else None, names=names)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            channel = services.channel_create(
                name=data["name"],
                url=data["url"],
                room_type=data["roomType"],
                kind=data["kind"] or None,
                import_closures=data["importClosures"],
                **who(request),
            )
        except ValidationFailed as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"{channel.name} is registered: sync it now to import its calendar."
            )
            return HttpResponseRedirect(channel_url(channel.channelId))
    context = base_context(
        request,
        title="Channels",
        rows=[_row(c, names) for c in selectors.channels_list()],
        form=form,
        can_sync=may_sync_channels(request),
        can_release=may_change_channels(request),
        sync_url=reverse("admin:backoffice_channel_sync"),
    )
    return TemplateResponse(request, "admin/backoffice/channels.html", context)


def _channel_or_none(channel_id: str) -> Channel | None:
    if not channel_id or len(channel_id) > MAX_CHANNEL_ID:
        return None  # DynamoDB refuses an empty key outright; nothing longer is a channel
    try:
        return selectors.channel_get(channel_id, consistent=True)
    except ChannelNotFound:
        return None


def _no_such_channel(request):
    messages.error(request, "No such channel.")
    return HttpResponseRedirect(reverse("admin:backoffice_channels"))


def channel_view(request):
    """One channel: its events and the feed's problems; POST action=resolve (managers)."""
    if request.method == "POST" and not may_change_channels(request):
        raise PermissionDenied
    channel = _channel_or_none(request.GET.get("id", ""))
    if channel is None:
        return _no_such_channel(request)
    if request.method == "POST":
        _resolve(request, channel)
        return HttpResponseRedirect(channel_url(channel.channelId))
    today = hotel_today(timezone.now())
    booking_admin = admin_site().get_model_admin(Booking)
    events = sorted(selectors.channel_events(channel.channelId), key=lambda e: (e.checkIn, e.uid))
    context = base_context(
        request,
        title=channel.name,
        row=_row(channel, type_names()),
        events=[
            {
                "event": e,
                "dates": stay_label(e.checkIn, e.checkOut, today=today),
                "first": day_label(date.fromisoformat(e.checkIn)),
                "nights": (date.fromisoformat(e.checkOut) - date.fromisoformat(e.checkIn)).days,
                "booking_url": booking_admin.object_url(e.bookingId) if e.bookingId else None,
                "too_long": e.tooLong and too_long_text(e, today=today),
                "too_long_pending": too_long_pending(e, today=today),
            }
            for e in events
        ],
        can_sync=may_sync_channels(request),
        can_change=may_change_channels(request),
        sync_url=reverse("admin:backoffice_channel_sync"),
        list_url=reverse("admin:backoffice_channels"),
    )
    return TemplateResponse(request, "admin/backoffice/channel.html", context)


_RESOLVE = {
    "resolve": (services.channel_conflict_resolve, "Marked resolved"),
    "handled": (services.channel_too_long_resolve, "Marked handled"),
}


def _resolve(request, channel: Channel) -> None:
    if request.POST.get("action") not in _RESOLVE:
        messages.error(request, "Choose what to do.")
        return
    resolve, done = _RESOLVE[request.POST["action"]]
    uid = request.POST.get("uid", "")
    if not uid or len(uid) > MAX_UID:
        messages.error(request, "No such event.")
        return
    try:
        event = resolve(channel_id=channel.channelId, uid=uid, **who(request))
    except DomainError as exc:
        problems = [p for ps in (exc.details.get("fields") or {}).values() for p in ps]
        messages.error(request, " ".join(problems) or exc.message)
    else:
        label = stay_label(event.checkIn, event.checkOut, today=hotel_today(timezone.now()))
        messages.success(request, f"{done}: the {channel.name} stay {label}.")


def channel_sync_view(request):
    """POST: sync a channel now (confirm_empty=1: release what an empty calendar dropped)."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("admin:backoffice_channels"))
    channel = _channel_or_none(request.POST.get("id", ""))
    if channel is None:
        return _no_such_channel(request)
    back = (
        channel_url(channel.channelId)
        if request.POST.get("next") == "channel"
        else reverse("admin:backoffice_channels")
    )
    try:
        result = channel_sync(
            channel_id=channel.channelId,
            now=timezone.now(),
            # Releasing every stay an empty calendar dropped is a manager's decision.
            confirm_empty=request.POST.get("confirm_empty") == "1" and may_change_channels(request),
        )
    except DomainError as exc:  # running elsewhere, switched off, gone
        messages.error(request, f"{channel.name}: {exc.message}")
        return HttpResponseRedirect(back)
    # A fetch that failed changed nothing and left its error on the channel (bookings.channels
    # .sync._record); the result alone cannot tell it from a feed whose events were all bad.
    after = _channel_or_none(channel.channelId)
    failed = after is not None and bool(after.lastError)
    for level, text in sync_messages(result, name=channel.name, failed=failed):
        messages.add_message(request, level, text)
    return HttpResponseRedirect(back)


def sync_messages(result: SyncResult, *, name: str, failed: bool) -> list[tuple[int, str]]:
    """What the desk reads after "Sync now": the counts, or why it failed, and the problems."""
    if failed:
        reason = "; ".join(result.errors) or "unknown error"
        return [(messages.ERROR, f"{name}: the sync failed ({reason}). Nothing was changed.")]
    counts = (
        f"Synchronised: {result.created} created, {result.updated} moved, "
        f"{result.released} released"
    )
    if result.closures:
        counts += f", {result.closures} closure(s) recorded"
    if result.echoes:
        counts += f", {result.echoes} kept as likely echoes of this hotel's calendar"
    out = [(messages.SUCCESS, f"{counts} ({name}).")]
    if result.too_long:
        out.append(
            (
                messages.WARNING,
                f"{result.too_long} stay(s) are longer than {stay_limit()} nights, too long "
                "for one booking: not imported, or not moved to those dates. Book them by hand "
                "or split them (see the channel's page).",
            )
        )
    if result.overbooked:
        out.append(
            (
                messages.WARNING,
                f"{result.overbooked} stay(s) were sold twice: imported while no room of "
                "the type was left. Move a guest, then mark them resolved.",
            )
        )
    for line in result.errors[:MAX_SYNC_LINES]:
        out.append((messages.WARNING, line))
    if len(result.errors) > MAX_SYNC_LINES:
        more = len(result.errors) - MAX_SYNC_LINES
        out.append((messages.WARNING, f"… and {more} more: see the channel's page."))
    return out
