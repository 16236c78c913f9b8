from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.guests.services import profile_link_booking, profile_stay_count
from bookings.models import CHECKED_OUT, Booking


class Command(BaseCommand):
    help = (
        "One-off backfill: link every existing booking to its guest's profile (found or "
        "created by email or phone) and count checked-out stays in the history. Safe to run "
        "again: linking and counting are idempotent. Reads the bookings with a paged Scan "
        "(a one-off command, never a request path)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--page-size", type=int, default=100)

    def handle(self, *args, page_size=100, **options):
        now = timezone.now()
        seen = linked = counted = skipped = 0
        for booking in Booking.scan(page_size=page_size):
            seen += 1
            if profile_link_booking(booking_id=booking.bookingId, now=now) is None:
                skipped += 1  # no email or phone: nothing would find a profile again
                continue
            linked += 1
            if booking.status == CHECKED_OUT:
                counted += profile_stay_count(booking_id=booking.bookingId, now=now)
        self.stdout.write(
            f"{seen} bookings: {linked} linked, {counted} stays counted, "
            f"{skipped} without email or phone"
        )
