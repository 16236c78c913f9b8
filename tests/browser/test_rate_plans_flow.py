"""A guest on a small phone books a non-refundable offer for two adults and a child with a
promo code, and pays what the results page showed — to the minor unit.

The expected price is worked out here from the engine's documented rules (base − 15 %, the
child's age band, the promo's 10 %, the tax), not read back from the engine. Screenshots
land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings

from bookings.models import PROMO_ITEM, Booking, PromoCode, RatePlan
from hotel.stamps import stamp_bump
from payments.models import Payment
from rooms.room_types import CATALOG

from .conftest import DESKTOP, _new_page, page_width

# ruff: noqa: F811
from .test_guest_flow import VISA, enter_card, hotel_rooms, serve_media, stay  # noqa: F401

SMALL_PHONE = {"width": 360, "height": 740}
DELUXE_NIGHT = 700000  # hotel_rooms: the Deluxe's price a night


@pytest.fixture
def small_phone(browser, live_app):
    context, page = _new_page(browser, live_app, SMALL_PHONE)
    yield page
    context.close()


@pytest.fixture
def nonref_and_spring10():
    """NONREF for the Deluxe (15 % off, no refund, two guests included, children 3–11 pay
    15.00 a night) and SPRING10 (10 % off, five uses), written as the plans' API writes them."""
    RatePlan(
        ratePlan="NONREF",
        name="Non-refundable",
        roomTypes=["Deluxe"],
        adjustment={"kind": "percent", "value": -15},
        cancellation="0:0",
        payment="prepay",
        channels=["web", "api", "staff"],
        active=True,
        occupancy={
            "included": 2,
            "extraAdult": 2000,
            "childBands": [
                {"fromAge": 0, "toAge": 2, "price": 0},
                {"fromAge": 3, "toAge": 11, "price": 1500},
            ],
        },
        lastUpdated=datetime.now(UTC),
    ).save()
    stamp_bump(CATALOG)
    PromoCode(code="SPRING10", item=PROMO_ITEM, percent=10, maxUses=5, uses=0, active=True).save()


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def expected_total(nights: int) -> int:
    """Two adults and a four-year-old in a Deluxe under NONREF with SPRING10."""
    assert not settings.HOTEL_CITY_TAX  # no city tax in this setup
    night = half_up(Decimal(DELUXE_NIGHT) * Decimal("0.85"))  # the plan: −15 %
    night += 1500  # the child's band (3–11); the two adults are included
    night -= half_up(Decimal(night) * Decimal("0.10"))  # SPRING10, per night
    room = night * nights
    return room + half_up(Decimal(room) * Decimal(settings.HOTEL_TAX_PERCENT) / 100)


def money(minor: int) -> str:
    return f"₹{minor // 100:,}.{minor % 100:02d}"


def test_a_guest_books_a_non_refundable_offer_with_a_child_and_a_promo_code(
    small_phone,
    browser,
    live_app,
    hotel_rooms,
    nonref_and_spring10,
    localstripe_webhooks,
    screenshot,
):
    page = small_phone
    serve_media(page)
    check_in, check_out = stay()
    total = expected_total(nights=2)

    page.goto("/")
    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", check_out)
    page.fill("#id_adults", "2")
    assert page.locator("#id_age_1").is_hidden()
    page.select_option("#id_children", "1")
    assert page.locator("#id_age_1").is_visible() and page.locator("#id_age_2").is_hidden()
    page.select_option("#id_age_1", "4")
    page.fill("#id_promo_code", "spring10")
    screenshot(page, "01-search-form")
    page.get_by_role("button", name="Check availability").click()
    page.wait_for_url(re.compile(r"/search\?"))

    assert "2 adults, 1 child" in page.inner_text(".lead")
    deluxe = page.locator(".result").filter(has=page.get_by_role("heading", name="Deluxe"))
    offer = deluxe.locator("[data-plan=NONREF]")
    assert offer.locator("[data-testid=total]").inner_text() == money(total)
    assert "Non-refundable" in offer.locator("[data-testid=cancellation]").inner_text()
    assert "with SPRING10" in offer.inner_text()
    assert deluxe.locator("[data-testid=offer]").first.get_attribute("data-plan") == "NONREF"
    assert "R-10" not in page.content()  # no room ids on a guest page
    assert page_width(page) <= SMALL_PHONE["width"]
    screenshot(page, "02-results-phone")
    desktop_context, desktop = _new_page(browser, live_app, DESKTOP)
    serve_media(desktop)
    desktop.goto(page.url)
    desktop.locator(".result img").first.wait_for()
    screenshot(desktop, "02-results-desktop")
    desktop_context.close()

    offer.get_by_role("link", name="Book", exact=True).click()
    page.wait_for_url(re.compile(r"/book/Deluxe/\?.*rate_plan=NONREF"))
    assert page.get_by_test_id("total").inner_text() == money(total)
    assert "Non-refundable" in page.get_by_test_id("plan").inner_text()
    page.fill("#id_guest_name", "Ada Lovelace")
    page.fill("#id_guest_email", "ada@guest.test")
    assert page.input_value("#id_promo_code") == "SPRING10"
    assert page_width(page) <= SMALL_PHONE["width"]
    screenshot(page, "03-details")
    page.get_by_role("button", name=re.compile("Hold this room")).click()
    page.wait_for_url(re.compile(r"/booking/.+/pay$"))
    page.locator("#card-element input").first.wait_for()
    reference = re.search(r"/booking/(BK-[0-9]{8}-[A-Z0-9]{8}):", page.url).group(1)
    booking = Booking.get(reference, consistent_read=True)
    assert (booking.ratePlan, booking.adults, booking.childrenAges) == ("NONREF", 2, [4])
    assert (booking.promoCode, booking.totalPrice) == ("SPRING10", total)
    assert "Non-refundable" in page.get_by_test_id("plan").inner_text()
    screenshot(page, "04-pay")

    enter_card(page, VISA)
    page.get_by_role("button", name=f"Pay {money(total)}").click()
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    assert "Non-refundable" in page.get_by_test_id("plan").inner_text()
    assert page.get_by_test_id("paid").inner_text().startswith(money(total))
    assert page_width(page) <= SMALL_PHONE["width"]
    screenshot(page, "05-confirmation")
    (payment,) = Payment.by_booking.query(booking.bookingId)
    assert payment.amount == total == Booking.get(booking.bookingId).totalPrice
    assert PromoCode.get("SPRING10", PROMO_ITEM, consistent_read=True).uses == 1
    assert page.js_errors == []
