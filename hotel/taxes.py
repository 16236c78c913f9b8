"""The hotel's tax categories and their rates, from settings: `standard` is
HOTEL_TAX_PERCENT, `zero` and `exempt` are 0, and HOTEL_TAX_CATEGORIES adds or overrides
("reduced=5,food=5"; a name without a rate is ignored). The bill's charges and the extras
catalog both name a category from here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings

from hotel.errors import ValidationFailed


def tax_rates() -> dict[str, Decimal]:
    """{category: percent}."""
    rates = {
        "standard": Decimal(str(settings.HOTEL_TAX_PERCENT)),
        "zero": Decimal(0),
        "exempt": Decimal(0),
    }
    for pair in settings.HOTEL_TAX_CATEGORIES.split(","):
        name, _, percent = pair.partition("=")
        try:
            if name.strip() and percent.strip():
                rates[name.strip()] = Decimal(percent.strip())
        except InvalidOperation:
            continue
    return rates


def tax_rate(category: str, *, field: str = "taxCategory") -> Decimal:
    """The percent of `category`; ValidationFailed (on `field`) for one the hotel has not."""
    rates = tax_rates()
    if category not in rates:
        raise ValidationFailed(
            details={
                "fields": {field: [f"Unknown tax category; one of: {', '.join(sorted(rates))}."]}
            }
        )
    return rates[category]
