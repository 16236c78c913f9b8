"""The webhook types the domain apps registered: what a subscription may ask for.

The platform names no type itself. Each app registers, from its AppConfig.ready(), the domain
event a type comes from and how to render that event's object (hotel.webhooks.publish).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from hotel.events import Event

Render = Callable[[Event], dict | None]


@dataclass(frozen=True)
class WebhookType:
    name: str  # booking.created
    domain_event: str  # BookingCreated
    render: Render  # the object the payload's `data` carries; None: it is gone, send nothing


_by_name: dict[str, WebhookType] = {}
_by_domain_event: dict[str, WebhookType] = {}


def type_register(*, name: str, domain_event: str, render: Render) -> WebhookType:
    """Add a type (registering the same one again changes nothing). Raises
    ImproperlyConfigured when the name or the domain event already means something else."""
    kind = WebhookType(name=name, domain_event=domain_event, render=render)
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
