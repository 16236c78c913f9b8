"""Guests in the admin: the one search box (name, email, phone or reference), a profile's page
with its history of stays and spend, editing it (audited), merging a duplicate into it, and
editing a booking's guest details. Views parse, call one bookings.guests service or selector,
render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from bookings.guests.booking_edit import booking_guest_edit
from bookings.guests.merge import profile_merge
from bookings.guests.selectors import guest_search, profile_get, returning_label
from bookings.guests.services import OBJECT_TYPE, profile_update
from bookings.models import Booking
from bookings.selectors import booking_get
from hotel.audit.selectors import audit_for_object
from hotel.dynamo_admin import who
from hotel.errors import DomainError, NotFound
from hotel.templatetags.money import format_money

from .common import admin_site, base_context, may_change_bookings
from .guest_badges import guest_badges
from .guest_forms import BookingGuestForm, MergeForm, ProfileForm

HISTORY_ROWS = 50


def _booking_url(booking_id: str) -> str:
    return admin_site().get_model_admin(Booking).object_url(booking_id)


def _profile_url(profile_id: str) -> str:
    return reverse("admin:backoffice_guest", kwargs={"profile_id": profile_id})


def guests_view(request):
    """The one search box and its results: profiles with their recent bookings, and bookings
    found without a profile."""
    query = request.GET.get("q", "")[:200]
    result = guest_search(query) if query.strip() else None
    rows, loose = [], []
    if result is not None:
        for profile in result.profiles:
            rows.append(
                {
                    "profile": profile,
                    "url": _profile_url(profile.profileId),
                    "returning": returning_label(profile),
                    "bookings": [
                        {"booking": b, "url": _booking_url(b.bookingId)}
                        for b in result.bookings.get(profile.profileId, [])
                    ],
                }
            )
        badges = guest_badges(result.loose_bookings)
        loose = [
            {"booking": b, "url": _booking_url(b.bookingId), "badge": badges.get(b.bookingId)}
            for b in result.loose_bookings
        ]
    context = base_context(
        request,
        title="Guests",
        query=query,
        search_url=reverse("admin:backoffice_guests"),
        searched=result is not None,
        kind=result.kind if result else "",
        rows=rows,
        loose=loose,
    )
    return TemplateResponse(request, "admin/backoffice/guests.html", context)


def guest_view(request, profile_id: str):
    """A profile: contacts, preferences, notes, the history of stays and spend, its bookings,
    the audit trail; the edit and merge forms for those who change bookings."""
    try:
        profile = profile_get(profile_id=profile_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    ids = list(reversed(profile.bookingIds or []))[:HISTORY_ROWS]
    bookings = {b.bookingId: b for b in Booking.batch_get(ids)} if ids else {}
    can_change = may_change_bookings(request)
    context = base_context(
        request,
        title=f"Guest {profile.name}",
        profile=profile,
        returning=returning_label(profile),
        spend=format_money(profile.spend, profile.currency) if profile.currency else "—",
        history=[{"booking": bookings[b], "url": _booking_url(b)} for b in ids if b in bookings],
        merged_url=_profile_url(profile.mergedInto) if profile.mergedInto else None,
        audit=audit_for_object(object_type=OBJECT_TYPE, object_id=profile_id, limit=20),
        can_change=can_change,
        form=ProfileForm(initial=ProfileForm.initial_for(profile)) if can_change else None,
        merge_form=MergeForm() if can_change else None,
        edit_url=reverse("admin:backoffice_guest_edit", kwargs={"profile_id": profile_id}),
        merge_url=reverse("admin:backoffice_guest_merge", kwargs={"profile_id": profile_id}),
        search_url=reverse("admin:backoffice_guests"),
    )
    return TemplateResponse(request, "admin/backoffice/guest.html", context)


def guest_edit_view(request, profile_id: str):
    """POST: save the profile form (audited). GET goes back to the profile."""
    back = HttpResponseRedirect(_profile_url(profile_id))
    if request.method != "POST":
        return back
    form = ProfileForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not saved: {form.errors.as_text()}")
        return back
    try:
        profile_update(
            profile_id=profile_id,
            changes=form.changes(),
            expected_revision=form.cleaned_data["revision"],
            **who(request),
        )
    except DomainError as exc:
        messages.error(request, f"Not saved: {exc.message}")
    else:
        messages.success(request, "Guest profile saved.")
    return back


def guest_merge_view(request, profile_id: str):
    """POST: merge this profile (the duplicate) into the one named; then show that one."""
    back = HttpResponseRedirect(_profile_url(profile_id))
    if request.method != "POST":
        return back
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the profile to merge into (GP-…).")
        return back
    into = form.cleaned_data["into"].strip().upper()
    try:
        target = profile_merge(profile_id=profile_id, into=into, **who(request))
    except DomainError as exc:
        messages.error(request, f"Not merged: {exc.message}")
        return back
    messages.success(request, f"{profile_id} was merged into {target.profileId}.")
    return HttpResponseRedirect(_profile_url(target.profileId))


def booking_guest_view(request, booking_id: str):
    """A booking's guest details: the form, and on POST the audited edit."""
    try:
        booking = booking_get(booking_id=booking_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if request.method == "POST":
        form = BookingGuestForm(request.POST)
        if form.is_valid():
            try:
                booking_guest_edit(
                    booking_id=booking_id,
                    changes=form.changes(),
                    expected_version=form.cleaned_data["version"],
                    **who(request),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Guest details of {booking_id} saved.")
                return HttpResponseRedirect(_booking_url(booking_id))
    else:
        form = BookingGuestForm(initial=BookingGuestForm.initial_for(booking))
    context = base_context(
        request,
        title=f"Guest details of {booking_id}",
        booking=booking,
        form=form,
        booking_url=_booking_url(booking_id),
    )
    return TemplateResponse(request, "admin/backoffice/booking_guest.html", context)
