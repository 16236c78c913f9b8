"""Keeping the rate for new dates spreads the booked subtotal over the new nights (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bookings.services.change import _spread


@given(
    total=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60),
)
def test_the_spread_sums_to_the_total_and_follows_the_nights_prices(total, weights):
    shares = _spread(total, weights)
    assert sum(shares) == total and len(shares) == len(weights)
    assert all(share >= 0 for share in shares)
    if sum(weights) > 0:
        whole = sum(weights)
        for share, weight in zip(shares, weights, strict=True):
            assert abs(share - total * weight / whole) < 1


def test_nights_priced_at_nothing_share_evenly():
    assert _spread(10, [0, 0, 0]) == [4, 3, 3]
