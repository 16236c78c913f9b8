import datetime as dt
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.services import hotel_today, rooms_assign


class Command(BaseCommand):
    help = (
        "Assign rooms to every live booking with a night in a date range (default: tomorrow, "
        "the evening job), moving stays the product placed as needed; prints what it did."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="First night, YYYY-MM-DD (default: tomorrow).")
        parser.add_argument("--days", type=int, default=1, help="Nights from --date (1-62).")

    def handle(self, *args, date=None, days=1, **options):
        now = timezone.now()
        try:
            start = dt.date.fromisoformat(date) if date else hotel_today(now) + timedelta(days=1)
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        if not 1 <= days <= 62:
            raise CommandError("--days must be between 1 and 62")
        result = rooms_assign(
            start=start, end=start + timedelta(days=days), actor="system:assign-rooms", now=now
        )
        self.stdout.write(
            f"{start}: {len(result.assigned)} assigned, {len(result.moved)} moved, "
            f"{len(result.unplaced)} unplaced"
        )
        for miss in result.unplaced:
            self.stdout.write(f"  {miss['bookingId']}: {miss['reason']}")
