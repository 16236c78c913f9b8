"""Reservations: one reference, one booker, one or more stays (bookings) booked together."""
