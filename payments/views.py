"""The provider's webhook: a plain Django view outside /api/ (no session, no CSRF token,
no DRF parsing: the signature is computed over the raw body) that still answers JSON."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pynamodb.exceptions import PynamoDBException

from hotel.api.responses import error_response
from hotel.dynamo import is_transient
from hotel.errors import DomainError

from .services import payment_webhook_handle

logger = logging.getLogger(__name__)


@csrf_exempt
def stripe_webhook(request):
    """Verify the `Stripe-Signature`, apply the event once, answer 200 (or 400 / 503)."""
    if request.method != "POST":
        return error_response(
            request,
            status=405,
            code="METHOD_NOT_ALLOWED",
            message="Webhooks are POSTed.",
            headers={"Allow": "POST"},
        )
    try:
        payload = request.body
    except RequestDataTooBig:
        return error_response(
            request, status=413, code="PAYLOAD_TOO_LARGE", message="The body is too large."
        )
    try:
        outcome = payment_webhook_handle(
            payload=payload,
            signature=request.headers.get("Stripe-Signature"),
            now=timezone.now(),
        )
    except DomainError as exc:
        if exc.status_code >= 500:
            logger.warning("Webhook not applied (%s); the provider will retry", exc.code)
        headers = {"Retry-After": "5"} if exc.status_code == 503 else None
        return error_response(
            request,
            status=exc.status_code,
            code=exc.code,
            message=exc.message,
            details=exc.details,
            headers=headers,
        )
    except PynamoDBException as exc:
        if not is_transient(exc):
            logger.exception("Webhook failed on DynamoDB (request %s)", request.request_id)
        return error_response(
            request,
            status=503,
            code="SERVICE_UNAVAILABLE",
            message="Try again later.",
            headers={"Retry-After": "5"},
        )
    except Exception:
        logger.exception("Webhook failed (request %s)", request.request_id)
        return error_response(
            request, status=500, code="INTERNAL_ERROR", message="Something went wrong on our side."
        )
    return JsonResponse({"received": True, "outcome": outcome})
