"""The guest site's pages (templates/site/). A booking is reached by its signed token only."""

from django.urls import path

from . import balance, cart, checkin, checkout, extras, home, manage, pay, reservation_pay, search

urlpatterns = [
    path("", home.home, name="home"),
    # Search and book.
    path("search", search.search, name="site-search"),
    path("book/<str:room_type>/", search.book, name="site-book-type"),
    # The first version booked a room: its links go to the room's type (search.book_room).
    path("book/<str:room_id>", search.book_room, name="site-book"),
    # The cart: several rooms for the same dates, booked together as one reservation.
    path("cart", cart.cart_page, name="site-cart"),
    path("cart/add", cart.cart_add, name="site-cart-add"),
    path("cart/combination", cart.cart_fill, name="site-cart-fill"),
    path("cart/remove", cart.cart_remove, name="site-cart-remove"),
    path("reservation/<str:token>/", checkout.reservation_page, name="site-reservation"),
    # One payment for every room of the reservation (its JS: hotel/static/hotel/reservation_pay.js).
    path("reservation/<str:token>/pay", reservation_pay.pay, name="site-reservation-pay"),
    path("reservation/<str:token>/status", reservation_pay.status, name="site-reservation-status"),
    # Pay for a held booking (Stripe.js), then its confirmation.
    path("booking/<str:token>/pay", pay.pay, name="booking-pay"),
    path("booking/<str:token>/status", pay.status, name="booking-pay-status"),
    path("booking/<str:token>/balance", balance.pay_balance, name="booking-pay-balance"),
    path("booking/<str:token>/confirmation", pay.confirmation, name="booking-confirmation"),
    # Find and manage a booking.
    path("booking/find", manage.lookup, name="booking-find"),
    path("booking/<str:token>/", manage.manage, name="booking-manage"),
    path("booking/<str:token>/cancel", manage.cancel, name="booking-cancel-page"),
    path("booking/<str:token>/change", manage.change, name="booking-change-page"),
    path("booking/<str:token>/extras", extras.add_extra, name="booking-extras-page"),
    path("booking/<str:token>/check-in", checkin.check_in, name="booking-check-in-page"),
]
