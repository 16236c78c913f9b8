from django.core.management.base import BaseCommand

from hotel import dynamo


class Command(BaseCommand):
    help = "Create or update every DynamoDB table from the PynamoDB models (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--drop-replaced",
            action="store_true",
            help="also delete the indexes a model marks as replaced (run once the version "
            "that reads their replacements is live)",
        )

    def handle(self, *args, **options):
        changes = dynamo.sync_tables(
            log=lambda msg: self.stdout.write(f"  {msg}"), drop_replaced=options["drop_replaced"]
        )
        count = len(dynamo.registered_models())
        if changes:
            self.stdout.write(
                self.style.SUCCESS(f"{len(changes)} change(s); {count} tables in sync.")
            )
        else:
            self.stdout.write(f"No changes: all {count} tables are up to date.")
