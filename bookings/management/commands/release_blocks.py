from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.blocks.services import block_release_due


class Command(BaseCommand):
    help = (
        "Release the group blocks whose release date has come: their unpicked rooms go back "
        "on general sale (idempotent; run daily, and again safely)."
    )

    def handle(self, *args, **options):
        block_release_due(now=timezone.now(), log=self.stdout.write)
