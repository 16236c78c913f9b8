"""`{{ amount|with_tax }}`: a price in minor units with the hotel's tax added, the way a quote
adds it, so a guest page shows what the guest will pay."""

from __future__ import annotations

from django import template

from bookings.pricing import tax_on
from bookings.selectors import tax_percent

register = template.Library()


@register.filter
def with_tax(amount) -> int | str:
    if amount in (None, ""):
        return ""
    amount = int(amount)
    return amount + tax_on(amount, tax_percent())
