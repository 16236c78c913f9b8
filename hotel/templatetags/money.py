"""`{{ amount|money:currency }}`: integer minor units shown in the currency's format."""

from __future__ import annotations

from django import template

register = template.Library()

SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"}


def format_money(amount: int, currency: str) -> str:
    currency = (currency or "").upper()
    symbol = SYMBOLS.get(currency, f"{currency} ")
    if currency in ZERO_DECIMAL:
        return f"{symbol}{amount:,}"
    major, minor = divmod(abs(int(amount)), 100)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{major:,}.{minor:02d}"


def money_major(amount: int, currency: str) -> str:
    """Minor units as a plain decimal in major units, for files (CSV): 504000 INR -> 5040.00."""
    if (currency or "").upper() in ZERO_DECIMAL:
        return str(int(amount))
    major, minor = divmod(abs(int(amount)), 100)
    return f"{'-' if amount < 0 else ''}{major}.{minor:02d}"


@register.filter
def money(amount, currency="") -> str:
    if amount in (None, ""):
        return ""
    return format_money(int(amount), currency)
