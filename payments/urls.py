from django.urls import path

from .api import booking_views, views
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
        "bookings/<str:booking_id>/cancellation-quote",
        views.CancellationQuoteView.as_view(),
        name="booking-cancellation-quote",
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
