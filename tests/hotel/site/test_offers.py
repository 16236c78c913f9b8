"""The guest site sells rate plans: one card per room type with its offers (plan, what is
included, the cancellation deadline as a date, payment terms, total), children's ages and
promo codes in the search, restrictions said in words, and the booking page that books the
chosen offer at the price shown. Through Django's test client, on the real clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from bookings.models import PROMO_ITEM, Booking, PromoCode, RateDay, RatePlan
from bookings.rate_reads import calendar_slot
from hotel.stamps import stamp_bump
from rooms.room_types import CATALOG

from .pages import guest_form, html, stay, today  # noqa: F401

SUITE = "/book/Suite/"


def plan(code: str, **fields) -> RatePlan:
    """A rate plan as the plans' API stores one; the catalog stamp makes searches see it."""
    data = {
        "ratePlan": code,
        "name": code.title(),
        "roomTypes": [],
        "channels": ["web", "api", "staff"],
        "active": True,
        "payment": "prepay",
        "lastUpdated": datetime.now(UTC),
        **fields,
    }
    item = RatePlan(**data)
    item.save()
    stamp_bump(CATALOG)
    return item


def promo(code: str = "SPRING10", **fields) -> PromoCode:
    item = PromoCode(
        code=code, item=PROMO_ITEM, **{"percent": 10, "uses": 0, "active": True, **fields}
    )
    item.save()
    return item


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(minor: int) -> str:
    return f"₹{minor // 100:,}.{minor % 100:02d}"


def moment(day: date) -> str:
    """A day at 23:59 as the site writes it (hotel/formats: "Fri 26 Feb 2027, 23:59")."""
    return f"{day:%a} {day.day} {day:%b} {day.year}, 23:59"


def offers_of(page: str, type_name: str) -> list[str]:
    [card] = [c for c in page.split('<li class="card result') if f'-name">{type_name}</h2>' in c]
    return card.split('data-testid="offer"')[1:]


@pytest.fixture
def suite(make_room):
    """A type for four: 8,000.00 a night (12 % tax)."""
    return make_room(roomId="F-1", roomType="Suite", capacity=4, pricePerNight=800000)


@pytest.fixture
def nonref():
    return plan(
        "NONREF",
        name="Non-refundable",
        adjustment={"kind": "percent", "value": -15},
        cancellation="0:0",
        occupancy={
            "included": 2,
            "extraAdult": 2000,
            "childBands": [
                {"fromAge": 0, "toAge": 2, "price": 0},
                {"fromAge": 3, "toAge": 11, "price": 1500},
            ],
        },
    )


def search(client, **params):
    query = {**stay(), "adults": 2, **params}
    return client.get("/search", query)


# --- offers ---------------------------------------------------------------------------------


