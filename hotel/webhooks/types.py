"""The webhook types the domain apps registered: what a subscription may ask for, and which
API-key scopes a subscription to them needs.

The platform names no type itself. Each app registers, from its AppConfig.ready(), the domain
event a type comes from, how to render that event's object and which of the object's fields
names whose data it carries (hotel.webhooks.publish).

A delivery carries the whole object, so an API key (scope webhooks:manage) subscribes only to
the types its other scopes let it read: TYPE_SCOPES, by the family a type's name starts with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from hotel.api.scopes import BOOKINGS_READ, FOLIO_WRITE
from hotel.events import Event

Render = Callable[[Event], dict | None]

# (the start of a type's name, the scope a key needs to receive it); a type may need several.
TYPE_SCOPES: tuple[tuple[str, str], ...] = (
    ("booking.", BOOKINGS_READ),
    ("guest.", BOOKINGS_READ),
    ("payment.", FOLIO_WRITE),
    ("folio.", FOLIO_WRITE),
)


@dataclass(frozen=True)
class WebhookType:
    name: str  # booking.created
    domain_event: str  # BookingCreated
    render: Render  # the object the payload's `data` carries; None: it is gone, send nothing
    # The field of that object whose value the delivery is filed under (`subject`): the
    # object whose personal data it carries, which a guest's erasure finds it by. None: none.
    subject: str | None = None


_by_name: dict[str, WebhookType] = {}
_by_domain_event: dict[str, WebhookType] = {}


def type_register(
    *, name: str, domain_event: str, render: Render, subject: str | None = None
) -> WebhookType:
    """Add a type (registering the same one again changes nothing). Raises
    ImproperlyConfigured when the name or the domain event already means something else."""
    kind = WebhookType(name=name, domain_event=domain_event, render=render, subject=subject)
    for known in (_by_name.get(name), _by_domain_event.get(domain_event)):
        if known is not None and (known.name, known.domain_event) != (name, domain_event):
            raise ImproperlyConfigured(
                f"Webhook type {name} from {domain_event} clashes with "
                f"{known.name} from {known.domain_event}."
            )
    _by_name[name] = _by_domain_event[domain_event] = kind
    return kind


def type_names() -> list[str]:
    """Every registered type's name, sorted."""
    return sorted(_by_name)


def type_for_domain_event(domain_event: str) -> WebhookType | None:
    return _by_domain_event.get(domain_event)


def scopes_needed(event_type: str) -> set[str]:
    """The API-key scopes a subscription to `event_type` needs (TYPE_SCOPES)."""
    return {scope for prefix, scope in TYPE_SCOPES if event_type.startswith(prefix)}


def types_outside(events: Iterable[str], *, scopes: Iterable[str]) -> list[str]:
    """The types among `events` that a key holding `scopes` may not receive, in their order."""
    held = set(scopes)
    return [e for e in events if not scopes_needed(e) <= held]
