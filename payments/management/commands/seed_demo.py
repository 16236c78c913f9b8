"""`manage.py seed_demo`: the demo hotel for `make run` — its page (hotel.demo_profile),
its rooms (rooms.demo), rates, then demo bookings around today (bookings.demo) whose departed
guests paid their bills at the desk (payments.folio.demo), then the demo manager. Here, in
payments, because it seeds bills too: rooms and bookings never import payments."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.demo import seed_demo_bookings
from bookings.rate_demo import seed_demo_rates
from hotel.accounts import roles
from hotel.accounts.services import staff_create, staff_get
from hotel.demo_profile import seed_demo_profile
from payments.folio.demo import demo_settle
from rooms.demo import seed_demo_rooms


class Command(BaseCommand):
    help = "Seed the demo hotel and the demo manager (local stage only; idempotent)."

    def handle(self, *args, **options):
        if settings.STAGE not in ("local", "test"):
            raise CommandError("The demo hotel is for the local stage only.")
        now = timezone.now()
        seed_demo_profile(now=now, log=lambda msg: self.stdout.write(f"  {msg}"))
        seed_demo_rooms(now=now, log=lambda msg: self.stdout.write(f"  {msg}"))
        seed_demo_rates(now=now, log=lambda msg: self.stdout.write(f"  {msg}"))
        seed_demo_bookings(
            now=now, log=lambda msg: self.stdout.write(f"  {msg}"), settle=demo_settle
        )
        email = settings.HOTEL_DEMO_EMAIL
        if staff_get(email=email) is None:
            staff_create(
                email=email,
                password=settings.HOTEL_DEMO_PASSWORD,
                role=roles.MANAGER,
                full_name="Demo Manager",
                actor="demo-seed",
                now=now,
                validate=False,
            )
            self.stdout.write(f"  demo manager {email} created")
        else:
            self.stdout.write(f"  demo manager {email} already there")
