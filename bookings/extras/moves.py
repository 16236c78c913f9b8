"""A booking's extras follow a change of its dates: nightly extras are billed for the new
nights, the others move to the new arrival day, and their stock moves with them — the
counters the old dates no longer need are given back, the new dates' taken on the stock
condition — in the change's own transaction. Each item keeps the price it was sold at.
"""

from __future__ import annotations

from datetime import date, timedelta

from pynamodb.transactions import TransactWrite

from .catalog import extras_get
from .models import NIGHTLY_UNITS, ExtraStock
from .pricing import extras_total
from .stock import ExtraSoldOut, extras_stock_read


def _moved(item: dict, check_in: date, check_out: date) -> dict:
    nights = max((check_out - check_in).days, 1)
    count = int(item.get("count") or 1)
    nightly = item.get("unit") in NIGHTLY_UNITS
    quantity = count * nights if nightly else int(item["quantity"])
    days = []
    if item.get("stockDates"):
        days = (
            [(check_in + timedelta(days=i)).isoformat() for i in range(nights)]
            if nightly
            else [check_in.isoformat()]
        )
    return {
        **item,
        "quantity": quantity,
        "amount": int(item["unitPrice"]) * quantity,
        "date": check_in.isoformat(),
        "stockDates": days,
    }


def _counts(items) -> dict[tuple[str, str], int]:
    total: dict[tuple[str, str], int] = {}
    for item in items or ():
        for day in item.get("stockDates") or ():
            key = (item["code"], day)
            total[key] = total.get(key, 0) + int(item.get("count") or 1)
    return total


class ExtrasMove:
    """What a date change does to a booking's extras (read the catalog once, before)."""

    def __init__(self, items: list[dict] | None, *, check_in: date, check_out: date):
        self.items = [_moved(i, check_in, check_out) for i in items or ()]
        self.total = extras_total(self.items)
        old, new = _counts(items), _counts(self.items)
        self.delta = {k: new.get(k, 0) - old.get(k, 0) for k in set(old) | set(new)}
        self.delta = {k: v for k, v in self.delta.items() if v}
        codes = sorted({code for (code, _), v in self.delta.items() if v > 0})
        self.stocks = {
            c: e.dailyStock for c, e in extras_get(codes).items() if e.dailyStock is not None
        }

    def apply(self, tx: TransactWrite) -> None:
        for (code, day), change in sorted(self.delta.items()):
            counter = ExtraStock(code=code, date=day)
            if change < 0:
                tx.update(
                    counter,
                    actions=[ExtraStock.sold.add(change)],
                    condition=ExtraStock.sold >= -change,
                )
            elif code in self.stocks:
                limit = self.stocks[code] - change
                within = ExtraStock.sold.does_not_exist() | (ExtraStock.sold <= limit)
                never = ExtraStock.sold.exists() & ExtraStock.sold.does_not_exist()
                tx.update(
                    counter,
                    actions=[ExtraStock.sold.add(change)],
                    condition=within if limit >= 0 else never,
                )
            else:  # no longer stocked (unlimited now, or gone from the catalog): counted
                tx.update(counter, actions=[ExtraStock.sold.add(change)])

    def sold_out(self) -> ExtraSoldOut | None:
        """After a refused change: the new dates an extra lacks stock on, if any."""
        short: dict[str, list[str]] = {}
        for (code, day), change in sorted(self.delta.items()):
            if (
                change > 0
                and code in self.stocks
                and extras_stock_read(code, [day])[day] + change > self.stocks[code]
            ):
                short.setdefault(code, []).append(day)
        if not short:
            return None
        return ExtraSoldOut(
            f"Not enough left of {', '.join(short)} for the new dates; nothing was changed.",
            details={"extras": [{"code": c, "dates": d} for c, d in short.items()]},
        )
