from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.stats import stats_catch_up, stats_project_all


class Command(BaseCommand):
    help = (
        "Bring the back office's daily counters up to date: bookings changed in the last "
        "--minutes (default 180, from the audit log), or --all bookings (a Scan; recovery only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=180)
        parser.add_argument("--all", action="store_true")

    def handle(self, *args, **options):
        if options["all"]:
            stats_project_all(now=timezone.now(), log=self.stdout.write)
        else:
            stats_catch_up(now=timezone.now(), minutes=options["minutes"], log=self.stdout.write)
