"""The daily report of a closed business day, pure: computed from the lines that count in
the day (FolioLine accountDate == day) and a few counts, so it is the same on every run.

- revenue by category and tax rate (gross, tax, net = gross − tax), reversals and
  allowances netted in (an allowance is negative revenue); the city tax is collected for
  the city and shown apart, outside the revenue total;
- payments and refunds by method (a reversed payment takes itself back out);
- rooms sold (stays with a net room charge for the night of the day), rooms available,
  occupancy = sold ÷ available, ADR = room revenue (net) ÷ rooms sold, RevPAR = room
  revenue ÷ rooms available — minor units, rounded half up;
- arrivals, departures, no-shows and guests in house, and the guests' balances.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hotel.taxes import tax_rates
from payments.folio.models import ALLOWANCE, CHARGE, PAYMENT, REFUND, REVERSAL, FolioLine

MONEY = {"payment": PAYMENT, "refund": REFUND}
CITY_TAX = "city_tax"
ROOM = "room"


@dataclass(frozen=True)
class DayCounts:
    arrivals: int
    departures: int
    no_shows: int
    in_house: int
    rooms_available: int


def _rate(line: FolioLine) -> str:
    """The line's tax rate as a string ("12"); a reversal keeps its original's category."""
    if line.taxRate is not None:
        return _plain(Decimal(line.taxRate))
    if line.taxCategory:
        rate = tax_rates().get(line.taxCategory)
        if rate is not None:
            return _plain(rate)
    return "0"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _div(numerator: int, denominator: int) -> int | None:
    if not denominator:
        return None
    return int((Decimal(numerator) / denominator).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _money_kind(line: FolioLine) -> str | None:
    """payment | refund for money lines (and their reversals), else None."""
    if line.kind in (PAYMENT, REFUND):
        return line.kind
    if line.kind == REVERSAL:
        return MONEY.get(line.category)
    return None


def _rooms_sold(lines: list[FolioLine], day: str) -> int:
    """Stays with a net room-night charge for the night of `day` among the day's lines."""
    nights: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.category == ROOM and line.serviceDate == day and line.kind in (CHARGE, REVERSAL):
            nights[line.bookingId] += 1 if line.effect > 0 else -1
    return sum(1 for count in nights.values() if count > 0)


def daily_report(
    *,
    day: date,
    currency: str,
    lines: list[FolioLine],
    counts: DayCounts,
    balances: dict[str, int],
    no_shows: list[dict],
) -> dict:
    """The report of `day` (module docstring) as stored on the day's item and answered by
    the API. `balances`: the bills' balances of the guests in house (bookingId → minor)."""
    revenue: dict[tuple[str, str], dict] = {}
    payments: dict[str, int] = defaultdict(int)
    refunds: dict[str, int] = defaultdict(int)
    allowances = {"gross": 0, "tax": 0, "lines": 0}
    for line in lines:
        money = _money_kind(line)
        if money == PAYMENT:
            payments[line.method or "other"] += -line.effect
            continue
        if money == REFUND:
            refunds[line.method or "other"] += line.effect
            continue
        sign = 1 if line.effect > 0 else -1 if line.effect < 0 else 0
        tax = sign * (line.tax or 0)
        row = revenue.setdefault(
            (line.category, _rate(line)),
            {"category": line.category, "taxRate": _rate(line), "gross": 0, "tax": 0, "lines": 0},
        )
        row["gross"] += line.effect
        row["tax"] += tax
        row["lines"] += 1
        if line.category == ALLOWANCE or (line.kind == ALLOWANCE):
            allowances["gross"] += -line.effect
            allowances["tax"] += -tax
            allowances["lines"] += 1
    rows = []
    for key in sorted(revenue):
        row = revenue[key]
        rows.append({**row, "net": row["gross"] - row["tax"]})
    earning = [r for r in rows if r["category"] != CITY_TAX]
    room_net = sum(r["net"] for r in rows if r["category"] == ROOM)
    sold = _rooms_sold(lines, day.isoformat())
    occupancy = (
        (Decimal(sold) * 100 / counts.rooms_available).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if counts.rooms_available
        else None
    )
    return {
        "date": day.isoformat(),
        "currency": currency,
        "lineCount": len(lines),
        "revenue": rows,
        "revenueTotal": {
            "gross": sum(r["gross"] for r in earning),
            "tax": sum(r["tax"] for r in earning),
            "net": sum(r["net"] for r in earning),
        },
        "allowances": {**allowances, "net": allowances["gross"] - allowances["tax"]},
        "cityTax": sum(r["gross"] for r in rows if r["category"] == CITY_TAX),
        "payments": [{"method": m, "amount": a} for m, a in sorted(payments.items())],
        "paymentsTotal": sum(payments.values()),
        "refunds": [{"method": m, "amount": a} for m, a in sorted(refunds.items())],
        "refundsTotal": sum(refunds.values()),
        "arrivals": counts.arrivals,
        "departures": counts.departures,
        "noShows": counts.no_shows,
        "inHouse": counts.in_house,
        "roomsSold": sold,
        "roomsAvailable": counts.rooms_available,
        "occupancy": None if occupancy is None else str(occupancy),
        "roomRevenue": room_net,
        "adr": _div(room_net, sold),
        "revpar": _div(room_net, counts.rooms_available),
        "guestBalances": {
            "total": sum(balances.values()),
            "guests": len(balances),
            "owing": sum(1 for value in balances.values() if value > 0),
        },
        "noShowFees": no_shows,
    }
