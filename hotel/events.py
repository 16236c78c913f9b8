"""Domain events through one bus interface: in-process locally, EventBridge in the cloud.

Services publish only after their write succeeded; a failing publish or handler is
logged and never undoes the write. Events can repeat (EventBridge delivers at least once):
handlers deduplicate on the event's id where they can (webhook deliveries); in the cloud a
failed handler is retried alone (hotel.jobs.domain_event), so the others do not repeat.
The bus is chosen by `settings.HOTEL_EVENT_BUS` (a dotted path).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("hotel.events")

BookingCreated = "BookingCreated"
BookingConfirmed = "BookingConfirmed"
BookingCancelled = "BookingCancelled"
BookingExpired = "BookingExpired"
BookingChanged = "BookingChanged"
GuestCheckedIn = "GuestCheckedIn"
GuestCheckedOut = "GuestCheckedOut"
BookingNoShow = "BookingNoShow"


# The key of a retry's detail (hotel.jobs.domain_event): {"eventId", "handlers"}.
RETRY_KEY = "hotelRetry"


class HandlersFailed(Exception):
    """Some handlers of an event failed; raised so that the event is delivered again."""

    def __init__(self, handlers: list[str], message: str = ""):
        super().__init__(message or f"Event handlers failed: {', '.join(handlers)}")
        self.handlers = handlers


@dataclass(frozen=True)
class Event:
    name: str
    detail: dict
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Unique per event, the same however often it is delivered: EventBridge's own id when the
    # event comes back from the bus (hotel.jobs.domain_event). Handlers deduplicate on it.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


Handler = Callable[[Event], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(*names: str) -> Callable[[Handler], Handler]:
    """Decorator: run the handler for these events (in-process bus; Lambda targets in the cloud)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            if handler not in _handlers[name]:
                _handlers[name].append(handler)
        return handler

    return register


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def dispatch(event: Event, *, only: Collection[str] | None = None) -> list[str]:
    """Run the subscribed handlers (those named in `only`, when given); one failing handler
    does not stop the others. Returns the names of the handlers that failed (logged)."""
    failed = []
    handlers = list(_handlers.get(event.name, ()))
    if only is not None:
        unknown = set(only) - {handler_name(h) for h in handlers}
        if unknown:  # renamed by a deploy while the retry waited: its work would be lost
            logger.error("No handler %s for %s (%s)", sorted(unknown), event.name, event.id)
            failed += sorted(unknown)
    for handler in handlers:
        name = handler_name(handler)
        if only is not None and name not in only:
            continue
        try:
            handler(event)
        except Exception:
            logger.exception("Event handler %s failed for %s", name, event.name)
            failed.append(name)
    return failed


class EventBus:
    """The interface: publish one event. Implementations must not raise on delivery failure."""

    def publish(self, event: Event) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class InProcessBus(EventBus):
    def publish(self, event: Event) -> None:
        dispatch(event)


class EventBridgeBus(EventBus):
    """Publishes to Amazon EventBridge (`PutEvents`); rules route events to handlers there."""

    source = "hotel"

    def __init__(self, client=None, bus_name: str | None = None):
        self._client = client
        self.bus_name = bus_name or getattr(settings, "HOTEL_EVENT_BUS_NAME", "default")

    @property
    def client(self):
        if self._client is None:
            import botocore.session  # boto3 adds nothing a client needs here

            session = botocore.session.get_session()
            self._client = session.create_client("events", region_name=settings.DYNAMODB["region"])
        return self._client

    def entry(self, event: Event) -> dict:
        return {
            "Source": self.source,
            "DetailType": event.name,
            "Detail": json.dumps(event.detail, default=str, sort_keys=True),
            "EventBusName": self.bus_name,
            "Time": event.occurred_at,
        }

    def publish(self, event: Event) -> None:
        try:
            result = self.client.put_events(Entries=[self.entry(event)])
        except Exception:
            logger.exception("EventBridge publish failed for %s", event.name)
            return
        if result.get("FailedEntryCount"):
            logger.error("EventBridge rejected %s: %s", event.name, result.get("Entries"))

    def retry(self, event: Event, handlers: list[str], *, hop: int = 1) -> None:
        """Put `event` back on the bus for `handlers` only (the others did their part): the
        same id and time, the names and the `hop` under RETRY_KEY. Raises when the bus does
        not take it."""
        retry = {"eventId": event.id, "handlers": handlers, "hop": hop}
        detail = {**event.detail, RETRY_KEY: retry}
        entry = self.entry(Event(name=event.name, detail=detail, occurred_at=event.occurred_at))
        result = self.client.put_events(Entries=[entry])
        if result.get("FailedEntryCount"):
            raise HandlersFailed(handlers, f"EventBridge rejected the retry: {result['Entries']}")


class RecordingBus(InProcessBus):
    """Dispatches like the in-process bus and keeps every event (tests, debugging)."""

    def __init__(self):
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)
        super().publish(event)


@cache
def get_bus() -> EventBus:
    return import_string(settings.HOTEL_EVENT_BUS)()


def publish(name: str, **detail) -> None:
    """Publish an event after a successful write. Never raises."""
    try:
        get_bus().publish(Event(name=name, detail=detail))
    except Exception:
        logger.exception("Publishing %s failed", name)
