from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.clock import hotel_today
from hotel.errors import DomainError
from payments.night_audit.services import AUDIT_ACTOR, night_audit_run


class Command(BaseCommand):
    help = (
        "Close business days with the night audit, up to --date (default: yesterday, the "
        "hotel's time); idempotent (run on a schedule)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the last day to close, YYYY-MM-DD")

    def handle(self, *args, **options):
        now = timezone.now()
        try:
            day = (
                date.fromisoformat(options["date"])
                if options.get("date")
                else hotel_today(now) - timedelta(days=1)
            )
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        try:
            result = night_audit_run(day=day, actor=AUDIT_ACTOR, now=now)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        closed = ", ".join(d.isoformat() for d in result.closed) or "none"
        last = result.last_closed.isoformat() if result.last_closed else "none"
        self.stdout.write(f"night audit {day.isoformat()}: closed {closed}; last closed {last}")
        if result.report is not None:
            report = result.report
            self.stdout.write(
                f"rooms sold {report['roomsSold']} of {report['roomsAvailable']}, "
                f"room revenue {report['roomRevenue']} {report['currency']}, "
                f"payments {report['paymentsTotal']}, lines {report['lineCount']}"
            )
        else:
            self.stdout.write("more days remain to close: run again")
