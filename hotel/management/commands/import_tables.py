"""`manage.py import_tables --from DIR --prefix NEWPREFIX`: create the app's tables under a new
prefix (as sync_tables does) and load an export into them (hotel/dynamo/backup.py)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hotel.dynamo import backup


class Command(BaseCommand):
    help = (
        "Create every table under NEWPREFIX (keys, indexes, TTL and streams from the models) "
        "and write the items of an export_tables directory into them. Refuses tables that "
        "already hold items unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="src", required=True, type=Path, help="an export_tables directory"
        )
        parser.add_argument(
            "--prefix", required=True, help="table prefix to restore into (a new one)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="write into tables that already hold items (overwrites by key, deletes nothing)",
        )

    def handle(self, *args, **options):
        prefix, stage = options["prefix"], settings.DYNAMODB["stage"]
        self.stdout.write(f"Importing {options['src']} into the tables {prefix}-*-{stage}")
        began = time.monotonic()
        try:
            counted = backup.import_tables(
                options["src"],
                prefix,
                force=options["force"],
                log=lambda msg: self.stdout.write(f"  {msg}"),
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {sum(counted.values())} items into {len(counted)} tables in "
                f"{time.monotonic() - began:.1f}s. Serve them with HOTEL_TABLE_PREFIX={prefix}."
            )
        )
