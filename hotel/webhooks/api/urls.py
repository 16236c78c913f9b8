"""The webhook API's routes (under /api/, hotel.urls)."""

from django.urls import path

from . import views

api_urlpatterns = [
    path("webhooks", views.WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<str:webhook_id>", views.WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<str:webhook_id>/deliveries",
        views.WebhookDeliveriesView.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<str:webhook_id>/deliveries/<str:delivery_id>/replay",
        views.WebhookDeliveryReplayView.as_view(),
        name="webhook-delivery-replay",
    ),
]
