from django.core.management.base import BaseCommand

from hotel.audit.backfill import staff_actors_backfill


class Command(BaseCommand):
    help = (
        "Put the audit entries staff and API keys made before the staffActor index into it "
        "(idempotent; run once the version that writes staffActor is live)."
    )

    def handle(self, *args, **options):
        staff_actors_backfill(log=self.stdout.write)
