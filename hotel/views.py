"""Project-level endpoints: health check."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from hotel.api.responses import response_for
from hotel.dynamo import client, registered_models
from hotel.errors import ServiceUnavailable


@require_safe
def healthz(request):
    """200 when DynamoDB answers for our tables, 503 in the error shape when it does not."""
    try:
        client().describe_table(TableName=registered_models()[0].Meta.table_name)
    except Exception:  # noqa: BLE001 - any failure to answer means unhealthy
        return response_for(ServiceUnavailable("DynamoDB is not reachable."), request)
    return JsonResponse({"status": "ok"})
