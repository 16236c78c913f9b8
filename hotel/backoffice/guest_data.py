"""A guest's data on the booking page: "Export guest data (JSON)" for the desk and managers,
"Erase guest data…" for managers, with a confirmation page that asks for the reason.

The work is payments.privacy (guest_export, guest_erase); these views parse, call, render.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from hotel.dynamo_admin import who
from hotel.errors import DomainError
from payments.privacy.access import may_erase, may_export
from payments.privacy.erase import guest_erase
from payments.privacy.export import guest_export
from payments.privacy.gather import guest_booking_ids, profile_get

from .common import base_context


def may_export_guest(request) -> bool:
    return may_export(request.user)


def may_erase_guest(request) -> bool:
    return may_erase(request.user)


def guest_data_context(request, booking: Booking) -> dict:
    """The booking page's "Guest data" panel (nothing when the stay has no profile)."""
    if not booking.profileId or not may_export(request.user):
        return {}
    return {
        "guest_export_url": reverse("admin:backoffice_guest_export", args=[booking.profileId]),
        "guest_erase_url": (
            reverse("admin:backoffice_guest_erase", args=[booking.profileId])
            if may_erase(request.user)
            else None
        ),
    }


def guest_export_view(request, profile_id: str):
    """GET: the guest's data as a JSON file download."""
    try:
        document = guest_export(profile_id=profile_id, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("admin:bookings_booking_changelist"))
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="guest-{profile_id}.json"'
    response["Cache-Control"] = "no-store"
    return response


def guest_erase_view(request, profile_id: str):
    """GET: what an erasure does, and the form (reason, confirmation); POST: erase."""
    if not may_erase(request.user):
        raise PermissionDenied
    try:
        profile = profile_get(profile_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("admin:bookings_booking_changelist"))
    here = reverse("admin:backoffice_guest_erase", args=[profile_id])
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if not reason or request.POST.get("confirm") != "yes":
            messages.error(request, "Give the reason and tick the confirmation to erase.")
            return HttpResponseRedirect(here)
        try:
            result = guest_erase(profile_id=profile_id, reason=reason[:500], **who(request))
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(here)
        messages.success(
            request,
            f"Guest {profile_id} erased: {len(result['bookings'])} booking(s) anonymised; "
            f"invoices kept: {', '.join(result['invoicesKept']) or 'none'}.",
        )
        return HttpResponseRedirect(here)
    context = base_context(
        request,
        title="Erase guest data",
        profile=profile,
        booking_count=len(guest_booking_ids(profile)),
        export_url=reverse("admin:backoffice_guest_export", args=[profile_id]),
    )
    return TemplateResponse(request, "admin/backoffice/guest_erase.html", context)
