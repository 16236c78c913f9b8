"""The guest site in chromium: search, book, pay through Stripe.js (localstripe's stand-in),
confirmation, manage, cancel. localstripe delivers its signed webhooks to the live app.

Screenshots of every step land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File

from bookings.models import Booking
from payments.models import Payment
from rooms.demo import PHOTOS
from rooms.photos import room_add_photo
from rooms.services import room_create
from tests.hotel.site.pages import dress_type

from .conftest import page_width

VISA = "4242424242424242"
DECLINED = "4000000000000341"  # localstripe: the token is fine, the charge is declined
THREE_D_SECURE = "4000002760003184"  # localstripe: always asks for 3-D Secure


@pytest.fixture
def hotel_rooms():
    """One room of each type, with the demo photos (price 4,500 / 7,000 / 12,500 a night); each
    type described as staff would, with its own gallery (the Deluxe has three photos)."""
    now = datetime.now(UTC)
    rooms = [
        ("R-101", "Standard", 2, 450000, ["WiFi", "AC", "TV"], "A quiet double room."),
        ("R-102", "Deluxe", 3, 700000, ["WiFi", "Sea view", "Bathtub"], "A sea view."),
        ("R-103", "Suite", 4, 1250000, ["WiFi", "Balcony", "Living room"], "Two rooms."),
    ]
    for room_id, kind, capacity, price, amenities, text in rooms:
        room_create(
            data={
                "roomId": room_id,
                "roomType": kind,
                "floorNumber": 1,
                "capacity": capacity,
                "pricePerNight": price,
                "amenities": amenities,
                "description": text,
            },
            actor="test",
            now=now,
        )
        with open(PHOTOS / f"{kind.lower()}.jpg", "rb") as fh:
            room_add_photo(
                room_id=room_id, upload=File(fh, name=f"{kind.lower()}.jpg"), actor="test", now=now
            )
    dress_type("Standard", beds="1 queen", sizeM2=20, photos=("standard.jpg",))
    dress_type(
        "Deluxe",
        beds="1 king",
        sizeM2=28,
        photos=("deluxe.jpg", "deluxe-view.jpg", "deluxe-bathroom.jpg"),
    )
    dress_type("Suite", beds="1 king + sofa bed", sizeM2=45, photos=("suite.jpg", "suite-view.jpg"))
    return rooms


def serve_media(page):
    """The test stage does not route /media/ (DEBUG is off): the browser reads the uploaded
    photos straight from MEDIA_ROOT instead."""
    root = Path(settings.MEDIA_ROOT)

    def handle(route):
        path = root / route.request.url.split("/media/", 1)[1].split("?")[0]
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)

    page.route("**/media/**", handle)


def record_posts(page, live_app) -> list[str]:
    """Bodies of every POST the page sends to the hotel (never to Stripe)."""
    bodies: list[str] = []

    def on_request(request):
        if request.method == "POST" and request.url.startswith(live_app):
            bodies.append(request.post_data or "")

    page.on("request", on_request)
    return bodies


def stay(offset: int = 30, nights: int = 2) -> tuple[str, str]:
    start = date.today() + timedelta(days=offset)
    return start.isoformat(), (start + timedelta(days=nights)).isoformat()


def search_and_book(page, screenshot, *, prefix: str = "", room_type: str = "Standard"):
    """Home → results → book form → pay page; returns the pay page's URL."""
    check_in, check_out = stay()
    page.goto("/")
    serve_media_ready = page.locator(".room-card img").first
    serve_media_ready.wait_for()
    screenshot(page, f"{prefix}01-home")
    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", check_out)
    page.fill("#id_adults", "2")
    page.get_by_role("button", name="Check availability").click()
    page.wait_for_url(re.compile(r"/search\?"))
    results = page.locator(".result")
    assert results.count() == 3  # one card per room type
    screenshot(page, f"{prefix}02-results")
    assert "R-10" not in page.content()  # the rooms are the hotel's business
    card = results.filter(has=page.get_by_role("heading", name=room_type))
    assert "Only 1 left" in card.inner_text()
    # Two nights of 4,500.00 plus 12 % tax.
    if room_type == "Standard":
        assert "₹10,080.00" in card.inner_text()
    card.get_by_role("link", name="Book", exact=True).click()
    page.wait_for_url(re.compile(rf"/book/{room_type}/\?"))
    page.fill("#id_guest_name", "Ada Lovelace")
    page.fill("#id_guest_email", "ada@guest.test")
    page.fill("#id_guest_phone", "+44 20 7946 0000")
    page.fill("#id_notes", "Late arrival, around 22:00.")
    screenshot(page, f"{prefix}03-details")
    page.get_by_role("button", name=re.compile("Hold this room")).click()
    page.wait_for_url(re.compile(r"/booking/.+/pay$"))
    page.locator("#card-element input").first.wait_for()
    assert page.locator("#pay-button").is_enabled()
    return page.url


