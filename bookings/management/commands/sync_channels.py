from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.channels.sync import channels_sync_due


class Command(BaseCommand):
    help = (
        "Synchronise every active OTA calendar (channel): import new stays, move changed ones, "
        "release cancelled ones. Idempotent; a channel whose sync is running is skipped."
    )

    def handle(self, *args, **options):
        results = channels_sync_due(now=timezone.now())
        for channel_id, result in sorted(results.items()):
            counts = ", ".join(
                f"{key} {result[key]}" for key in ("created", "updated", "released", "unchanged")
            )
            errors = (
                f"; {len(result['errors'])} error(s): {result['errors'][0]}"
                if result["errors"]
                else ""
            )
            self.stdout.write(f"{channel_id}: {counts}{errors}")
        self.stdout.write(f"{len(results)} channel(s) synchronised.")
