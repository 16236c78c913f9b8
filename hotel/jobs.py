"""Entry points for Lambda invocations that are not HTTP requests.

Zappa calls these by dotted path: scheduled jobs from `events` in zappa_settings.json
(`{"function": "hotel.jobs.expire_holds", "expression": "rate(5 minutes)"}`; Zappa derives
the function from the rule name, so names must not contain hyphens), and domain events that
EventBridge routes back to the app (`hotel.awslambda.handler` sends them to
`domain_event`). Each is a thin edge: parse the event, call one service, log the outcome.
Django is set up by the Zappa handler before any of these run.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

logger = logging.getLogger("hotel.jobs")

RETRY_PAUSE = 1.0  # seconds before a failed handler of a domain event is tried again
RETRY_ROOM = 12.0  # seconds the second try may need (a webhook handler's inline sends)
RETRY_HOPS = 3  # times a domain event's retry is narrowed and put back on the bus
PUT_TRIES = 3  # PutEvents calls for one retry before the invocation fails


def _command(name: str, *args: str) -> dict:
    """Run a management command, log what it printed, return it (Lambda's result)."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command(name, *args, stdout=out)
    output = out.getvalue().strip()
    logger.info("%s: %s", name, output)
    return {"command": name, "output": output}


def expire_holds(event=None, context=None) -> dict:
    """Every few minutes: expire unpaid holds whose time is up, release their nights
    (`manage.py expire_holds`, whatever else that command's schedule covers)."""
    return _command("expire_holds")


def assign_rooms_evening(event=None, context=None) -> dict:
    """Each evening: give tomorrow's arrivals their rooms (`manage.py assign_rooms`), moving
    stays the product placed as needed, so the desk starts the day with a full list."""
    return _command("assign_rooms")


def send_pending_emails(event=None, context=None) -> dict:
    """Every quarter of an hour: retry guest emails whose first send failed (the outbox)."""
    return _command("send_pending_emails")


def project_stats_nightly(event=None, context=None) -> dict:
    """Nightly: bring the back office's daily counters up to date for everything that changed
    in the last 25 hours, a safety net under the projection that runs after each write."""
    return _command("project_stats", "--minutes", "1500")


def night_audit_nightly(event=None, context=None) -> dict:
    """Each night: close yesterday's business day (`manage.py night_audit`): no-shows, the
    bills brought up to date, the day closed and its report. Idempotent, so a retried or
    doubled run changes nothing."""
    return _command("night_audit")


def reconcile_payments(event=None, context=None) -> dict:
    """Every 10 minutes: settle payments still open 10 minutes after they were opened from
    what the provider says (`manage.py reconcile_payments`): money taken whose answer and
    webhook were both lost (a crash between the charge and its record) ends recorded.
    Idempotent with the webhooks and with itself."""
    return _command("reconcile_payments")


def erase_expired_ids(event=None, context=None) -> dict:
    """Daily: erase the ID documents and signatures of online check-ins whose retention
    (HOTEL_ID_RETENTION_DAYS after check-out) is over. Idempotent."""
    return _command("erase_expired_ids")


def invite_online_check_in(event=None, context=None) -> dict:
    """Daily: invite the guests arriving in two days to check in online, each booking once."""
    return _command("invite_online_check_in")


def release_blocks_daily(event=None, context=None) -> dict:
    """Each day, early in the hotel's morning: release the group blocks whose release date
    has come (`manage.py release_blocks`): their unpicked rooms go back on general sale.
    Idempotent night by night, so a retried, doubled or interrupted run is harmless."""
    return _command("release_blocks")


def is_domain_event(event) -> bool:
    """True for an EventBridge event that `hotel.events.EventBridgeBus` published."""
    return (
        isinstance(event, dict)
        and event.get("source") == "hotel"
        and isinstance(event.get("detail-type"), str)
        and isinstance(event.get("detail"), dict)
    )


def domain_event(event, context=None) -> dict:
    """Run the in-process subscribers (guest emails, webhooks) for one EventBridge event.

    In the cloud, services publish to EventBridge instead of calling handlers directly; a rule
    on the bus (`source: hotel`) invokes the function with the event, and this dispatches it.

    A failing handler must not lose its work, and the others must not repeat theirs (a guest
    email is not idempotent). Handlers that failed are tried once more after RETRY_PAUSE (when
    the invocation has the time); those still failing are put back on the bus as a retry of
    this event that names only them (the same event id and time, so webhook deliveries stay
    keyed on them). A retry whose handlers all fail again raises HandlersFailed: Lambda
    invokes that same retry twice more, with its own backoff, then hands it to the on-failure
    destination, the dead-letter queue (infra/events.yaml); nothing that succeeded runs again.
    A retry of which only some fail is narrowed again on the bus (at most RETRY_HOPS times).
    If the bus refuses a retry (after PUT_TRIES), this raises and Lambda runs the invocation
    again, repeating the handlers that had succeeded: the one case an email can go twice.
    """
    from hotel.events import RETRY_KEY, Event, HandlersFailed, dispatch, get_bus

    detail = dict(event["detail"])
    retry = detail.pop(RETRY_KEY, None)
    retry = retry if isinstance(retry, dict) else None
    only = retry.get("handlers") if retry else None
    hops = int(retry.get("hop", 1)) if retry and only is not None else 0
    event_id = (retry or {}).get("eventId") or event.get("id")
    occurred: datetime | None = parse_datetime(event.get("time") or "")
    handled = Event(
        name=event["detail-type"],
        detail=detail,
        occurred_at=occurred or timezone.now(),
        **({"id": str(event_id)} if event_id else {}),
    )
    failed = dispatch(handled, only=only)
    if failed and _seconds_left(context) > RETRY_PAUSE + RETRY_ROOM:
        time.sleep(RETRY_PAUSE)
        failed = dispatch(handled, only=failed)
    if not failed:
        return {"dispatched": event["detail-type"]}
    bus = get_bus()
    narrower = only is None or set(failed) < set(only)
    if not (narrower and hops < RETRY_HOPS and hasattr(bus, "retry")):
        raise HandlersFailed(failed)  # exactly these run again: Lambda's retries, then the DLQ
    for put in range(PUT_TRIES):
        try:
            bus.retry(handled, failed, hop=hops + 1)
            break
        except Exception:
            if put == PUT_TRIES - 1:
                raise
            time.sleep(0.2 * (put + 1))
    logger.warning("Handlers %s of %s failed; put back on the bus", failed, handled.id)
    return {"dispatched": event["detail-type"], "retrying": failed}


def _seconds_left(context) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 if remaining else float("inf")


def send_webhooks(event=None, context=None) -> dict:
    """Every minute: retry the webhook deliveries that are due (`manage.py send_webhooks`);
    the first attempt of each left when its event was handled. Claims make overlapping runs
    safe. No attempt starts that could not finish before the invocation's own timeout."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return _command("send_webhooks")
    return _command("send_webhooks", f"--seconds-left={remaining() / 1000:.1f}")


def sync_channels(event=None, context=None) -> dict:
    """Every quarter of an hour: fetch every active OTA calendar and reconcile its stays
    (`manage.py sync_channels`). A failed fetch changes nothing; a channel already being
    synchronised (staff's "sync now") is skipped."""
    return _command("sync_channels")
