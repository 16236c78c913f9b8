"""Run the unzipped Lambda package's handler the way the Lambda runtime does, offline.

Started by infra/lambda_local.py as `python -I -S lambda_runner.py <package dir>`
(isolated: no site-packages, no PYTHONPATH, nothing of the test environment importable), with
the package directory as working directory and first on sys.path, like /var/task. It reads
one JSON request per line on stdin ({"event": …, "function_name": …}) and answers one JSON
line per request on the original stdout ({"response": …, "ms": …}); the handler's own
output (print, logging) goes to stderr, as CloudWatch would get it.
"""

import json
import os
import sys
import time
import uuid

START = time.perf_counter()
PACKAGE = os.path.abspath(sys.argv[1])
HANDLER = sys.argv[2] if len(sys.argv) > 2 else "hotel.awslambda.handler"

protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # everything else printed to stdout lands in the log (stderr)
sys.stdout = os.fdopen(1, "w", buffering=1)
sys.path.insert(0, PACKAGE)
os.chdir(PACKAGE)


class Context:
    """The attributes of the Lambda runtime's context object that code may read."""

    def __init__(self, function_name: str):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self.memory_limit_in_mb = "1024"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/03/02/[$LATEST]0123456789abcdef"
        self._deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self) -> int:
        return int((self._deadline - time.monotonic()) * 1000)


CURRENT = {"path": ""}
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def record_aws_calls(path: str) -> None:
    """Append every AWS API call (as the IAM actions and tables it needs) to `path`.

    With LAMBDA_RECORD_AWS_CALLS set, the deploy tests check the calls against the IAM
    policies: a transaction needs the item action on each table it touches, a batch its
    action on every table, a query on an index that index's ARN.
    """
    import botocore.client

    original = botocore.client.BaseClient._make_api_call
    sink = open(path, "a", buffering=1)  # noqa: SIM115 - lives as long as the process

    def make_api_call(self, operation_name, api_params):
        service = self.meta.service_model.endpoint_prefix
        calls = []
        if operation_name in ("TransactWriteItems", "TransactGetItems"):
            for item in api_params.get("TransactItems", []):
                for kind, spec in item.items():
                    calls.append((_TRANSACT_ACTIONS[kind], spec.get("TableName"), None))
        elif operation_name in ("BatchWriteItem", "BatchGetItem"):
            for table in api_params.get("RequestItems", {}):
                calls.append((operation_name, table, None))
        else:
            calls.append((operation_name, api_params.get("TableName"), api_params.get("IndexName")))
        for action, table, index in calls:
            entry = {
                "path": CURRENT["path"],
                "action": f"{service}:{action}",
                "table": table,
                "index": index,
            }
            sink.write(json.dumps(entry) + "\n")
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = make_api_call


def _hooks(kind: str) -> list:
    """The SnapStart runtime hooks the code registered (none without snapshot_restore_py)."""
    try:
        import snapshot_restore_py
    except ImportError:
        return []
    if kind == "before":
        return snapshot_restore_py.get_before_snapshot()
    return snapshot_restore_py.get_after_restore()


SNAPSHOT = {"taken": False}


def fork_restore(handler, request: dict) -> None:
    """The nearest local stand-in for a SnapStart restore: the initialised process forks and
    the child, like a restored copy, runs the after-restore hooks and answers one event.

    The before-snapshot hooks run once, in this process, before its first fork. The child
    writes the answer (`fork_ms`: fork -> answer; `restore_ms`: fork -> hooks done; `ms`:
    the handler alone) and exits; this process waits for it and never handles the event. A
    fork copies memory pages on write where Lambda restores them from a snapshot cache, so it
    is a floor, not a forecast, of a real restore.
    """
    if not SNAPSHOT["taken"]:
        for fn, args, kwargs in _hooks("before"):
            fn(*args, **kwargs)
        SNAPSHOT["taken"] = True
    import random

    frozen = random.getstate()
    started = time.perf_counter()
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        if status:  # the copy died before answering: answer for it, never leave the reader
            failed = {"response": None, "error": f"the forked copy exited with {status}"}
            protocol.write(json.dumps(failed) + "\n")
        return
    # A restored snapshot has the memory it was taken with; a fork does not quite: CPython
    # reseeds `random` in a forked child (os.register_at_fork). Put the frozen state back, so
    # only the after-restore hooks can make the copies differ, as in Lambda.
    code = 1
    try:
        _answer_restored(handler, request, frozen, started)
        code = 0
    finally:
        os._exit(code)  # whatever happened, the child never returns into the request loop


def _answer_restored(handler, request: dict, frozen, started: float) -> None:
    import random

    random.setstate(frozen)
    error = None
    response = None
    restored = time.perf_counter()
    try:
        for fn, args, kwargs in _hooks("after"):
            fn(*args, **kwargs)
        restored = time.perf_counter()
        response = handler(request["event"], Context(request.get("function_name", "hotel-dev")))
    except Exception as exc:  # noqa: BLE001 - reported to the benchmark, which fails on it
        error = f"{type(exc).__name__}: {exc}"
    done = time.perf_counter()
    answer = {
        "response": response,
        "error": error,
        "ms": (done - restored) * 1000,
        "restore_ms": (restored - started) * 1000,
        "fork_ms": (done - started) * 1000,
        # Drawn after the answer: equal in every child unless the after-restore hooks
        # reseeded `random` (tests/deploy checks that they did).
        "random": random.getrandbits(64),
    }
    protocol.write(json.dumps(answer, default=str) + "\n")
    protocol.flush()


def main() -> None:
    if os.environ.get("LAMBDA_RECORD_AWS_CALLS"):
        record_aws_calls(os.environ["LAMBDA_RECORD_AWS_CALLS"])
    module_name, _, function_name = HANDLER.rpartition(".")
    module = __import__(module_name, fromlist=[function_name])
    handler = getattr(module, function_name)
    import_ms = (time.perf_counter() - START) * 1000
    protocol.write(json.dumps({"ready": True, "import_ms": import_ms}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("fork"):
            fork_restore(handler, request)
            continue
        event = request["event"]
        CURRENT["path"] = (
            (event.get("rawPath") or event.get("path") or "") if isinstance(event, dict) else ""
        )
        context = Context(request.get("function_name", "hotel-dev"))
        started = time.perf_counter()
        try:
            response = handler(request["event"], context)
            error = None
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            response, error = None, f"{type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        answer = {
            "response": response,
            "error": error,
            "ms": elapsed,
            "since_start_ms": (time.perf_counter() - START) * 1000,
            "aws_request_id": context.aws_request_id,
            "modules": sorted(
                name
                for name in ("pytest", "localstripe", "playwright", "devtools", "tests")
                if name in sys.modules
            ),
            "module_files": {
                name: getattr(sys.modules.get(name), "__file__", None)
                for name in ("django", "zappa", "hotel", "stripe", "botocore")
            },
        }
        protocol.write(json.dumps(answer, default=str) + "\n")


if __name__ == "__main__":
    main()
