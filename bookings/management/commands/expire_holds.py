from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.services import holds_expire


class Command(BaseCommand):
    help = "Expire unpaid holds whose time is up and release their nights (run on a schedule)."

    def handle(self, *args, **options):
        holds_expire(now=timezone.now(), log=self.stdout.write)
