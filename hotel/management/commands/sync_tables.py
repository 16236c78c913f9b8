from django.core.management.base import BaseCommand

from hotel import dynamo


class Command(BaseCommand):
    help = "Create or update every DynamoDB table from the PynamoDB models (idempotent)."

    def handle(self, *args, **options):
        changes = dynamo.sync_tables(log=lambda msg: self.stdout.write(f"  {msg}"))
        count = len(dynamo.registered_models())
        if changes:
            self.stdout.write(
                self.style.SUCCESS(f"{len(changes)} change(s); {count} tables in sync.")
            )
        else:
            self.stdout.write(f"No changes: all {count} tables are up to date.")
