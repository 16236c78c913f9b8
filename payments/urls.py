from django.urls import path

from .api import views
from .views import stripe_webhook

api_urlpatterns = [
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