def enter_card(page, number: str) -> None:
    element = page.locator("#card-element")
    element.locator("input[placeholder=number]").fill(number)
    element.locator("input[placeholder=exp_month]").fill("12")
    element.locator("input[placeholder=exp_year]").fill("34")
    element.locator("input[placeholder=cvc]").fill("123")
    element.locator("input[placeholder=postal_code]").fill("10001")


def booking_of(page) -> Booking:
    reference = re.search(r"/booking/(BK-[0-9]{8}-[A-Z0-9]{8}):", page.url).group(1)
    return Booking.get(reference, consistent_read=True)


def wait_for(predicate, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_guest_searches_books_pays_and_cancels_with_a_full_refund(
    page, live_app, hotel_rooms, localstripe_webhooks, screenshot
):
    serve_media(page)
    posts = record_posts(page, live_app)
    search_and_book(page, screenshot)
    booking = booking_of(page)
    assert booking.status == "pending" and booking.source == "web"
    assert (booking.roomType, booking.roomId) == ("Standard", None)  # the hotel assigns it
    assert "held for you until" in page.inner_text("main")
    screenshot(page, "04-pay")

    enter_card(page, VISA)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.wait_for_url(re.compile(r"/confirmation$"))
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    assert page.get_by_test_id("reference").inner_text() == booking.bookingId
    assert page.get_by_test_id("paid").inner_text().startswith("₹10,080.00")
    screenshot(page, "05-confirmation")
    assert Booking.get(booking.bookingId, consistent_read=True).status == "confirmed"
    # The card went to Stripe only: the hotel received a token, never the number.
    assert posts and not any(VISA in body for body in posts)
    assert any("stripe_token=tok_" in body for body in posts)

    page.get_by_role("link", name="Manage my booking").first.click()
    page.get_by_test_id("status").wait_for()
    assert "Confirmed" in page.get_by_test_id("status").inner_text()
    assert "Paid" in page.inner_text("table")
    screenshot(page, "06-manage")

    page.get_by_role("link", name="Cancel booking").click()
    refund = page.get_by_test_id("refund").inner_text()
    assert "we refund ₹10,080.00" in refund  # 30 days ahead: the policy gives it all back
    screenshot(page, "07-cancel-quote")
    page.get_by_role("button", name="Yes, cancel my booking").click()
    page.get_by_text("Your booking is cancelled. We are refunding ₹10,080.00").wait_for()
    assert "Cancelled" in page.get_by_test_id("status").inner_text()
    screenshot(page, "08-cancelled")
    assert Booking.get(booking.bookingId, consistent_read=True).status == "cancelled"
    payment = next(Payment.by_booking.query(booking.bookingId))
    assert payment.status == "refunded" and payment.refundedAmount == 1008000
    assert page.js_errors == []


def test_a_declined_card_is_shown_and_another_card_then_pays(
    page, live_app, hotel_rooms, localstripe_webhooks, screenshot
):
    serve_media(page)
    search_and_book(page, screenshot)
    enter_card(page, DECLINED)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    error = page.locator("#card-errors")
    error.get_by_text(re.compile("declined", re.I)).wait_for()
    assert page.locator("#pay-button").is_enabled()
    assert "/pay" in page.url
    screenshot(page, "01-declined")
    booking = booking_of(page)
    assert booking.status == "pending"

    enter_card(page, VISA)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    screenshot(page, "02-confirmed-after-retry")
    statuses = sorted(p.status for p in Payment.by_booking.query(booking.bookingId))
    assert statuses == ["completed", "failed"]
    assert page.js_errors == []


def test_a_3d_secure_card_is_authenticated_in_the_page_and_settled_by_the_webhook(
    page, live_app, hotel_rooms, localstripe_webhooks, screenshot
):
    serve_media(page)
    search_and_book(page, screenshot, room_type="Deluxe")
    booking = booking_of(page)
    enter_card(page, THREE_D_SECURE)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    confirm = page.get_by_role("button", name="Complete authentication")
    confirm.wait_for()
    assert "Your bank asks you to confirm" in page.inner_text("#pay-progress")
    screenshot(page, "01-3ds-challenge")
    payment = next(Payment.by_booking.query(booking.bookingId))
    assert payment.status == "requires_action"
    confirm.click()
    # Only the webhook completes a 3-D Secure payment.
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    screenshot(page, "02-confirmed")
    assert Booking.get(booking.bookingId, consistent_read=True).status == "confirmed"
    assert Payment.get(payment.transactionId, consistent_read=True).status == "completed"
    assert page.js_errors == []


def test_a_failed_3d_secure_check_is_shown_and_the_guest_can_pay_again(
    page, live_app, hotel_rooms, localstripe_webhooks, screenshot
):
    serve_media(page)
    search_and_book(page, screenshot)
    booking = booking_of(page)
    enter_card(page, THREE_D_SECURE)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.get_by_role("button", name="Fail authentication").click()
    page.locator("#card-errors").get_by_text("Your bank could not confirm the payment").wait_for()
    assert page.locator("#pay-button").is_enabled()
    screenshot(page, "01-3ds-failed")
    assert Booking.get(booking.bookingId, consistent_read=True).status == "pending"

    enter_card(page, VISA)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    assert Booking.get(booking.bookingId, consistent_read=True).status == "confirmed"
    assert page.js_errors == []


def test_a_result_s_gallery_shows_a_thumbnail_large_and_loads_lower_photos_on_scroll(
    page, live_app, hotel_rooms, screenshot
):
    serve_media(page)
    check_in, check_out = stay()
    page.goto(f"/search?check_in={check_in}&check_out={check_out}&guests=2")
    deluxe = page.locator(".result").filter(has=page.get_by_role("heading", name="Deluxe"))
    large = deluxe.locator(".result__photo")
    thumbs = deluxe.locator(".thumbs a")
    assert thumbs.count() == 3
    first = large.get_attribute("src")
    thumbs.nth(2).click()
    assert large.get_attribute("src") == thumbs.nth(2).get_attribute("data-photo") != first
    assert thumbs.nth(2).get_attribute("aria-current") == "true"
    assert thumbs.nth(0).get_attribute("aria-current") is None
    assert "/search?" in page.url  # JS swapped the photo; the link was not followed
    suite = page.locator(".result").last.locator(".result__photo")
    suite.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=suite.element_handle()
    )
    screenshot(page, "01-gallery")
    assert page.js_errors == []


