"""An extra's daily stock, counted in the booking's own transactions.

A booking that takes a stocked extra adds its quantity to the extra's counter for each
date it needs (bookings.extras.pricing.stock_dates) on the condition that the counter
stays within the stock (`sold <= stock - quantity`, an upsert: a date nobody sold yet
has no item), so 10 parking spaces are never sold 11 times under any concurrency. The
booking remembers what it took (item["stockDates"], item["count"]); the transaction that
ends it unkept (cancelled, expired, no-show) gives exactly that back, and one that revives
an expired booking paid after all takes it again — unconditionally, as the promo use: the
guest has paid for it.
"""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from hotel.errors import Conflict

from .models import Extra, ExtraStock


class ExtraSoldOut(Conflict):
    code = "EXTRA_SOLD_OUT"
    default_message = "This extra is sold out for some of the dates."


def _stocked(items) -> list[tuple[str, str, int]]:
    """(code, date, quantity) for every date the booking's extras hold stock on, summed
    per (code, date): a transaction writes each counter once."""
    total: dict[tuple[str, str], int] = {}
    for item in items or ():
        for day in item.get("stockDates") or ():
            key = (item["code"], day)
            total[key] = total.get(key, 0) + int(item.get("count") or 1)
    return [(code, day, quantity) for (code, day), quantity in sorted(total.items())]


def extras_stock_take(tx: TransactWrite, *, items: list[dict], stocks: dict[str, int]) -> None:
    """In the booking's transaction: each item's count on each of its stock dates, on the
    condition the counter stays within `stocks[code]` (the extra's daily stock)."""
    for code, day, quantity in _stocked(items):
        limit = stocks[code] - quantity
        within = ExtraStock.sold.does_not_exist() | (ExtraStock.sold <= limit)
        # A stock lowered below one booking's quantity meanwhile: a condition never true.
        never = ExtraStock.sold.exists() & ExtraStock.sold.does_not_exist()
        tx.update(
            ExtraStock(code=code, date=day),
            actions=[ExtraStock.sold.add(quantity)],
            condition=within if limit >= 0 else never,
        )


def extras_stock_give_back(tx: TransactWrite, items: list[dict] | None) -> None:
    """In the transaction that ends a booking unkept: what its extras took."""
    for code, day, quantity in _stocked(items):
        tx.update(
            ExtraStock(code=code, date=day),
            actions=[ExtraStock.sold.add(-quantity)],
            condition=ExtraStock.sold >= quantity,
        )


def extras_stock_retake(tx: TransactWrite, items: list[dict] | None) -> None:
    """In the transaction that revives an expired booking paid after all: its stock again."""
    for code, day, quantity in _stocked(items):
        tx.update(ExtraStock(code=code, date=day), actions=[ExtraStock.sold.add(quantity)])


def extras_stock_read(code: str, days: list[str]) -> dict[str, int]:
    """Units of `code` sold on each of `days` (consistent reads; a day never sold is 0)."""
    if not days:
        return {}
    sold = {day: 0 for day in days}
    for row in ExtraStock.query(
        code, ExtraStock.date.between(min(days), max(days)), consistent_read=True
    ):
        if row.date in sold:
            sold[row.date] = int(row.sold or 0)
    return sold


def extras_sold_out(items: list[dict], stocks: dict[str, int]) -> ExtraSoldOut | None:
    """After a refused transaction: which extras lack stock on which dates, if that is what
    refused it (else None)."""
    short = []
    for item in items:
        days = item.get("stockDates") or []
        if not days:
            continue
        count = int(item.get("count") or 1)
        sold = extras_stock_read(item["code"], days)
        dates = [d for d in days if sold[d] + count > stocks[item["code"]]]
        if dates:
            left = min(max(stocks[item["code"]] - sold[d], 0) for d in dates)
            short.append({"code": item["code"], "dates": dates, "left": left})
    if not short:
        return None
    names = ", ".join(s["code"] for s in short)
    return ExtraSoldOut(
        f"Not enough left of {names} for every date asked.", details={"extras": short}
    )


def extras_stock_of(extras: list[Extra]) -> dict[str, int]:
    return {e.code: int(e.dailyStock) for e in extras if e.dailyStock is not None}
