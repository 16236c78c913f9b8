"""A fault-injecting HTTP proxy in front of DynamoDB Local (tests only).

It forwards DynamoDB's JSON protocol (POST, `X-Amz-Target: DynamoDB_20120810.<Op>`) byte for
byte (DynamoDB Local does not check signatures) and, for a seeded random `rate` of the
requests, does one of these instead:

- `throughput`: 400 ProvisionedThroughputExceededException (nothing written);
- `throttling`: 400 ThrottlingException (nothing written);
- `conflict` (TransactWriteItems only): 400 TransactionCanceledException whose
  CancellationReasons hold one entry per item of the request, one of them TransactionConflict,
  the others None (nothing written);
- `timeout`: forwards the request (the write happens), then holds the answer for `delay`
  seconds — longer than the app's botocore read timeout (hotel.dynamo.config: 5 s), so the
  client gives up not knowing the write happened;
- `drop_before`: closes the connection without forwarding (nothing written);
- `drop_after`: forwards the request, then closes the connection without answering (the
  write happened, the client never learns it).

`plan(operation, *kinds, matching=…)` queues faults for the next requests of `operation`
(whose body contains `matching`, e.g. a table name; None: one forwarded untouched), drawn
before the random ones: a scripted sequence for a focused test.
`on_request(operation, action, after=…, matching=…, nth=…)` runs `action()` once, at the nth
next matching request: before forwarding it (DynamoDB never sees it) or, with `after`, once
DynamoDB has answered and before the answer goes back; the connection is then closed
unanswered (`unhook()` forgets hooks not run). A crash test's `action` SIGKILLs the app server
(test_crash_points.py): a crash at an exact point of a request.
`faults` counts what was injected by (kind, operation), `requests` every request by operation.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

KINDS = ("throughput", "throttling", "conflict", "timeout", "drop_before", "drop_after")
_DDB = "com.amazonaws.dynamodb.v20120810#"
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer"}
_HOP_BY_HOP |= {"upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization"}


def fault_error(kind: str, body: bytes, rng: random.Random) -> dict:
    """The JSON error DynamoDB answers for an error `kind` of a request with `body`."""
    if kind == "throughput":
        return {
            "__type": f"{_DDB}ProvisionedThroughputExceededException",
            "message": "The level of configured provisioned throughput for the table was "
            "exceeded. Consider increasing your provisioning level with the UpdateTable API.",
        }
    if kind == "throttling":
        return {
            "__type": "com.amazon.coral.availability#ThrottlingException",
            "message": "Rate of requests exceeds the allowed throughput.",
        }
    items = len(json.loads(body or b"{}").get("TransactItems") or [None])
    conflicted = rng.randrange(items)
    reason = (  # "throttled_cancel" (planned only): one item's partition was throttled
        {"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity."}
        if kind == "throttled_cancel"
        else {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
    )
    reasons = [reason if i == conflicted else {"Code": "None"} for i in range(items)]
    codes = ", ".join(r["Code"] for r in reasons)
    return {
        "__type": f"{_DDB}TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific "
        f"reasons [{codes}]",
        "CancellationReasons": reasons,
    }


class FaultProxy:
    """`FaultProxy(upstream, rate=0.15, seed=1).start()`; `.url` is the endpoint to give the
    app; `rate` may be changed while it runs (0: a plain proxy); `stop()` ends it (requests
    held for a `timeout` are then dropped)."""

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.0,
        seed: int = 0,
        delay: float = 6.0,
        kinds: Iterable[str] | Mapping[str, float] = KINDS,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rate, self.delay = rate, delay
        self.weights = dict(kinds) if isinstance(kinds, Mapping) else dict.fromkeys(kinds, 1.0)
        self.faults: Counter[tuple[str, str]] = Counter()
        self.requests: Counter[str] = Counter()
        self.stopped = threading.Event()
        self._planned: list[tuple[str, bytes, deque[str | None]]] = []
        self._hooks: list[list] = []  # [operation, matching, after, action, ran, nth]
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def plan(self, operation: str, *kinds: str | None, matching: str = "") -> None:
        """Inject `kinds` into the next requests of `operation` whose body contains
        `matching`, in order (None: no fault)."""
        with self._lock:
            self._planned.append((operation, matching.encode(), deque(kinds)))

    def on_request(
        self,
        operation: str,
        action: Callable[[], object],
        *,
        after: bool = False,
        matching: str = "",
        nth: int = 1,
    ) -> threading.Event:
        """Run `action()` once, at the `nth` next request of `operation` whose body contains
        `matching` (the ones before it pass untouched): before forwarding it, or (`after`)
        once DynamoDB answered it, before the answer goes back; then close the connection
        unanswered. The Event is set once `action` has run."""
        ran = threading.Event()
        with self._lock:
            self._hooks.append([operation, matching.encode(), after, action, ran, nth])
        return ran

    def unhook(self) -> None:
        """Forget the hooks that have not run."""
        with self._lock:
            self._hooks.clear()

    def _hook(self, operation: str, body: bytes):
        """The hook this request triggers (taken off the list), or None."""
        with self._lock:
            for hook in self._hooks:
                if hook[0] == operation and hook[1] in body:
                    hook[5] -= 1
                    if hook[5] == 0:
                        self._hooks.remove(hook)
                        return hook
                    return None
        return None

    def choose(self, operation: str, body: bytes = b"") -> tuple[str | None, random.Random]:
        """Count the request; return the fault to inject (None: forward it) and a generator
        for the fault's details, both drawn from the seeded sequence (or the plan)."""
        with self._lock:
            self.requests[operation] += 1
            for planned, matching, kinds in self._planned:
                if planned == operation and kinds and matching in body:
                    kind = kinds.popleft()
                    if kind:
                        self.faults[(kind, operation)] += 1
                    return kind, random.Random(self._rng.random())
            if self._rng.random() >= self.rate:
                return None, self._rng
            kinds = {
                k: w
                for k, w in self.weights.items()
                if w > 0 and (k != "conflict" or operation == "TransactWriteItems")
            }
            if not kinds:
                return None, self._rng
            kind = self._rng.choices(list(kinds), weights=list(kinds.values()))[0]
            self.faults[(kind, operation)] += 1
            return kind, random.Random(self._rng.random())

    def forward(self, method: str, path: str, headers, body: bytes):
        """Send the request to DynamoDB Local on this thread's connection; (status, headers,
        body) of its answer. Raises OSError / HTTPException when it does not answer."""
        send = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
        for attempt in (1, 2):  # a kept-alive connection DynamoDB Local closed: reconnect once
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = http.client.HTTPConnection(*self.upstream, timeout=30)
            try:
                conn.request(method, path, body=body, headers=send)
                answer = conn.getresponse()
                return answer.status, answer.getheaders(), answer.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def by_kind(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (kind, _operation), n in self.faults.items():
            counts[kind] += n
        return counts

    def report(self) -> str:
        """Requests and injected faults, one line per operation (for the test's output)."""
        lines = [f"{'operation':<22}{'requests':>9}  faults"]
        for op, count in self.requests.most_common():
            injected = {k: n for (k, o), n in sorted(self.faults.items()) if o == op}
            lines.append(f"{op:<22}{count:>9}  {injected or ''}")
        total = sum(self.faults.values())
        lines.append(f"{'total':<22}{self.requests.total():>9}  {total} {dict(self.by_kind())}")
        return "\n".join(lines)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

    def log_message(self, *_args) -> None:
        pass

    def do_POST(self) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2] or self.command
        hook = proxy._hook(operation, body)
        if hook is not None:
            self._hooked(proxy, hook, body)
            return
        kind, rng = proxy.choose(operation, body)
        if kind in ("throughput", "throttling", "conflict", "throttled_cancel"):
            error = json.dumps(fault_error(kind, body, rng)).encode()
            headers = [("Content-Type", "application/x-amz-json-1.0")]
            self._answer(400, [*headers, ("x-amzn-RequestId", f"fault-{rng.random()}")], error)
            return
        if kind == "drop_before":
            self._drop()
            return
        try:
            answer = proxy.forward(self.command, self.path, self.headers, body)
        except (OSError, http.client.HTTPException):
            self._drop()  # DynamoDB Local did not answer: neither do we
            return
        if kind == "drop_after" or (kind == "timeout" and proxy.stopped.wait(proxy.delay)):
            self._drop()
            return
        self._answer(*answer)

    do_GET = do_POST

    def _hooked(self, proxy: FaultProxy, hook, body: bytes) -> None:
        _operation, _matching, after, action, ran, _nth = hook
        with proxy._lock:
            proxy.requests[_operation] += 1
        if after:
            with contextlib.suppress(OSError, http.client.HTTPException):
                proxy.forward(self.command, self.path, self.headers, body)
        try:
            action()
        finally:
            ran.set()
            self._drop()

    def _answer(self, status: int, headers, body: bytes) -> None:
        try:
            self.send_response_only(status)
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:  # the client gave up (a `timeout`): nobody to answer
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def dynamodb_through(proxy: FaultProxy) -> Iterator[FaultProxy]:
    """Send this process's DynamoDB calls (hotel.dynamo's shared connection, which every
    registered model uses) through `proxy`, for a focused in-process test."""
    from hotel import dynamo

    shared = dynamo.connection()
    upstream = shared.host
    shared.host, shared._client = proxy.url, None
    try:
        yield proxy
    finally:
        shared.host, shared._client = upstream, None
