from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.checkin.services import invitations_send


class Command(BaseCommand):
    help = (
        "Email the guests of confirmed bookings arriving in two days their link to check in "
        "online (daily; each booking is invited once)."
    )

    def handle(self, *args, **options):
        invitations_send(now=timezone.now(), log=self.stdout.write)
