from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.inventory_migration import inventory_migrate


class Command(BaseCommand):
    help = (
        "Build room types from the rooms and the per-night inventory counters from the live "
        "bookings, then check every counter (idempotent; run before traffic reaches new code)."
    )

    def handle(self, *args, **options):
        report = inventory_migrate(now=timezone.now(), log=self.stdout.write)
        if report.mismatches:
            for line in report.mismatches[:20]:
                self.stderr.write(line)
            raise CommandError(f"{len(report.mismatches)} counter(s) do not match the bookings")
