from django.core.management.base import BaseCommand, CommandError

from payments.integrity import integrity_problems


class Command(BaseCommand):
    help = (
        "Check the inventory and money invariants from the data itself (consistent Scans of "
        "every table: run it after a restore or an incident, not on a schedule). Prints each "
        "check and what it found; exits 1 if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--show", type=int, default=10, help="problems listed per check (default 10)"
        )

    def handle(self, *args, **options):
        found = integrity_problems()
        for check, problems in found.items():
            mark = "ok" if not problems else f"{len(problems)} problem(s)"
            self.stdout.write(f"{check}: {mark}")
            for problem in problems[: options["show"]]:
                self.stdout.write(f"  - {problem}")
        wrong = sum(len(p) for p in found.values())
        if wrong:
            raise CommandError(
                f"{wrong} problem(s) in {sum(1 for p in found.values() if p)} check(s)"
            )
        self.stdout.write(f"all {len(found)} checks passed")
