"""The accountant's export: every line of the books day by day, as CSV, with the account
each one posts to.

Account codes come from settings.HOTEL_ACCOUNT_CODES ("room=4000,minibar=4100,cash=1000,
card=1200,…"), over DEFAULT_ACCOUNTS: revenue lines by their category, payments and
refunds by their method, and the tax inside a line to `tax`. One Query of the accountDate
index per day, never a Scan; at most MAX_EXPORT_DAYS days per export.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.conf import settings

from hotel.csvfiles import csv_lines
from hotel.errors import ValidationFailed
from hotel.templatetags.money import money_major
from payments.folio.models import PAYMENT, REFUND, REVERSAL, FolioLine

from .selectors import lines_between

MAX_EXPORT_DAYS = 92

DEFAULT_ACCOUNTS = {
    # revenue by category
    "room": "4000",
    "minibar": "4100",
    "extra": "4200",
    "included": "4200",
    "restaurant": "4300",
    "bar": "4310",
    "laundry": "4400",
    "telephone": "4500",
    "damage": "4600",
    "fee": "4700",
    "cancellation": "4800",
    "no_show": "4810",
    "other": "4900",
    "allowance": "4990",
    "city_tax": "2300",  # collected for the city: a liability, not revenue
    "tax": "2200",  # the tax inside the lines (output tax)
    # money by method
    "cash": "1000",
    "transfer": "1100",
    "card": "1200",
    "card_on_file": "1200",
    "terminal": "1210",
    "guest_ledger": "1400",  # what guests owe (the other side of every line)
}

COLUMNS = (
    "accountDate",
    "bookingId",
    "lineId",
    "folioId",
    "kind",
    "category",
    "method",
    "account",
    "taxAccount",
    "taxRate",
    "gross",
    "tax",
    "net",
    "currency",
    "description",
    "reference",
    "serviceDate",
    "createdAt",
    "createdBy",
)


class ExportRangeInvalid(ValidationFailed):
    code = "EXPORT_RANGE_INVALID"
    default_message = "Choose a range of days to export."


def account_codes() -> dict[str, str]:
    """DEFAULT_ACCOUNTS with settings.HOTEL_ACCOUNT_CODES over them."""
    codes = dict(DEFAULT_ACCOUNTS)
    for pair in (getattr(settings, "HOTEL_ACCOUNT_CODES", "") or "").split(","):
        name, _, code = pair.partition("=")
        if name.strip() and code.strip():
            codes[name.strip()] = code.strip()
    return codes


def line_account(line: FolioLine, codes: dict[str, str]) -> str:
    """The account a line posts to: money by its method, the rest by its category."""
    money = line.kind in (PAYMENT, REFUND) or (
        line.kind == REVERSAL and line.category in (PAYMENT, REFUND)
    )
    if money:
        return codes.get(line.method or "", codes.get("guest_ledger", ""))
    return codes.get(line.category, codes.get("other", ""))


def _row(line: FolioLine, codes: dict[str, str], currency: str) -> list:
    """One CSV row; gross is the line's signed effect on what guests owe (a payment is
    negative), tax carries the same sign; money in major units (224.00) as every export."""
    sign = 1 if line.effect > 0 else -1 if line.effect < 0 else 0
    tax = sign * (line.tax or 0)
    return [
        line.accountDate,
        line.bookingId,
        line.lineId,
        line.folioId,
        line.kind,
        line.category,
        line.method or "",
        line_account(line, codes),
        codes.get("tax", "") if tax else "",
        line.taxRate or "",
        money_major(line.effect, currency),
        money_major(tax, currency),
        money_major(line.effect - tax, currency),
        currency,
        line.description,
        line.reference or "",
        line.serviceDate or "",
        line.createdAt.isoformat() if line.createdAt else "",
        line.createdBy,
    ]


def accounting_export_csv(*, first: date, last: date) -> Iterator[str]:
    """The lines of the days first..last (inclusive) as CSV lines (module docstring), text
    cells defused for spreadsheets (hotel.csvfiles). Raises ExportRangeInvalid (last before
    first, or more than MAX_EXPORT_DAYS days) before the first line."""
    if last < first or (last - first).days + 1 > MAX_EXPORT_DAYS or last >= date.max:
        raise ExportRangeInvalid(
            f"Export from a day to a later one, at most {MAX_EXPORT_DAYS} days.",
            details={"from": first.isoformat(), "to": last.isoformat()},
        )
    codes = account_codes()
    currency = settings.HOTEL_CURRENCY
    rows = (
        _row(line, codes, currency)
        for _day, lines in lines_between(first=first, last=last)
        for line in lines
    )
    return csv_lines(COLUMNS, rows)


REPORT_MONEY = ("cityTax", "roomRevenue", "adr", "revpar")
REPORT_COUNTS = (
    "arrivals",
    "departures",
    "noShows",
    "inHouse",
    "roomsSold",
    "roomsAvailable",
    "occupancy",
)


def daily_report_csv(report: dict) -> Iterator[str]:
    """A stored daily report as CSV lines: one section per table, `section,item,…` rows;
    money in major units."""
    currency = settings.HOTEL_CURRENCY

    def money(amount):
        return "" if amount is None else money_major(amount, currency)

    def rows():
        for row in report.get("revenue", []):
            yield (
                "revenue",
                row["category"],
                row["taxRate"],
                money(row["gross"]),
                money(row["tax"]),
                money(row["net"]),
                row["lines"],
            )
        total = report.get("revenueTotal", {})
        yield (
            "revenue",
            "total",
            "",
            money(total.get("gross")),
            money(total.get("tax")),
            money(total.get("net")),
            "",
        )
        for section in ("payments", "refunds"):
            for row in report.get(section, []):
                yield (section, row["method"], "", money(row["amount"]), "", "", "")
        for key in REPORT_MONEY:
            yield ("figures", key, "", money(report.get(key)), "", "", "")
        for key in REPORT_COUNTS:
            yield ("figures", key, "", report.get(key), "", "", "")
        balances = report.get("guestBalances", {})
        yield (
            "figures",
            "guestBalances",
            "",
            money(balances.get("total")),
            "",
            "",
            balances.get("guests"),
        )

    return csv_lines(("section", "item", "taxRate", "gross", "tax", "net", "count"), rows())
