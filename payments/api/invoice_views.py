"""Invoices over HTTP: issue one for a settled folio (or a pro-forma PDF), list a booking's,
read one, download its PDF, cancel it with a credit note. Staff only: the front desk issues
and reads, accountants and managers also credit; housekeeping sees none.

Issuing and crediting take an Idempotency-Key: a retried request gets the first answer, and
a retry of one whose answer was lost after the invoice was written finds that invoice
(payments.invoices.services) instead of taking a second number.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotel.accounts.roles import ACCOUNTANT, MANAGER
from hotel.actor import actor_from
from hotel.api.permissions import role_perm, staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.idempotency import idempotent, request_caller
from payments.folio.services import bill_owner
from payments.invoices import services
from payments.invoices.documents import invoice_pdf
from payments.invoices.pdf import render_pdf
from payments.invoices.selectors import booking_invoices, invoice_dict

from .folio_views import BillView
from .invoice_serializers import CreditInput, InvoiceListOutput, InvoiceOutput, IssueInput

VIEW_PERMS = ("bookings.view_booking", "payments.view_payment")
ISSUE_PERMS = ("bookings.change_booking", "payments.change_payment")
IDEMPOTENCY = [OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)]
CREDIT = role_perm(write="payments.change_payment", roles=frozenset({MANAGER, ACCOUNTANT}))


def _params(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _issued(request, scope: str, call) -> Response:
    """Run `call(issue_key)` → the invoice, 201; with an Idempotency-Key, once per key."""
    key = request.headers.get("Idempotency-Key")
    caller = request_caller(request)
    issue_key = (
        hashlib.sha256("\x00".join((scope, caller, key)).encode()).hexdigest() if key else None
    )

    def run() -> tuple[int, dict]:
        return status.HTTP_201_CREATED, invoice_dict(call(issue_key))

    if key:
        code, body = idempotent(
            scope=scope,
            key=key,
            payload=request.data,
            now=actor_from(request).now,
            call=run,
            caller=caller,
            rerun_safe=True,  # the issue itself is once per issue_key
        )
    else:
        code, body = run()
    return Response(body, status=code)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# A booking's invoices; a reservation's own bill's are the same view on RS-…
# (reservation_folio_views.ReservationInvoicesView).
class BookingInvoicesView(BillView):
    permission_classes = [staff_perm(read=VIEW_PERMS, write=ISSUE_PERMS)]

    @extend_schema(responses=InvoiceListOutput, operation_id="bookings_invoices_list")
    def get(self, request, booking_id: str):
        """The booking's invoices and credit notes, in number order."""
        bill_owner(booking_id, consistent=False)  # BookingNotFound / ReservationNotFound
        return Response({"invoices": [invoice_dict(x) for x in booking_invoices(booking_id)]})

    @extend_schema(
        request=IssueInput,
        responses={
            201: InvoiceOutput,
            200: OpenApiResponse(OpenApiTypes.BINARY, description="proforma: application/pdf"),
        },
        parameters=IDEMPOTENCY,
        operation_id="bookings_invoices_issue",
    )
    def post(self, request, booking_id: str):
        """Invoice a settled folio (balance 0; else 409 BALANCE_DUE) with the next number;
        `proforma: true` answers the PDF of what it would say now, unnumbered."""
        params = _params(IssueInput, request)
        actor = actor_from(request)
        if params["proforma"]:
            draft = services.invoice_draft(
                booking_id=booking_id,
                folio_id=params.get("folioId"),
                now=actor.now,
                actor=actor.who,
            )
            return _pdf_response(render_pdf(draft), f"proforma-{booking_id}.pdf")
        return _issued(
            request,
            "invoice.issue",
            lambda issue_key: services.invoice_issue(
                booking_id=booking_id,
                folio_id=params.get("folioId"),
                issue_key=issue_key,
                **actor.as_kwargs(),
            ),
        )


class InvoiceView(APIView):
    permission_classes = [staff_perm(read=VIEW_PERMS)]

    @extend_schema(responses=InvoiceOutput, operation_id="invoices_retrieve")
    def get(self, request, number: str):
        return Response(invoice_dict(services.invoice_get(number=number)))


class InvoicePdfView(APIView):
    permission_classes = [staff_perm(read=VIEW_PERMS)]

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")},
        operation_id="invoices_pdf",
    )
    def get(self, request, number: str):
        invoice = services.invoice_get(number=number)
        return _pdf_response(invoice_pdf(invoice), f"{invoice.number}.pdf")


class InvoiceCreditView(APIView):
    permission_classes = [CREDIT]

    @extend_schema(
        request=CreditInput,
        responses={201: InvoiceOutput},
        parameters=IDEMPOTENCY,
        operation_id="invoices_credit_note",
    )
    def post(self, request, number: str):
        """Cancel the invoice with a credit note (its own series) and reopen its folio."""
        params = _params(CreditInput, request)
        actor = actor_from(request)
        return _issued(
            request,
            "invoice.credit",
            lambda issue_key: services.invoice_credit(
                number=number, reason=params["reason"], issue_key=issue_key, **actor.as_kwargs()
            ),
        )
