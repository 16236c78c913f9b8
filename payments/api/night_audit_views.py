"""The night audit over HTTP: close a business day (managers and accountants), read a
closed day's report (JSON or CSV), and the accountant's export of the books as CSV."""

from __future__ import annotations

from datetime import date

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import StrictInputSerializer
from hotel.errors import ValidationFailed
from payments.night_audit.export import accounting_export_csv, daily_report_csv
from payments.night_audit.services import day_report, night_audit_run

REPORTS = "reports.view_report"  # managers and accountants
CLOSE = "payments.close_business_day"  # managers (*) and accountants (payments.*)


class NightAuditInput(StrictInputSerializer):
    date = serializers.DateField(help_text="The last business day to close (before today).")


def _day(value: str, name: str = "date") -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            f"{name} must be a date (YYYY-MM-DD).", details={name: ["Expected YYYY-MM-DD."]}
        ) from exc


def _csv(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class NightAuditView(APIView):
    permission_classes = [staff_perm(read=REPORTS, write=CLOSE)]

    @extend_schema(
        request=NightAuditInput,
        responses={
            200: OpenApiTypes.OBJECT,
            201: OpenApiTypes.OBJECT,
            202: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request):
        """Close every open business day up to `date` (201; 200 when it was already closed,
        202 when earlier days remain for the next run) and answer the day's report."""
        data = NightAuditInput(data=request.data)
        data.is_valid(raise_exception=True)
        actor = actor_from(request)
        result = night_audit_run(day=data.validated_data["date"], **actor.as_kwargs())
        body = {
            "date": result.day.isoformat(),
            "closed": [d.isoformat() for d in result.closed],
            "lastClosed": result.last_closed.isoformat() if result.last_closed else None,
            "report": result.report,
        }
        if not result.done:
            code = status.HTTP_202_ACCEPTED
        elif result.day in result.closed:
            code = status.HTTP_201_CREATED
        else:
            code = status.HTTP_200_OK
        return Response(body, status=code)


class NightAuditDayView(APIView):
    permission_classes = [staff_perm(read=REPORTS)]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, day: str):
        """A closed day's report (404 DAY_NOT_AUDITED for a day the audit has not closed)."""
        return Response(day_report(day=_day(day), now=actor_from(request).now))


class DailyReportCsvView(APIView):
    permission_classes = [staff_perm(read=REPORTS)]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, day: str):
        """A closed day's report as CSV."""
        parsed = _day(day)
        report = day_report(day=parsed, now=actor_from(request).now)
        return _csv(daily_report_csv(report), f"daily-report-{parsed.isoformat()}.csv")


class AccountingExportView(APIView):
    permission_classes = [staff_perm(read=REPORTS)]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request):
        """Every line of the books from `from` to `to` (inclusive, at most 92 days) with its
        account code (settings.HOTEL_ACCOUNT_CODES), as CSV."""
        first = _day(request.query_params.get("from"), "from")
        last = _day(request.query_params.get("to"), "to")
        body = accounting_export_csv(first=first, last=last)
        return _csv(body, f"accounting-{first.isoformat()}-{last.isoformat()}.csv")
