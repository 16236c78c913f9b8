"""Pure tier: the pricing engine under random plans, occupancies, promo codes and taxes.

Whatever the inputs, the quote adds up to the minor unit: total = the sum of its lines =
subtotal + tax + city tax; the promo never touches the city tax; more guests never cost
less; what is due now follows the payment terms.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.cancellation_terms import free_until, parse_policy
from bookings.pricing import FIXED, PERCENT, RateRule, price_stay
from bookings.rate_terms import (
    AT_HOTEL,
    DEPOSIT,
    PREPAY,
    Adjustment,
    ChildBand,
    CityTax,
    Included,
    Occupancy,
    PlanTerms,
    Promo,
    percent_of,
)

START = date(2027, 3, 1)

adjustments = st.one_of(
    st.none(),
    st.builds(Adjustment, st.just(PERCENT), st.integers(-100, 200)),
    st.builds(Adjustment, st.just(FIXED), st.integers(-60000, 60000)),
)
bands = st.lists(
    st.tuples(st.integers(0, 17), st.integers(0, 17), st.integers(0, 30000)), max_size=3
).map(lambda xs: tuple(ChildBand(min(a, b), max(a, b), p) for a, b, p in xs))
occupancies = st.builds(
    Occupancy,
    included=st.one_of(st.none(), st.integers(1, 4)),
    extra_adult=st.integers(0, 40000),
    child_bands=bands,
    extra_bed=st.integers(0, 20000),
    beds_for=st.one_of(st.none(), st.integers(1, 4)),
)
plans = st.builds(
    PlanTerms,
    code=st.sampled_from(["FLEX", "NONREF", "BB"]),
    name=st.just("Plan"),
    adjustment=adjustments,
    occupancy=occupancies,
    included=st.lists(
        st.builds(
            Included,
            code=st.just("BRK"),
            name=st.just("Breakfast"),
            unit=st.sampled_from(["per_stay", "per_night", "per_person_per_night"]),
            value=st.integers(0, 5000),
        ),
        max_size=2,
    ).map(tuple),
    payment=st.sampled_from([PREPAY, DEPOSIT, AT_HOTEL]),
    deposit_percent=st.integers(1, 99),
)
promos = st.one_of(
    st.none(),
    st.builds(Promo, code=st.just("P"), percent=st.integers(1, 100)),
    st.builds(Promo, code=st.just("P"), percent=st.none(), amount=st.integers(1, 500000)),
)
city_taxes = st.one_of(
    st.just(CityTax()),
    st.builds(
        CityTax,
        kind=st.just("per_person"),
        value=st.integers(1, 1000).map(Decimal),
        from_age=st.integers(0, 18),
        max_nights=st.one_of(st.none(), st.integers(1, 7)),
    ),
    st.builds(
        CityTax,
        kind=st.just("percent"),
        value=st.decimals(Decimal("0.1"), Decimal("10"), places=2),
        max_nights=st.one_of(st.none(), st.integers(1, 7)),
    ),
)
rules = st.lists(
    st.builds(
        RateRule,
        name=st.sampled_from(["Weekend", "Season"]),
        kind=st.sampled_from([PERCENT, FIXED]),
        value=st.integers(0, 80000),
        weekdays=st.frozensets(st.integers(0, 6), max_size=3),
        priority=st.integers(0, 3),
    ),
    max_size=3,
)
stays = st.tuples(st.integers(0, 30), st.integers(1, 14))
guests = st.tuples(st.integers(1, 4), st.lists(st.integers(0, 17), max_size=3))
calendars = st.dictionaries(
    st.sampled_from(["FLEX", "NONREF", "BB"]),
    st.dictionaries(st.integers(0, 44), st.integers(0, 300000), max_size=5),
    max_size=2,
)


NO_CITY_TAX = CityTax()


def priced(plan, stay, party, promo=None, city=NO_CITY_TAX, rule_list=(), calendar=None, tax="12"):
    start, nights = stay
    check_in = START + timedelta(days=start)
    return price_stay(
        room_type="Deluxe",
        base_price=100000,
        currency="INR",
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        plan=plan,
        adults=party[0],
        children_ages=party[1],
        rules=rule_list,
        calendar={
            code: {START + timedelta(days=k): v for k, v in days.items()}
            for code, days in (calendar or {}).items()
        },
        promo=promo,
        tax_percent=Decimal(tax),
        city_tax=city,
    )


@settings(max_examples=200)
@given(
    plans,
    stays,
    guests,
    promos,
    city_taxes,
    rules,
    calendars,
    st.sampled_from(["0", "5", "12", "18.5"]),
)
def test_the_quote_adds_up_to_the_minor_unit(
    plan, stay, party, promo, city, rule_list, calendar, tax
):
    q = priced(plan, stay, party, promo, city, rule_list, calendar, tax)
    amounts = [line["amount"] for line in q.lines]
    assert all(isinstance(a, int) for a in amounts)
    assert q.total == sum(amounts) == q.subtotal + q.tax + q.city_tax
    assert q.subtotal == sum(n.amount for n in q.nightly) >= 0
    assert q.discount == sum(n.gross for n in q.nightly) - q.subtotal >= 0
    assert q.tax == percent_of(q.subtotal, Decimal(tax))
    assert len(q.nightly) == stay[1]
    # The promo never lowers the city tax.
    assert q.city_tax == priced(plan, stay, party, None, city, rule_list, calendar, tax).city_tax
    # What is due now follows the terms.
    if plan.payment == PREPAY:
        assert q.due_now == q.total
    elif plan.payment == AT_HOTEL:
        assert q.due_now == 0
    else:
        assert q.due_now == percent_of(q.total, plan.deposit_percent) <= q.total


@settings(max_examples=150)
@given(plans, stays, guests, st.integers(0, 17))
def test_one_more_guest_never_costs_less(plan, stay, party, age):
    before = priced(plan, stay, party)
    assert priced(plan, stay, (party[0] + 1, party[1])).total >= before.total
    assert priced(plan, stay, (party[0], [*party[1], age])).total >= before.total
    # The children's order does not matter.
    assert priced(plan, stay, (party[0], sorted(party[1]))).total == before.total


@given(stays, st.integers(1, 4), st.integers(1, 1000), st.integers(1, 7))
def test_city_tax_per_person_is_capped_at_its_nights(stay, adults, value, cap):
    city = CityTax(kind="per_person", value=Decimal(value), max_nights=cap)
    q = priced(PlanTerms(code="FLEX", name="Flexible"), stay, (adults, [4, 16]), city=city)
    assert q.city_tax == value * adults * min(stay[1], cap)  # children under 18 are exempt


def test_child_bands_included_guests_and_extra_beds():
    plan = PlanTerms(
        code="FAM",
        name="Family",
        occupancy=Occupancy(
            included=2,
            extra_adult=2000,
            child_bands=(ChildBand(0, 2, 0), ChildBand(3, 11, 1500)),
            extra_bed=700,
            beds_for=3,
        ),
    )
    one_night = (0, 1)
    assert priced(plan, one_night, (2, [])).subtotal == 100000
    assert priced(plan, one_night, (2, [1])).subtotal == 100000  # an infant is free
    assert priced(plan, one_night, (2, [5])).subtotal == 100000 + 1500
    assert priced(plan, one_night, (2, [14])).subtotal == 100000 + 2000  # no band: as an adult
    assert priced(plan, one_night, (1, [5])).subtotal == 100000  # within the two included
    assert priced(plan, one_night, (2, [5, 1])).subtotal == 100000 + 1500 + 0 + 700


def test_non_refundable_is_never_free_and_flexible_ends_the_evening_before_its_window():
    assert free_until(date(2027, 3, 10), parse_policy("0:0"), "Europe/Paris") is None
    end = free_until(date(2027, 3, 10), parse_policy("7:100,2:50,0:0"), "Europe/Paris")
    assert end.isoformat() == "2027-03-04T00:00:00+01:00"  # all of 3 March is free


def test_the_room_line_names_the_plan_and_counts_nights():
    plan = PlanTerms(code="FLEX", name="Flexible")
    assert priced(plan, (0, 1), (2, [])).lines[0]["label"] == "Flexible, 1 night"
    assert priced(plan, (0, 3), (2, [])).lines[0]["label"] == "Flexible, 3 nights"
