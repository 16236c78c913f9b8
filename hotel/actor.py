"""Who acts, when, and in which request: the context every audited service call takes.

Services take it as three keyword arguments, `actor=` (a staff member's email, or "guest"),
`now=` and `request_id=` (hotel.middleware.RequestIdMiddleware's id, which the audit entry
keeps). Views build it once from the request:

    actor = actor_from(request)             # the logged-in staff member, else "guest"
    actor = actor_from(request, guest=True)  # a guest page: "guest" even if staff browse it
    services.room_update(room_id=..., data=..., **actor.as_kwargs())

or pass its fields one by one (`actor=actor.who, now=actor.now, request_id=actor.request_id`)
to a service that takes only some of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

GUEST = "guest"
API_KEY_PREFIX = "apikey:"  # an API key's audit name: apikey:<keyId> (hotel.accounts.tokens)


def has_identity(who: str) -> bool:
    """Does this audit name name someone: a staff member (their email) or an API key
    (`apikey:<keyId>`)? Not "guest", nor "system:…", nor a command's or the demo's name.
    Only such entries are in the audit log's staffActor index (hotel.audit.models)."""
    return "@" in who or who.startswith(API_KEY_PREFIX)


@dataclass(frozen=True)
class Actor:
    who: str  # the audit name: a staff member's email, "guest", or a command's name
    now: datetime
    request_id: str | None = None

    def as_kwargs(self) -> dict:
        """The `actor`, `now` and `request_id` keyword arguments of an audited service."""
        return {"actor": self.who, "now": self.now, "request_id": self.request_id}


def actor_from(request, *, guest: bool = False, now: datetime | None = None) -> Actor:
    """The actor of a Django or DRF request: its authenticated user's name, else "guest"
    (always "guest" with `guest=True`); `now` defaults to the clock."""
    user = getattr(request, "user", None)
    who = GUEST
    if not guest and user is not None and user.is_authenticated:
        who = user.get_username()
    return Actor(
        who=who,
        now=now if now is not None else timezone.now(),
        request_id=getattr(request, "request_id", None),
    )
