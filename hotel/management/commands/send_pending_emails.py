from django.core.management.base import BaseCommand
from django.utils import timezone

from hotel.mail import emails_send_pending


class Command(BaseCommand):
    help = "Retry guest emails whose first send failed (the email-outbox table; run on a schedule)."

    def handle(self, *args, **options):
        emails_send_pending(now=timezone.now(), log=self.stdout.write)
