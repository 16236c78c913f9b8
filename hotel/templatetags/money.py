"""`{{ amount|money:currency }}`: integer minor units shown in the currency's format, written
the way the active language writes money: ₹5,040.00 in English, 5.040,00 ₹ in German,
5 040,00 ₹ in French (separators from Django's locale formats, so the guest site and its
emails follow the guest's language and the English back office is unchanged)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats, translation

register = template.Library()

SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"}


# Languages that write the symbol before the number (the others: after it, with a no-break
# space, as CLDR has it for de, fr and es).
SYMBOL_FIRST = {"en"}


def format_money(amount: int, currency: str) -> str:
    currency = (currency or "").upper()
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    places = 0 if currency in ZERO_DECIMAL else 2
    language = (translation.get_language() or "en").split("-")[0]
    if language in SYMBOL_FIRST:
        symbol = SYMBOLS.get(currency, f"{currency} ")
        if places == 0:
            return f"{sign}{symbol}{abs(amount):,}"
        major, minor = divmod(abs(amount), 100)
        return f"{sign}{symbol}{major:,}.{minor:02d}"
    value = Decimal(abs(amount)).scaleb(-places)
    number = formats.number_format(value, places, use_l10n=True, force_grouping=True)
    return f"{sign}{number}\u00a0{SYMBOLS.get(currency, currency)}"


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
