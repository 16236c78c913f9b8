"""Run an unzipped Lambda package's handler locally, in an isolated interpreter.

`LambdaFunction(package_dir, log_path, env)` starts infra/lambda_runner.py with
`python -I -S` (no site-packages, no PYTHONPATH: only the package's code is importable), the
package as working directory, and the environment the Lambda runtime would give plus
`env`. `invoke(event)` sends one event and returns the handler's answer with its duration.
Used by the deploy tests (tests/deploy/) and the cost model's measurements (bench/cost.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "lambda_runner.py"
FUNCTION_NAME = "hotel-dev"


def unzip(zip_path: Path, target: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target


def override_zappa_settings(package: Path, **overrides) -> None:
    """Replace assignments in the generated zappa_settings.py (or add them)."""
    path = package / "zappa_settings.py"
    lines = []
    for line in path.read_text().splitlines():
        name = line.split("=", 1)[0]
        if name in overrides:
            line = f"{name}={overrides.pop(name)!r}"
        lines.append(line)
    lines += [f"{name}={value!r}" for name, value in overrides.items()]
    path.write_text("\n".join(lines) + "\n")


def event_label(event: dict) -> str:
    if event.get("detail-type") == "Scheduled Event":
        return "schedule " + event["resources"][0].rsplit("-", 1)[-1]
    return (
        event.get("rawPath")
        or event.get("path")
        or event.get("detail-type")
        or ("stream record" if event.get("Records") else "invocation")
    )


def runtime_env(*, home: Path, memory_mb: int = 1024) -> dict[str, str]:
    """The environment the Lambda runtime gives a function (plus a PATH and a HOME)."""
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "HOME": str(home),
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info[0]}.{sys.version_info[1]}",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }


class LambdaFunction:
    """The handler in its own process; `invoke(event)` returns the runner's answer.

    `handler` is a dotted path (default: the package's entry point). `isolated=False` runs
    with the development venv and `extra_path` importable instead of `python -I -S` (the
    benchmark's fallback when no zip was built). `started` is when the process was started
    (perf_counter), for cold-start timings.
    """

    def __init__(
        self,
        package: Path,
        log_path: Path,
        env: dict[str, str],
        *,
        handler: str | None = None,
        isolated: bool = True,
        extra_path: tuple[Path, ...] = (),
    ):
        env = {**runtime_env(home=log_path.parent), "LAMBDA_TASK_ROOT": str(package), **env}
        # -B: Lambda's /var/task is read-only, so Python never caches the bytecode it compiles
        # there; without it the first local run would write __pycache__ and later "cold"
        # starts would find it (the zip's own bytecode, infra.package.add_bytecode, is used).
        cmd = [sys.executable, "-B", *(["-I", "-S"] if isolated else []), str(RUNNER), str(package)]
        if handler:
            cmd.append(handler)
        if not isolated:
            env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (package, *extra_path))
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            cmd,
            cwd=package,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.import_ms = self._read()["import_ms"]
        self.calls: list[dict] = []

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"The Lambda runner died:\n{self.log()[-3000:]}")
        return json.loads(line)

    def call(self, event: dict) -> dict:
        """Invoke and return the runner's whole answer (response, error, ms, modules)."""
        request = {"event": event, "function_name": FUNCTION_NAME}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        answer["event_path"] = event_label(event)
        self.calls.append(answer)
        return answer

    def fork_call(self, event: dict) -> dict:
        """Answer `event` from a fork of the initialised process (lambda_runner.fork_restore:
        the local stand-in for a SnapStart restore); this process stays as it was."""
        request = {"event": event, "function_name": FUNCTION_NAME, "fork": True}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read()

    def invoke(self, event: dict) -> dict:
        """Invoke; raise if the handler raised or development modules got imported."""
        answer = self.call(event)
        if answer["error"] is not None:
            raise AssertionError(f"{answer['error']}\n{self.log()[-3000:]}")
        if answer["modules"]:
            raise AssertionError(f"development modules imported: {answer['modules']}")
        return answer["response"]

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
