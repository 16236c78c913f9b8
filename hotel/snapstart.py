"""Lambda SnapStart: what init prepares before the snapshot, what each restored copy refreshes.

With SnapStart (prod, zappa_settings.json `snap_start`), Lambda runs the init phase once per
published version, snapshots the initialised microVM, and starts new execution environments
by restoring that snapshot; API Gateway calls the `snapstart` alias Zappa keeps on the newest
version, since `$LATEST` is never snapshotted. The runtime calls the hooks registered here
with `snapshot_restore_py` (AWS's runtime-hooks library, part of the managed runtime and
pinned in requirements/lambda.txt for local runs).

Init (`hotel.awslambda.warm_up`, every kind of init) sets Django up, imports the URL conf,
makes the DynamoDB client every table shares and prepares the routes (`prime_routes`): every
URL pattern compiled and the reverse table of the language a request's own work reverses
into, which the first request paid for before (about 25 ms of its 40 here, with Lambda's
init CPU boost in init's favour). Under SnapStart init is paid once per version
rather than once per cold start, so `prime` (only when `AWS_LAMBDA_INITIALIZATION_TYPE` is
`snap-start`) prepares more: the reverse tables of every language, the site's and the back
office's base templates loaded, the event bus's client made, and the payment provider when this
function serves payments. Nothing of it touches the network.

After a restore, `refresh`:
- reseeds `random` from the OS: copies restored from one snapshot would otherwise draw the
  same numbers, so concurrent environments would pick the same hold slots and retry with the
  same jitter (bookings.holds, hotel.dynamo.transactions);
- drops the HTTP connections pooled by the AWS clients: a socket opened before the snapshot
  is dead in a restored copy (the init's Secrets Manager read uses a client of its own that is
  not kept; a future warm-up request might leave one).

What is not refreshed, on purpose: AWS credentials (SnapStart serves them through the
container credentials endpoint, which botocore re-reads when they expire) and the secrets
read from Secrets Manager at init (kept in the encrypted snapshot: a rotated secret reaches
the functions with the next deploy, which publishes a new version and a new snapshot).
`uuid.uuid4`, `secrets` and `os.urandom` draw from the kernel on every call: nothing to do.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable

from snapshot_restore_py import register_after_restore, register_before_snapshot

# Templates every page of the site or the back office extends (a missing one is skipped).
BASE_TEMPLATES = ("site/base.html", "admin/base_site.html", "admin/backoffice/dashboard.html")
# What the apps add to `prime` (the platform knows no app): payments makes its provider.
_primers: list[Callable[[], object]] = []


def primer_register(fn: Callable[[], object]) -> Callable[[], object]:
    """Run `fn` in `prime`, i.e. during a SnapStart init only (an app's ready() registers)."""
    if fn not in _primers:
        _primers.append(fn)
    return fn


def snapstart_init() -> bool:
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def _compile_url_patterns(resolver) -> int:
    """Compile every URL pattern's regex now (Django compiles each on first use)."""
    count = 0
    for entry in resolver.url_patterns:
        entry.pattern.regex  # noqa: B018 - compiles and caches the pattern
        count += 1
        if hasattr(entry, "url_patterns"):
            count += _compile_url_patterns(entry)
    return count


def prime_routes(*, every_language: bool = False) -> list[str]:
    """Compile every URL pattern and fill the URL resolver's reverse tables, which Django
    builds per language on the first `reverse()` in it: every language's with
    `every_language`, else the first language other than the default's (the one
    hotel.site.language reverses an unprefixed path into the first time a URL pattern is
    asked for with GET, the API's included).
    Returns the languages filled."""
    from django.conf import settings
    from django.urls import NoReverseMatch, get_resolver, reverse
    from django.utils import translation

    _compile_url_patterns(get_resolver())
    codes = [code for code, _ in settings.LANGUAGES]
    if not every_language:
        codes = [code for code in codes if code != settings.LANGUAGE_CODE][:1]
    for code in codes:
        with translation.override(code), contextlib.suppress(NoReverseMatch):
            reverse("healthz")  # fills the table whichever URL conf it is (a function's)
    return codes


def prime() -> None:
    """What a request could need, made during a SnapStart init (see the module docstring)."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    from hotel.events import EventBridgeBus, get_bus

    prime_routes(every_language=True)
    for name in BASE_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
    bus = get_bus()
    if isinstance(bus, EventBridgeBus):
        bus.client  # noqa: B018 - makes the botocore client
    for fn in _primers:
        fn()


def _aws_clients() -> list:
    """The AWS clients made so far (none is made here): the shared DynamoDB client, any
    table that kept a connection of its own, the event bus's."""
    from hotel import dynamo
    from hotel.events import EventBridgeBus, get_bus

    connections = [dynamo.connection()] + [
        model._connection.connection
        for model in dynamo.registered_models()
        if model._connection is not None
    ]
    found = [getattr(connection, "_client", None) for connection in connections]
    bus = get_bus()
    if isinstance(bus, EventBridgeBus):
        found.append(bus._client)
    return list({id(client): client for client in found if client is not None}.values())


def drop_pooled_connections() -> int:
    """Close every pooled HTTP connection of the AWS clients (they reconnect on next use)."""
    closed = 0
    for client in _aws_clients():
        session = getattr(getattr(client, "_endpoint", None), "http_session", None)
        if session is not None and hasattr(session, "close"):
            session.close()
            closed += 1
    return closed


@register_before_snapshot
def before_snapshot() -> None:
    drop_pooled_connections()


@register_after_restore
def refresh() -> None:
    random.seed()  # from os.urandom
    drop_pooled_connections()
