"""The reliability summary: what the storm, crash, fault, webhook and fuzzing tests measured,
printed as one table at the end of the run (tests/conftest.py's pytest_terminal_summary),
closed by the run's total of 5xx answers. Tests add rows through the `reliability_report`
fixture. Under xdist each worker keeps its own rows (and prints none): run them serially.
"""

from __future__ import annotations


class ReliabilityReport:
    """What the reliability tests measured, printed as one table at the end of the run
    (`make test-reliability`, and `make test`): per section (storm, crash points, DynamoDB
    faults, webhooks, fuzzing, …) the figures each test added, in the order they came."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, section: str, label: str, value) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:,}"
        self.rows.append((section, label, str(value)))

    def tally(self, section: str, label: str, n: int) -> None:
        """Add `n` to a counting row (made at 0 the first time): one row for many examples."""
        for i, (name, known, value) in enumerate(self.rows):
            if (name, known) == (section, label):
                self.rows[i] = (name, known, f"{int(value.replace(',', '')) + n:,}")
                return
        self.add(section, label, n)

    def table(self) -> str:
        if not self.rows:
            return ""
        width = max(len(label) for _s, label, _v in self.rows)
        lines, section = [], None
        for name, label, value in self.rows:
            if name != section:
                lines.append(f"{name}:")
                section = name
            lines.append(f"  {label:<{width}}  {value}")
        server_errors = sum(int(v.replace(",", "")) for _s, label, v in self.rows if label == "5xx")
        lines.append(f"5xx answers in all: {server_errors:,}")
        return "\n".join(lines)


_REPORT = ReliabilityReport()


def report() -> ReliabilityReport:
    return _REPORT
