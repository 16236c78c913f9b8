"""`manage.py export_tables --out DIR`: every table of this prefix as DynamoDB JSON lines plus
a manifest (hotel/dynamo/backup.py). Read-only: consistent Scans, nothing is written."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hotel.dynamo import backup


class Command(BaseCommand):
    help = (
        "Export every DynamoDB table of the app (strongly consistent Scans) to DIR: one "
        "<entity>.jsonl per table in DynamoDB's typed JSON, and manifest.json with the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="directory to write (new)")

    def handle(self, *args, **options):
        cfg = settings.DYNAMODB
        where = cfg["endpoint"] or f"AWS {cfg['region']}"
        self.stdout.write(f"Exporting the tables {cfg['table_prefix']}-*-{cfg['stage']} ({where})")
        try:
            manifest = backup.export_tables(
                options["out"], log=lambda msg: self.stdout.write(f"  {msg}")
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {manifest['items']} items from {len(manifest['tables'])} tables "
                f"to {options['out']} in {manifest['seconds']:.1f}s."
            )
        )
