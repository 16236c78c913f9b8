from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.checkin.services import ids_erase_due


class Command(BaseCommand):
    help = (
        "Erase the ID documents and signatures of online check-ins whose retention "
        "(HOTEL_ID_RETENTION_DAYS after check-out) is over (daily; idempotent)."
    )

    def handle(self, *args, **options):
        ids_erase_due(now=timezone.now(), log=self.stdout.write)
