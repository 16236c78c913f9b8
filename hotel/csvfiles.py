"""CSV files people open in a spreadsheet: RFC 4180 quoting, streamed a line at a time, and
text cells that a spreadsheet would run as a formula (= + - @, tab, carriage return)
prefixed with a quote (OWASP's CSV-injection advice), except plain numbers and phone
numbers (digits, spaces, brackets, dots, hyphens and one leading sign: "+91 98765 43210"),
which cannot call a function. The back office's exports and the accountant's export use it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number or a phone number: no letters, no operator but a leading sign, so nothing to run.
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d ().\-/]*")


def safe_cell(value) -> str | int:
    """A cell a spreadsheet shows as text: formulas are defused with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line (csv.writer -> streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Encode rows as CSV lines (RFC 4180 quoting, CRLF), one string per row."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])
