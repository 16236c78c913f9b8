"""The provider's webhook: a plain Django view outside /api/ (no session, no CSRF token,
no DRF parsing: the signature is computed over the raw body) that still answers JSON."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pynamodb.exceptions import PynamoDBException

from hotel.api.responses import response_for
from hotel.dynamo import is_transient
from hotel.errors import DomainError, MethodNotAllowed, PayloadTooLarge, ServiceUnavailable

from .services import payment_webhook_handle

logger = logging.getLogger(__name__)


@csrf_exempt
def stripe_webhook(request):
    """Verify the `Stripe-Signature`, apply the event once, answer 200 (or 400 / 503)."""
    if request.method != "POST":
        response = response_for(MethodNotAllowed("Webhooks are POSTed."), request)
        response["Allow"] = "POST"
        return response
    try:
        payload = request.body
    except RequestDataTooBig:
        return response_for(PayloadTooLarge("The body is too large."), request)
    try:
        outcome = payment_webhook_handle(
            payload=payload,
            signature=request.headers.get("Stripe-Signature"),
            now=timezone.now(),
        )
    except DomainError as exc:
        if exc.status_code >= 500:
            logger.warning("Webhook not applied (%s); the provider will retry", exc.code)
        return response_for(exc, request)
    except PynamoDBException as exc:
        if not is_transient(exc):
            logger.exception("Webhook failed on DynamoDB (request %s)", request.request_id)
        return response_for(ServiceUnavailable("Try again later."), request)
    except Exception as exc:
        logger.exception("Webhook failed (request %s)", request.request_id)
        return response_for(exc, request)
    return JsonResponse({"received": True, "outcome": outcome})
