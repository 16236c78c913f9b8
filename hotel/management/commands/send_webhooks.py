from django.core.management.base import BaseCommand
from django.utils import timezone

from hotel.webhooks.sending import webhooks_send_due


class Command(BaseCommand):
    help = (
        "Retry the webhook deliveries that are due (the first attempt leaves when the event "
        "is handled; run every minute on a schedule)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds-left",
            type=float,
            default=None,
            help="Time left to run (a Lambda's remaining time): no attempt starts that could "
            "not finish within it.",
        )

    def handle(self, *args, **options):
        webhooks_send_due(
            now=timezone.now(), log=self.stdout.write, seconds_left=options["seconds_left"]
        )
