from django.urls import path

from .api import (
    booking_views,
    folio_views,
    invoice_views,
    night_audit_views,
    privacy_views,
    reservation_folio_views,
    reservation_views,
    views,
)
from .views import stripe_webhook

api_urlpatterns = [
    # The bookings API's endpoints on one booking that involve money (payments.api.booking_views).
    path(
        "bookings/<str:booking_id>",
        booking_views.BookingDetailView.as_view(),
        name="booking-detail",
    ),
    path(
        "bookings/<str:booking_id>/status",
        booking_views.BookingStatusView.as_view(),
        name="booking-status",
    ),
    path(
        "bookings/<str:booking_id>/cancel",
        booking_views.BookingCancelView.as_view(),
        name="booking-cancel",
    ),
    path(
        "bookings/<str:booking_id>/change",
        booking_views.BookingChangeView.as_view(),
        name="booking-change",
    ),
    path(
        "bookings/<str:booking_id>/change-quote",
        booking_views.BookingChangeQuoteView.as_view(),
        name="booking-change-quote",
    ),
    path(
        "bookings/<str:booking_id>/cancellation-quote",
        views.CancellationQuoteView.as_view(),
        name="booking-cancellation-quote",
    ),
    # A reservation's endpoints that involve money (POST /api/reservations is bookings').
    path(
        "reservations/<str:reservation_id>",
        reservation_views.ReservationDetailView.as_view(),
        name="reservation-detail",
    ),
    path(
        "reservations/<str:reservation_id>/cancel",
        reservation_views.ReservationCancelView.as_view(),
        name="reservation-cancel",
    ),
    path(
        "reservations/<str:reservation_id>/payments",
        reservation_views.ReservationPaymentView.as_view(),
        name="reservation-payments",
    ),
    path(
        "reservations/<str:reservation_id>/change",
        reservation_views.ReservationChangeView.as_view(),
        name="reservation-change",
    ),
    path(
        "reservations/<str:reservation_id>/stays/<str:booking_id>/cancel",
        reservation_views.ReservationStayCancelView.as_view(),
        name="reservation-stay-cancel",
    ),
    path("payments", views.PaymentListView.as_view(), name="payment-list"),
    path("payments/<str:transaction_id>", views.PaymentDetailView.as_view(), name="payment-detail"),
    path(
        "payments/<str:transaction_id>/refund",
        views.PaymentRefundView.as_view(),
        name="payment-refund",
    ),
]

urlpatterns = [
    path("webhooks/stripe", stripe_webhook, name="stripe-webhook"),
]

# The bill (payments.api.folio_views).
api_urlpatterns += [
    path("bookings/<str:booking_id>/folio", folio_views.FolioView.as_view(), name="folio"),
    path(
        "bookings/<str:booking_id>/folio/charges",
        folio_views.FolioChargeView.as_view(),
        name="folio-charges",
    ),
    path(
        "bookings/<str:booking_id>/folio/payments",
        folio_views.FolioPaymentView.as_view(),
        name="folio-payments",
    ),
    path(
        "bookings/<str:booking_id>/folio/refunds",
        folio_views.FolioRefundView.as_view(),
        name="folio-refunds",
    ),
    path(
        "bookings/<str:booking_id>/folio/allowances",
        folio_views.FolioAllowanceView.as_view(),
        name="folio-allowances",
    ),
    path(
        "bookings/<str:booking_id>/folio/lines/<str:line_id>/reverse",
        folio_views.FolioReverseView.as_view(),
        name="folio-reverse",
    ),
    path(
        "bookings/<str:booking_id>/folio/split",
        folio_views.FolioSplitView.as_view(),
        name="folio-split",
    ),
]

# A reservation's own bill (payments.api.reservation_folio_views: the bill's views on RS-…).
api_urlpatterns += [
    path(
        "reservations/<str:reservation_id>/folio",
        reservation_folio_views.ReservationFolioView.as_view(),
        name="reservation-folio",
    ),
    path(
        "reservations/<str:reservation_id>/folio/charges",
        reservation_folio_views.ReservationFolioChargeView.as_view(),
        name="reservation-folio-charges",
    ),
    path(
        "reservations/<str:reservation_id>/folio/payments",
        reservation_folio_views.ReservationFolioPaymentView.as_view(),
        name="reservation-folio-payments",
    ),
    path(
        "reservations/<str:reservation_id>/folio/refunds",
        reservation_folio_views.ReservationFolioRefundView.as_view(),
        name="reservation-folio-refunds",
    ),
    path(
        "reservations/<str:reservation_id>/folio/allowances",
        reservation_folio_views.ReservationFolioAllowanceView.as_view(),
        name="reservation-folio-allowances",
    ),
    path(
        "reservations/<str:reservation_id>/folio/lines/<str:line_id>/reverse",
        reservation_folio_views.ReservationFolioReverseView.as_view(),
        name="reservation-folio-reverse",
    ),
    path(
        "reservations/<str:reservation_id>/invoices",
        reservation_folio_views.ReservationInvoicesView.as_view(),
        name="reservation-invoices",
    ),
]

# Invoices and credit notes (payments.api.invoice_views).
api_urlpatterns += [
    path(
        "bookings/<str:booking_id>/invoices",
        invoice_views.BookingInvoicesView.as_view(),
        name="booking-invoices",
    ),
    path("invoices/<str:number>", invoice_views.InvoiceView.as_view(), name="invoice-detail"),
    path("invoices/<str:number>/pdf", invoice_views.InvoicePdfView.as_view(), name="invoice-pdf"),
    path(
        "invoices/<str:number>/credit-note",
        invoice_views.InvoiceCreditView.as_view(),
        name="invoice-credit-note",
    ),
]

# The night audit, its reports and the accountant's export (payments.api.night_audit_views).
api_urlpatterns += [
    path("night-audit", night_audit_views.NightAuditView.as_view(), name="night-audit"),
    path(
        "night-audit/<str:day>",
        night_audit_views.NightAuditDayView.as_view(),
        name="night-audit-day",
    ),
    path(
        "reports/daily/<str:day>.csv",
        night_audit_views.DailyReportCsvView.as_view(),
        name="daily-report-csv",
    ),
    path(
        "accounting/export",
        night_audit_views.AccountingExportView.as_view(),
        name="accounting-export",
    ),
]

# A guest's right to their data: export and erase (payments.api.privacy_views).
api_urlpatterns += [
    path(
        "guests/<str:profile_id>/export",
        privacy_views.GuestExportView.as_view(),
        name="guest-export",
    ),
    path(
        "guests/<str:profile_id>/erase",
        privacy_views.GuestEraseView.as_view(),
        name="guest-erase",
    ),
]
