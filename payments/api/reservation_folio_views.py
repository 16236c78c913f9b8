"""A reservation's own bill over HTTP (/api/reservations/{reservationId}/folio…): the
booking's bill views (folio_views) on the key RS-…, so the rules, permissions, serializers
and idempotency are the booking bill's, not a copy. What only a stay's bill has (an extra of
the catalog, the card on file) is refused with a 400 naming the field.
"""

from __future__ import annotations

from hotel.api.schema_hints import extend_schema, extend_schema_view

from . import folio_views, invoice_views


# Routes the URL's `reservation_id` to the bill views' `booking_id` (the bill's key). (A
# comment, not a docstring: the OpenAPI descriptions of the views would inherit it.)
class ReservationBill:
    reservation_bill = True

    def dispatch(self, request, *args, **kwargs):
        kwargs["booking_id"] = kwargs.pop("reservation_id", "")
        return super().dispatch(request, *args, **kwargs)


@extend_schema_view(
    get=extend_schema(
        operation_id="reservations_folio_retrieve",
        description="The reservation's own bill (what the booker pays for the party, e.g. a "
        "dinner for everyone): folios, lines, balance (> 0: the booker owes). The last stay "
        "cannot check out while it owes. Each stay's bill is /api/bookings/{bookingId}/folio.",
    )
)
class ReservationFolioView(ReservationBill, folio_views.FolioView):
    pass


@extend_schema_view(
    post=extend_schema(
        operation_id="reservations_folio_charge",
        description="A charge of the desk's own (`description`, `amount`) on the "
        "reservation's bill; an extra of the catalog (`code` alone) goes on a stay's bill.",
    )
)
class ReservationFolioChargeView(ReservationBill, folio_views.FolioChargeView):
    pass


@extend_schema_view(post=extend_schema(operation_id="reservations_folio_payment"))
class ReservationFolioPaymentView(ReservationBill, folio_views.FolioPaymentView):
    pass


@extend_schema_view(post=extend_schema(operation_id="reservations_folio_refund"))
class ReservationFolioRefundView(ReservationBill, folio_views.FolioRefundView):
    pass


@extend_schema_view(post=extend_schema(operation_id="reservations_folio_allowance"))
class ReservationFolioAllowanceView(ReservationBill, folio_views.FolioAllowanceView):
    pass


@extend_schema_view(post=extend_schema(operation_id="reservations_folio_reverse"))
class ReservationFolioReverseView(ReservationBill, folio_views.FolioReverseView):
    pass


@extend_schema_view(
    get=extend_schema(
        operation_id="reservations_invoices_list",
        description="The invoices and credit notes of the reservation's own bill.",
    ),
    post=extend_schema(operation_id="reservations_invoices_issue"),
)
class ReservationInvoicesView(ReservationBill, invoice_views.BookingInvoicesView):
    # The reservation's own bill's invoices (issued to the booker, numbered in the same
    # series); each stay's are its booking's.
    pass