def test_validation_errors_are_shown_next_to_their_fields(page, live_app, hotel_rooms, screenshot):
    serve_media(page)
    check_in, _ = stay()
    page.goto("/")
    # The site's own stylesheet (served by the app, no CDN) is applied.
    header = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(header) == "rgb(18, 50, 74)"
    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", (date.today() + timedelta(days=10)).isoformat())  # before it
    page.get_by_role("button", name="Check availability").click()
    page.wait_for_url(re.compile(r"/search\?"))
    check_out = page.locator("#id_check_out")
    assert check_out.get_attribute("aria-invalid") == "true"
    described = check_out.get_attribute("aria-describedby")
    assert "Check-out must be after check-in." in page.locator(f"#{described}").inner_text()
    screenshot(page, "01-reversed-dates")

    page.fill("#id_check_in", (date.today() - timedelta(days=3)).isoformat())
    page.fill("#id_check_out", (date.today() + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Check availability").click()
    page.get_by_text("Check-in cannot be in the past.").wait_for()

    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", (date.today() + timedelta(days=100)).isoformat())
    page.get_by_role("button", name="Check availability").click()
    page.get_by_text(re.compile("A booking can be at most 30 nights")).wait_for()

    check_in, check_out = stay()
    page.goto(f"/search?check_in={check_in}&check_out={check_out}&guests=2")
    page.locator(".result").first.get_by_role("link", name="Book", exact=True).click()
    page.fill("#id_guest_email", "not-an-email")
    page.get_by_role("button", name=re.compile("Hold this room")).click()
    name = page.locator("#id_guest_name")
    name.wait_for()
    assert name.get_attribute("aria-invalid") == "true"
    assert "required" in page.locator("#id_guest_name_error").inner_text()
    assert "valid email" in page.locator("#id_guest_email_error").inner_text()
    assert "helptext" in page.locator("#id_guest_email").get_attribute("aria-describedby")
    screenshot(page, "02-details-errors")
    assert Booking.count() == 0
    assert page.js_errors == []


def test_the_main_flow_works_on_a_phone(
    phone_page, live_app, hotel_rooms, localstripe_webhooks, screenshot
):
    page = phone_page
    serve_media(page)
    search_and_book(page, screenshot)
    screenshot(page, "04-pay")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page_width(page) <= 390
    enter_card(page, VISA)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    screenshot(page, "05-confirmation")
    page.get_by_role("link", name="Manage my booking").first.click()
    page.get_by_test_id("status").wait_for()
    screenshot(page, "06-manage")
    assert page_width(page) <= 390
    assert page.js_errors == []


def test_guest_finds_the_booking_by_reference_and_email_and_moves_the_dates(
    page, live_app, hotel_rooms, screenshot
):
    serve_media(page)
    search_and_book(page, screenshot)
    booking = booking_of(page)
    page.goto("/booking/find")
    page.fill("#id_reference", booking.bookingId)
    page.fill("#id_email", "someone-else@guest.test")
    page.get_by_role("button", name="Find my booking").click()
    alert = page.get_by_role("alert")
    alert.get_by_text("We could not find a booking with that reference and email").wait_for()
    screenshot(page, "01-lookup-not-found")
    page.fill("#id_email", "ADA@guest.test")
    page.get_by_role("button", name="Find my booking").click()
    page.get_by_test_id("status").wait_for()
    assert "Awaiting payment" in page.get_by_test_id("status").inner_text()
    screenshot(page, "02-manage-pending")

    page.get_by_role("link", name="Change dates").click()
    check_in, check_out = stay(offset=45, nights=3)
    page.fill("#id_check_in", check_in)
    page.fill("#id_check_out", check_out)
    page.get_by_role("button", name="See the new price").click()
    preview = page.get_by_test_id("change-preview")
    assert "₹15,120.00" in preview.inner_text()  # 3 nights of 4,500.00 + 12 %
    screenshot(page, "03-change-preview")
    assert Booking.get(booking.bookingId, consistent_read=True).checkIn != check_in
    preview.get_by_role("button", name="Confirm the new dates").click()
    page.wait_for_url(re.compile(r"/pay$"))
    assert page.get_by_role("button", name="Pay ₹15,120.00").is_visible()
    screenshot(page, "04-pay-new-price")
    changed = Booking.get(booking.bookingId, consistent_read=True)
    assert (changed.checkIn, changed.checkOut, changed.totalPrice) == (check_in, check_out, 1512000)

    # The same link with its signature reversed: a plain 404 in the site's look.
    tampered = re.sub(r"(BK-[^:/]+):([\w-]+)", lambda m: f"{m[1]}:{m[2][::-1]}", page.url)
    response = page.goto(tampered)
    assert response.status == 404
    page.get_by_role("heading", name="We could not find that page").wait_for()
    screenshot(page, "05-not-found")
    assert page.js_errors == []


def test_an_abandoned_3d_secure_check_stops_waiting_and_another_card_pays(
    page, live_app, hotel_rooms, localstripe_webhooks, screenshot, settings
):
    settings.HOTEL_3DS_ABANDONED_AFTER_SECONDS = 3  # the page gives up on the bank after 3 s
    serve_media(page)
    pay_url = search_and_book(page, screenshot)
    booking = booking_of(page)
    enter_card(page, THREE_D_SECURE)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.get_by_role("button", name="Complete authentication").wait_for()  # …never answered
    page.locator("#card-errors").get_by_text("check was not completed").wait_for()
    assert "try again, or use another card" in page.inner_text("#card-errors").lower()
    assert page.locator("#pay-button").is_enabled()
    assert page.locator("#pay-progress").is_hidden()
    screenshot(page, "01-3ds-abandoned")
    (abandoned,) = Payment.by_booking.query(booking.bookingId)
    assert abandoned.status == "requires_action"

    # Coming back later (the back button, the email's link): no endless "Confirming…".
    page.goto(pay_url.replace("/pay", "/confirmation"))
    page.wait_for_url(re.compile(r"/pay$"))
    assert "Your last payment was not completed" in page.inner_text("main")
    screenshot(page, "02-back-on-the-pay-page")
    page.locator("#card-element input").first.wait_for()
    enter_card(page, VISA)
    page.get_by_role("button", name="Pay ₹10,080.00").click()
    page.get_by_role("heading", name="Your booking is confirmed").wait_for()
    screenshot(page, "03-confirmed")
    statuses = sorted(p.status for p in Payment.by_booking.query(booking.bookingId))
    assert statuses == ["cancelled", "completed"]  # the abandoned attempt can never charge
    assert Payment.get(abandoned.transactionId, consistent_read=True).status == "cancelled"
    assert page.js_errors == []
