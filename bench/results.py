"""What every benchmark writes: the machine it ran on and a JSON file of its figures."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


def machine() -> dict:
    """The machine's description; the load average says how noisy the run was."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
    }


def write_results(path: Path, report: dict) -> None:
    """Write `report` as JSON to `path` (folders created) and say where, with the total time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    try:
        shown = path.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = path
    print(f"\nTotal {report.get('totalSeconds', 0):.0f} s. Results written to {shown}")
