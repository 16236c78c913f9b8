from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from payments.services.reconcile import (
    COMPLETED_NOW,
    ERROR,
    FAILED_NOW,
    LOOKBACK,
    MISMATCH,
    OLDER_THAN,
    REFUNDED_NOW,
    RELEASED,
    SETTLED,
    UNSENT,
    WAITING,
    payments_reconcile,
)
from payments.services.refunds_owed import OUTCOMES as REFUND_OUTCOMES

LISTED = (COMPLETED_NOW, REFUNDED_NOW, FAILED_NOW, UNSENT, RELEASED, MISMATCH)  # with their ids
SHOWN = (*LISTED, WAITING, SETTLED, ERROR)


class Command(BaseCommand):
    help = (
        "Settle payments still open some minutes after they were opened from what the "
        "provider says (money it took is recorded, declines and attempts it never saw "
        "marked failed), then complete the refunds reserved whose provider answer was never "
        "noted; idempotent with the webhooks and with itself (run on a schedule)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=float,
            default=OLDER_THAN.total_seconds() / 60,
            help="only payments opened at least this long ago (default %(default)s)",
        )
        parser.add_argument(
            "--days",
            type=float,
            default=LOOKBACK.total_seconds() / 86400,
            help="and at most this long ago (default %(default)s)",
        )

    def handle(self, *args, **options):
        result = payments_reconcile(
            now=timezone.now(),
            older_than=timedelta(minutes=options["minutes"]),
            lookback=timedelta(days=options["days"]),
        )
        counts = ", ".join(f"{name} {result.count(name)}" for name in SHOWN)
        self.stdout.write(f"reconciled {result.checked} open payment(s): {counts}")
        for outcome in LISTED:
            if result.outcomes.get(outcome):
                self.stdout.write(f"  {outcome}: {', '.join(result.outcomes[outcome])}")
        if not result.refunds:
            return
        counts = ", ".join(f"{name} {result.count(name)}" for name in REFUND_OUTCOMES)
        self.stdout.write(f"refunds owed: {result.refunds} ({counts})")
        for outcome in REFUND_OUTCOMES:
            if result.outcomes.get(outcome):
                self.stdout.write(f"  {outcome}: {', '.join(result.outcomes[outcome])}")