def test_each_plan_is_an_offer_with_its_terms_cheapest_first(client, suite, nonref):
    plan(
        "BB",
        name="Bed & breakfast",
        adjustment={"kind": "fixed", "value": 150000},
        payment="deposit",
        depositPercent=30,
        included=[
            {"code": "BRK", "name": "Breakfast", "unit": "per_person_per_night", "value": 50000}
        ],
    )
    plan("HOTEL", name="Pay later", payment="at_hotel", cancellation="1:100,0:0", sortOrder=5)
    dates = stay()
    page = html(search(client))
    offers = offers_of(page, "Suite")
    names = [re.search(r'-name">([^<]+)</h3>', o).group(1) for o in offers]
    assert names == ["Non-refundable", "Flexible", "Pay later", "Bed &amp; breakfast"]
    nonref_offer, flex, later, bb = offers
    # 2 nights × 8,000.00 − 15 % = 13,600.00, + 12 % tax
    assert money(1360000 + 163200) in nonref_offer
    assert "Non-refundable" in nonref_offer and "Pay now" in nonref_offer
    check_in = date.fromisoformat(dates["check_in"])
    # The hotel's policy "7:100,…": free until the end of the 7th day before arrival.
    assert f"Free cancellation until {moment(check_in - timedelta(days=7))}" in flex
    assert f"Free cancellation until {moment(check_in - timedelta(days=1))}" in later
    assert "Pay at the hotel" in later
    assert "Breakfast included" in bb and "Pay 30 % now, the rest at the hotel" in bb
    assert money(2 * 950000 * 112 // 100) in bb
    for offer, code in zip(offers, ["NONREF", "FLEX", "HOTEL", "BB"], strict=True):
        url = re.search(r'href="(/book/Suite/\?[^"]+)"', offer).group(1)
        assert f"rate_plan={code}" in url and "adults=2" in url and "check_in=" in url
    assert "F-1" not in page


def test_a_plan_not_sold_on_the_web_is_not_offered_nor_bookable(client, suite):
    plan("DESK", name="Desk only", channels=["staff"])
    page = html(search(client))
    assert "Desk only" not in page
    for code in ("DESK", "NOSUCH"):
        response = client.get(SUITE, {**stay(), "adults": 2, "rate_plan": code})
        assert response.status_code == 302
        assert (
            response["Location"].startswith("/search?") and "rate_plan" not in response["Location"]
        )
        followed = html(client.get(response["Location"]))
        assert "That rate is no longer offered online" in followed
    posted = client.post(SUITE, guest_form(adults=2, rate_plan="DESK"))
    assert posted.status_code == 302 and Booking.count() == 0


def test_the_old_guests_parameter_still_means_adults(client, suite):
    page = html(client.get("/search", {**stay(), "guests": 3}))
    assert "3 adults" in page
    assert "adults=3" in re.search(r'href="(/book/Suite/\?[^"]+)"', page).group(1)


# --- children -------------------------------------------------------------------------------


def test_children_ages_price_the_offer_by_its_bands(client, suite, nonref):
    page = html(search(client, children=2, age_1=4, age_2=1))
    assert "2 adults, 2 children" in page
    [nonref_offer, flex] = offers_of(page, "Suite")
    # A night: 8,000.00 − 15 % = 6,800.00; two included; the 4-year-old 15.00, the baby 0.
    night = 680000 + 1500
    assert money(2 * night + half_up(Decimal(2 * night) * 12 / 100)) in nonref_offer
    assert money(1792000) in flex  # FLEX prices the room: children cost nothing more
    url = re.search(r'href="(/book/Suite/\?[^"]+)"', nonref_offer).group(1).replace("&amp;", "&")
    assert "children=2&age_1=4&age_2=1" in url
    book = html(client.get(url))
    assert "2 adults, 2 children" in book and "aged 4, 1" in book
    assert money(2 * night + half_up(Decimal(2 * night) * 12 / 100)) in book


def test_a_child_without_an_age_is_asked_for_it_and_hidden_selects_wait(client, suite):
    page = html(search(client, children=2, age_1=7))
    assert "Choose the age of child 2." in page
    assert 'data-testid="offer"' not in page
    assert re.search(r'<fieldset class="child-ages" data-child-ages>', page)  # shown
    shown = re.findall(r'<div class="child-age" data-child="(\d)"(?: hidden)?>', page)
    hidden = re.findall(r'<div class="child-age" data-child="(\d)" hidden>', page)
    assert len(shown) == 8 and hidden == ["3", "4", "5", "6", "7", "8"]
    none = html(search(client))
    assert '<fieldset class="child-ages" data-child-ages hidden>' in none


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"children": "9"}, "Select a valid choice."),
        ({"children": "1", "age_1": "18"}, "Select a valid choice."),
        ({"adults": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_guests_are_refused_on_their_field(client, suite, params, message):
    page = html(search(client, **params))
    assert message in page and 'data-testid="offer"' not in page


def test_a_type_too_small_for_the_party_is_not_offered(client, suite, make_room):
    make_room(roomId="S-1", roomType="Standard", capacity=2, pricePerNight=450000)
    page = html(search(client, children=1, age_1=5))
    assert offers_of(page, "Suite") and "Standard</h2>" not in page


# --- promo codes ----------------------------------------------------------------------------


def test_a_promo_code_takes_its_percent_off_and_follows_the_book_link(client, suite):
    promo(maxUses=5)
    page = html(search(client, promo_code="spring10"))
    [flex] = offers_of(page, "Suite")
    # 2 × 8,000.00 − 10 % = 14,400.00 + 12 % tax
    assert money(1440000 + 172800) in flex
    assert "−₹1,600.00 with SPRING10" in flex
    url = re.search(r'href="(/book/Suite/\?[^"]+)"', flex).group(1).replace("&amp;", "&")
    assert "promo_code=SPRING10" in url
    book = html(client.get(url))
    assert "Promo code SPRING10" in book and "-₹1,600.00" in book
    response = client.post(
        SUITE, {**dict(re.findall(r"(\w+)=([^&]+)", url.split("?")[1])), **guest_form()}
    )
    assert response.status_code == 302
    [booking] = list(Booking.scan())
    assert (booking.promoCode, booking.discount, booking.totalPrice) == (
        "SPRING10",
        160000,
        1612800,
    )
    assert PromoCode.get("SPRING10", PROMO_ITEM).uses == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"bookTo": "2020-01-01"}, "This promo code has expired."),
        ({"maxUses": 1, "uses": 1}, "This promo code has been used up."),
        ({"active": False}, "This promo code does not exist."),
    ],
)
def test_a_refused_promo_code_is_said_on_its_field_and_the_results_stay(
    client, suite, fields, message
):
    promo(**fields)
    response = search(client, promo_code="SPRING10")
    page = html(response)
    assert response.status_code == 200
    assert message in page
    assert 'id="id_promo_code_error"' in page and 'aria-invalid="true"' in page
    [flex] = offers_of(page, "Suite")
    assert money(1792000) in flex and "with SPRING10" not in flex  # priced without it
    assert "promo_code" not in re.search(r'href="(/book/[^"]+)"', flex).group(1)


def test_an_unknown_promo_code_on_the_booking_form_keeps_what_was_typed(client, suite):
    response = client.post(SUITE, guest_form(adults=2, promo_code="NOPE", guest_name="Kept Name"))
    page = html(response)
    assert response.status_code == 200
    assert "This promo code does not exist." in page and 'id="id_promo_code_error"' in page
    assert 'value="Kept Name"' in page and Booking.count() == 0


