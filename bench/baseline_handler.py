"""The baseline: the seed document's plain boto3 Lambda handler for `GET /api/rooms/{roomId}`.

A few lines, no framework: one `get_item` and `json.dumps`. `make bench` runs it next to the
app's packaged Zappa handler, in the same interpreter, against the same DynamoDB Local, so
every figure of the app is a ratio to this. `application` is the same read as a bare WSGI
app, for the throughput baseline under the same gunicorn.
"""

import json
import os
from decimal import Decimal

import boto3

TABLE = boto3.resource(
    "dynamodb",
    endpoint_url=os.environ.get("DYNAMODB_ENDPOINT") or None,
    region_name=os.environ.get("AWS_REGION", "us-east-1"),
).Table(os.environ["ROOMS_TABLE"])


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(type(value).__name__)


def _answer(room_id: str) -> tuple[int, str]:
    item = TABLE.get_item(Key={"roomId": room_id}).get("Item")
    if item is None:
        return 404, json.dumps({"message": "Not found"})
    return 200, json.dumps(item, default=_plain)


def handler(event, context):
    room_id = event["rawPath"].rsplit("/", 1)[-1]
    status, body = _answer(room_id)
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": body}


def application(environ, start_response):
    status, body = _answer(environ["PATH_INFO"].rsplit("/", 1)[-1])
    start_response(
        f"{status} {'OK' if status == 200 else 'Not Found'}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body.encode()]
