"""Constants and helpers shared by the parts of `make bench` (bench/suite.py)."""

from __future__ import annotations

import base64
import json
import math
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "latest.json"
PREFIX = "benchsuite"
STAGE = "dev"
BENCH_ROOM = "R-BENCH"
HOST = "hotel.example"
APP_HANDLER = "hotel.awslambda.handler"
BASELINE_HANDLER = "baseline_handler.handler"
# A booking journey on the site: one availability search, one booking, one payment.
JOURNEY = ("availability", "booking", "payment")
# Every request of the bench comes from 127.0.0.1: with the guests' cap of 10 live holds per
# client address, the load's and the cost's bookings would measure 429 TOO_MANY_HOLDS (0: no
# cap; a huge cap would make each booking read that many slot keys).
UNCAPPED_HOLDS = "0"


# --- helpers --------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ratio(app: float, base: float) -> float | None:
    return round(app / base, 2) if base else None


def v2_event(path: str, *, method: str = "GET", body: dict | None = None, headers=None) -> dict:
    """An API Gateway HTTP API (payload 2.0) event, as CloudFront + API Gateway deliver it."""
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "x-forwarded-host": HOST,
            "x-forwarded-proto": "https",
            "x-forwarded-port": "443",
            "x-forwarded-for": "203.0.113.7",
            "user-agent": "bench",
            **(headers or {}),
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "bench",
            },
            "requestId": "bench",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        raw = json.dumps(body).encode()
        event["body"] = base64.b64encode(raw).decode()
        event["isBase64Encoded"] = True
        event["headers"]["content-type"] = "application/json"
        event["headers"]["content-length"] = str(len(raw))
    return event


def response_json(response: dict) -> dict:
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return json.loads(raw)