def test_a_promo_used_up_after_the_search_is_refused_at_booking_with_nothing_lost(client, suite):
    promo(maxUses=1)
    url = re.search(
        r'href="(/book/Suite/\?[^"]+)"', html(search(client, promo_code="SPRING10"))
    ).group(1)
    PromoCode(code="SPRING10", item=PROMO_ITEM).update(actions=[PromoCode.uses.add(1)])
    book = html(client.get(url.replace("&amp;", "&")))
    assert "This promo code has been used up. The price shown is without it." in book
    form = guest_form(adults=2, promo_code="SPRING10", guest_name="Kept Name")
    page = html(client.post(SUITE, form))
    assert "This promo code has been used up." in page and 'value="Kept Name"' in page
    assert Booking.count() == 0
    assert client.post(SUITE, {**form, "promo_code": ""}).status_code == 302  # without it


# --- restrictions ---------------------------------------------------------------------------


def test_a_type_refused_by_a_restriction_says_why_instead_of_vanishing(client, suite, make_room):
    make_room(roomId="S-1", roomType="Standard", capacity=2, pricePerNight=450000)
    dates = stay()
    check_in = date.fromisoformat(dates["check_in"])
    RateDay(
        month=check_in.strftime("%Y-%m"),
        slot=calendar_slot(check_in, "Suite", "FLEX"),
        date=check_in.isoformat(),
        roomType="Suite",
        ratePlan="FLEX",
        minStay=3,
    ).save()
    page = html(search(client))
    assert offers_of(page, "Standard")
    [refused] = page.split('data-testid="refused"')[1:]
    assert "Suite</h2>" in refused
    day = f"{check_in:%a} {check_in.day} {check_in:%b} {check_in.year}"
    assert f"Stays arriving on {day} must be at least 3 nights." in refused
    assert 'data-testid="offer"' not in refused
    book = client.get(SUITE, {**dates, "adults": 2})
    assert f"Stays arriving on {day} must be at least 3 nights." in html(book)
    posted = html(client.post(SUITE, guest_form(adults=2)))
    assert "must be at least 3 nights" in posted and Booking.count() == 0


# --- the booking, the pay and manage pages --------------------------------------------------


def test_the_offer_is_booked_under_its_plan_for_the_party_and_the_pages_show_its_terms(
    client, suite, nonref
):
    page = html(search(client, children=1, age_1=4))
    [nonref_offer, _flex] = offers_of(page, "Suite")
    shown = re.search(r'data-testid="total">([^<]+)<', nonref_offer).group(1)
    url = re.search(r'href="(/book/Suite/\?[^"]+)"', nonref_offer).group(1).replace("&amp;", "&")
    book = html(client.get(url))
    assert "Non-refundable, 2 nights" in book and "Due now" in book
    assert re.search(r'data-testid="total">([^<]+)<', book).group(1) == shown
    query = dict(re.findall(r"(\w+)=([^&]+)", url.split("?")[1]))
    response = client.post(SUITE, {**query, **guest_form()})
    assert response.status_code == 302
    [booking] = list(Booking.scan())
    assert (booking.ratePlan, booking.adults, booking.childrenAges) == ("NONREF", 2, [4])
    assert booking.guests == 3 and money(booking.totalPrice) == shown
    assert booking.terms["cancellation"] == "0:0"
    pay = html(client.get(response["Location"]))
    assert (
        '<p class="summary__plan-line" data-testid="plan"><strong>Non-refundable</strong></p>'
        in pay
    )
    assert "No refund if cancelled now." in pay
    manage = html(client.get(response["Location"].removesuffix("pay")))
    assert "Non-refundable" in manage


def test_a_flexible_booking_shows_its_free_cancellation_deadline(client, suite):
    dates = stay()
    response = client.post(SUITE, guest_form(adults=2))
    pay = html(client.get(response["Location"]))
    deadline = moment(date.fromisoformat(dates["check_in"]) - timedelta(days=7))
    assert f"<strong>Flexible</strong> · Free cancellation until {deadline}" in pay


def test_a_promo_code_typed_on_the_booking_page_shows_the_new_price_before_booking(client, suite):
    promo(maxUses=5)
    page = html(client.get(SUITE, {**stay(), "adults": 2}))
    shown = re.search(r'name="shown_total" value="(\d+)"', page).group(1)
    assert shown == "1792000"
    form = guest_form(adults=2, promo_code="SPRING10", shown_total=shown)
    again = html(client.post(SUITE, form))
    assert "The price is now ₹16,128.00: please check it and confirm." in again
    assert Booking.count() == 0
    assert re.search(r'name="shown_total" value="(\d+)"', again).group(1) == "1612800"
    response = client.post(SUITE, {**form, "shown_total": "1612800"})
    assert response.status_code == 302
    [booking] = list(Booking.scan())
    assert (booking.totalPrice, booking.promoCode) == (1612800, "SPRING10")
