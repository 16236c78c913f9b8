"""What each middleware adds to a warm API request, measured layer by layer (`make bench`).

One API request that touches no table (an unknown `/api/…` path: URL resolution and the
JSON 404, so DynamoDB's few milliseconds of jitter do not drown fractions of a millisecond)
goes through Django's WSGI handler built with the first k entries of settings.MIDDLEWARE,
for k = 0 … n, in one process; the median of each stack minus the median of the stack
without that entry is what the entry costs. Stacks are measured in interleaved rounds (every
stack once per round), so the machine's noise falls on all of them alike. Run by
bench/suite.py after its setup. For a 404, CommonMiddleware's APPEND_SLASH resolves the path a
second time (with a slash); a found route does not pay that.
"""

from __future__ import annotations

import io
import logging
import statistics
import sys
import time

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings


def _environ(path: str, host: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "203.0.113.7",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _handler(middleware: list[str]) -> WSGIHandler:
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()  # loads the middleware chain now


def _once(handler: WSGIHandler, path: str, host: str, expect: str) -> float:
    status: list[str] = []
    started = time.perf_counter()
    body = b"".join(handler(_environ(path, host), lambda s, _h, _e=None: status.append(s)))
    elapsed = (time.perf_counter() - started) * 1000
    if not status or not status[0].startswith(expect) or not body:
        raise RuntimeError(f"{path} answered {status or 'nothing'}")
    return elapsed


def middleware_costs(
    path: str = "/api/no-such-thing", *, host: str, expect: str = "404", rounds: int = 1000
) -> dict:
    """Median ms per stack and the cost of each middleware (difference of medians)."""
    full = list(settings.MIDDLEWARE)
    stacks = [full[:k] for k in range(len(full) + 1)]
    handlers = [_handler(stack) for stack in stacks]
    times: list[list[float]] = [[] for _ in stacks]
    logging.disable(logging.WARNING)  # a "Not Found" line per request otherwise
    try:
        for handler in handlers:  # warm-up, not counted
            for _ in range(20):
                _once(handler, path, host, expect)
        for _ in range(rounds):
            for k, handler in enumerate(handlers):
                times[k].append(_once(handler, path, host, expect))
    finally:
        logging.disable(logging.NOTSET)
    medians = [statistics.median(t) for t in times]
    layers = [
        {"middleware": full[k - 1], "ms": round(medians[k] - medians[k - 1], 3)}
        for k in range(1, len(full) + 1)
    ]
    return {
        "path": path,
        "rounds": rounds,
        "noMiddlewareMs": round(medians[0], 3),
        "allMiddlewareMs": round(medians[-1], 3),
        "overheadMs": round(medians[-1] - medians[0], 3),
        "layers": layers,
    }


def print_costs(result: dict) -> None:
    print(
        f"Warm path, layer by layer ({result['path']}, median of {result['rounds']} rounds, "
        f"in-process WSGI): no middleware {result['noMiddlewareMs']} ms, all "
        f"{result['allMiddlewareMs']} ms, overhead {result['overheadMs']} ms"
    )
    for layer in result["layers"]:
        print(f"  {layer['ms']:>+7.3f} ms  {layer['middleware']}")
