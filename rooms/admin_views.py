"""The housekeeping board, an admin page: every room's housekeeping state, changed in one tap.

Phone-first (room attendants carry phones); each change goes through
rooms.services.room_set_housekeeping (validated and audited). Registered in rooms/admin.py.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from hotel.dynamo_admin import who
from hotel.errors import DomainError

from .models import HOUSEKEEPING_LABELS, HOUSEKEEPING_STATES
from .selectors import rooms_all
from .services import room_set_housekeeping

# What each state means on the board (and why out of service differs from out of order).
HOUSEKEEPING_HINTS = {
    "clean": "Cleaned, waiting for inspection.",
    "dirty": "Needs cleaning (set by check-out).",
    "inspected": "Checked by a supervisor: ready for the next guest.",
    "out_of_service": "Small job pending; still sold, but not given to an arriving guest.",
    "out_of_order": "Under repair: not sold until it is back.",
}


def may_change_room_status(request) -> bool:
    return request.user.has_perm("rooms.change_room_status")


def housekeeping_view(request):
    """GET: the board (optionally one state or one floor). POST: set a room's state."""
    # Imported here, not at the top: hotel.admin_site autodiscovers rooms/admin.py, which
    # imports this module, so loading this module first would re-enter it half-built.
    from hotel.admin_site import site

    url = reverse("admin:backoffice_housekeeping")
    if request.method == "POST":
        room_id = request.POST.get("room_id", "")[:40]
        state = request.POST.get("state", "")
        try:
            room = room_set_housekeeping(room_id=room_id, state=state, **who(request))
        except DomainError as exc:
            fields = (exc.details or {}).get("fields") or {}
            detail = " ".join(m for msgs in fields.values() for m in msgs) or exc.message
            messages.error(request, f"Room {room_id}: {detail}")
        else:
            messages.success(
                request, f"Room {room.roomId} is now {HOUSEKEEPING_LABELS[state].lower()}."
            )
        keep = {k: request.POST[k] for k in ("state_filter", "floor") if request.POST.get(k)}
        if "state_filter" in keep:
            keep["state"] = keep.pop("state_filter")
        return HttpResponseRedirect(
            url + (f"?{urlencode(keep)}" if keep else "") + f"#room-{room_id}"
        )

    rooms = rooms_all()
    counts = Counter(room.housekeeping for room in rooms)
    state_filter = request.GET.get("state", "")
    floor_filter = request.GET.get("floor", "")
    shown = [
        room
        for room in rooms
        if (not state_filter or room.housekeeping == state_filter)
        and (not floor_filter or str(room.floorNumber) == floor_filter)
    ]
    floors: dict[int, list[dict]] = {}
    for room in shown:
        floors.setdefault(room.floorNumber, []).append(
            {
                "room": room,
                "state": room.housekeeping,
                "label": HOUSEKEEPING_LABELS.get(room.housekeeping, room.housekeeping),
                "choices": [
                    (state, HOUSEKEEPING_LABELS[state])
                    for state in HOUSEKEEPING_STATES
                    if state != room.housekeeping
                ],
            }
        )
    context = {
        **site.each_context(request),
        "title": "Housekeeping",
        "subtitle": None,
        "floors": sorted(floors.items()),
        "states": [
            {
                "state": state,
                "label": HOUSEKEEPING_LABELS[state],
                "hint": HOUSEKEEPING_HINTS[state],
                "count": counts.get(state, 0),
                "url": url + "?" + urlencode({"state": state}),
                "active": state == state_filter,
            }
            for state in HOUSEKEEPING_STATES
        ],
        "all_floors": sorted({room.floorNumber for room in rooms}),
        "state_filter": state_filter,
        "floor_filter": floor_filter,
        "board_url": url,
        "total": len(rooms),
        "shown": len(shown),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/backoffice/housekeeping.html", context)
