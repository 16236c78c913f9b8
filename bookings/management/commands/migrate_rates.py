from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.rate_migration import rates_migrate


class Command(BaseCommand):
    help = (
        "Store the default rate plan FLEX and give every booking made before rate plans the "
        "terms it was sold under (idempotent; run before traffic reaches new code)."
    )

    def handle(self, *args, **options):
        rates_migrate(now=timezone.now(), log=self.stdout.write)
