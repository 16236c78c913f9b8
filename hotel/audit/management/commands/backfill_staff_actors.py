import os

from django.core.management.base import BaseCommand

from hotel.audit.backfill import staff_actors_backfill

# A Lambda invocation (`zappa manage`) ends at 30 s: stop before, keep the place.
LAMBDA_SECONDS = 20.0


class Command(BaseCommand):
    help = (
        "Put the audit entries staff and API keys made before the staffActor index into it "
        "(idempotent; run once the version that writes staffActor is live). Each run goes on "
        "from where the last one stopped; on Lambda it stops after 20 s: run it again until "
        "it says done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds",
            type=float,
            default=None,
            help="stop after this long and keep the place (default: 20 on Lambda, else none)",
        )

    def handle(self, *args, **options):
        seconds = options["seconds"]
        if seconds is None and os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
            seconds = LAMBDA_SECONDS
        staff_actors_backfill(log=self.stdout.write, seconds=seconds)
