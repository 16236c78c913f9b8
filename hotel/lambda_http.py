"""API Gateway's HTTP events straight into Django, without Zappa's per-request layers.

Zappa 0.63 answers an HTTP event through werkzeug's test client (`Response.from_app`), its
own WSGI middleware and a Common Log line per request, and `zappa.handler` imports about a
hundred modules for it (werkzeug, boto3 with s3transfer) that nothing else on a
request's path needs. Here apig-wsgi (Adam Johnson's adapter: one module, no dependencies)
turns the event into a WSGI environ and Django's answer into API Gateway's, for payload 1.0
(REST API) and 2.0 (HTTP API). Zappa stays the deploy tool and the handler of every other
event (schedules, commands, streams: `hotel.awslambda`).

What Zappa's handler did that the app relies on, kept here (`environ_as_zappa`):
- REMOTE_ADDR is the last-but-one X-Forwarded-For hop, the viewer's address as API Gateway
  got it from CloudFront; hops further left are whatever the client wrote
  (`hotel.client_address`). apig-wsgi would take the first, client-written hop (1.0) or
  CloudFront's own address (2.0). Headers named with underscores are dropped (gunicorn's and
  nginx's rule): `X_Forwarded_For` would otherwise land on X-Forwarded-For's WSGI key.
- PATH_INFO from a UTF-8 path, percent-encoded or not; 1.0 Cookie lines joined with "; ".
- Requests are https (API Gateway serves nothing else): `request.is_secure()` holds, so CSRF's
  Referer check and secure cookies work.
- A call to API Gateway's own address (`/{stage}/…` in the path) gets the stage as
  SCRIPT_NAME, so links and redirects keep it; through CloudFront or a custom domain the
  path has no stage.
- Bodies that are not text go base64 (binary support), with Zappa's list of text types.
- Each Set-Cookie once: 2.0 `cookies`, 1.0 `multiValueHeaders` (Zappa 0.63 sent each two to
  four times).
- An exception that escapes Django (it answers 500 itself for a view's) is logged and
  answered as a 500 in the API's error shape, never as a Lambda error.
- An access line per request (`hotel.access`, INFO): method, path without its query, status
  and the handler's time, through the same JSON formatter and redaction as every record.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from apig_wsgi import make_lambda_handler

from hotel.logging import request_id_var

logger = logging.getLogger(__name__)
# One line per request at INFO: method, path (never the query), status, time in the handler.
access_log = logging.getLogger("hotel.access")

# Zappa's DEFAULT_TEXT_MIMETYPES: everything else is sent base64.
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/ecmascript",
    "application/xml",
    "application/xml-external-parsed-entity",
    "application/xml-dtd",
    "image/svg+xml",
)


def is_http_event(event: Any) -> bool:
    """An API Gateway request: payload 2.0 (HTTP API) or 1.0 (REST API), not ALB."""
    if not isinstance(event, dict):
        return False
    context = event.get("requestContext")
    if not isinstance(context, dict) or "elb" in context:
        return False
    if event.get("version") == "2.0":
        return isinstance(context.get("http"), dict) and "rawPath" in event
    return bool(event.get("httpMethod")) and "path" in event


def method_and_path(event: dict) -> tuple[str, str]:
    if event.get("version") == "2.0":
        http = event["requestContext"]["http"]
        return http.get("method", ""), event.get("rawPath", "")
    return event.get("httpMethod", ""), event.get("path", "")


def viewer_address(forwarded_for: str) -> str:
    """Zappa's rule: the last hop is CloudFront's, the one before it the viewer's."""
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    if len(hops) > 1:
        return hops[-2]
    return hops[0] or "127.0.0.1"


def _stage_prefix(event: dict, headers: dict[str, str]) -> str:
    """`/{stage}` when the request came to API Gateway's own address, else "" (`headers`:
    the request's, by lower-case name, from `_event_headers`)."""
    context = event["requestContext"]
    if event.get("version") == "2.0":
        stage = context.get("stage")
        path = event.get("rawPath", "")
        if stage and stage != "$default" and (path == f"/{stage}" or path.startswith(f"/{stage}/")):
            return f"/{stage}"
        return ""
    host = headers.get("host") or ""
    stage = context.get("stage")
    if stage and "amazonaws.com" in host:  # 1.0 paths never hold the stage; links must
        return f"/{stage}"
    return ""


def _event_headers(event: dict) -> dict[str, str]:
    """The request's headers by lower-case name; a repeated one (1.0 `multiValueHeaders`)
    joined as apig-wsgi joins it, Cookie lines with "; " as a browser would send them."""
    multi = event.get("multiValueHeaders")
    if event.get("version") != "2.0" and isinstance(multi, dict):
        return {
            name.lower(): ("; " if name.lower() == "cookie" else ",").join(values or ())
            for name, values in multi.items()
        }
    return {name.lower(): value for name, value in (event.get("headers") or {}).items()}


def _wsgi_path(path: str) -> str:
    """PATH_INFO as WSGI wants it (UTF-8 bytes as latin-1 text), from a path that may be
    percent-encoded (2.0 `rawPath`) or decoded already (1.0 `path`), as Zappa made it;
    apig-wsgi would read a decoded "é" as latin-1 and fail on what latin-1 cannot hold."""
    return unquote(path).encode("utf-8").decode("latin-1")


def environ_as_zappa(app: Callable) -> Callable:
    """Wrap a WSGI app so its environ says what Zappa's said (see the module docstring)."""

    def wsgi(environ: dict, start_response: Callable):
        event = environ["apig_wsgi.full_event"]
        headers = _event_headers(event)
        for name in [n for n in headers if "_" in n]:
            # `X_Forwarded_For` and `X-Forwarded-For` name one WSGI key: an underscore
            # header could stand in for a dashed one. Dropped, as gunicorn and nginx do.
            key = "HTTP_" + name.upper().replace("-", "_")
            twin = headers.get(name.replace("_", "-"))
            if twin is None:
                environ.pop(key, None)
            else:
                environ[key] = twin
            if key == "HTTP_CONTENT_TYPE":  # apig-wsgi copies it to CONTENT_TYPE too
                environ.pop("CONTENT_TYPE", None)
                if twin is not None:
                    environ["CONTENT_TYPE"] = twin
        if "cookie" in headers and event.get("version") != "2.0":
            environ["HTTP_COOKIE"] = headers["cookie"]
        forwarded = headers.get("x-forwarded-for", "")
        environ["REMOTE_ADDR"] = viewer_address(forwarded)
        environ["wsgi.url_scheme"] = "https"
        environ["HTTPS"] = "on"
        environ["SERVER_PORT"] = headers.get("x-forwarded-port") or "443"
        raw = event["rawPath"] if event.get("version") == "2.0" else event["path"]
        environ["PATH_INFO"] = _wsgi_path(raw)
        prefix = _stage_prefix(event, headers)
        if prefix:
            environ["SCRIPT_NAME"] = prefix
            path = environ["PATH_INFO"]
            if path == prefix or path.startswith(prefix + "/"):
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
        environ["lambda.event"] = event
        environ["lambda.context"] = environ["apig_wsgi.context"]
        return app(environ, start_response)

    return wsgi


def error_answer(event: dict) -> dict:
    """A 500 in the API's error shape, for an exception that escaped Django."""
    body = json.dumps(
        {
            "error": {
                "code": "SERVER_ERROR",
                "message": "The server failed to answer this request.",
                "statusCode": 500,
                "requestId": request_id_var.get(""),
                "details": {},
            }
        }
    )
    answer: dict = {"statusCode": 500, "body": body, "isBase64Encoded": False}
    headers = {"content-type": "application/json"}
    if event.get("version") == "2.0":
        answer |= {"headers": headers, "cookies": []}
    elif "multiValueHeaders" in event:
        answer["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    else:
        answer["headers"] = headers
    return answer


def with_single_headers(response: dict) -> dict:
    """A 1.0 answer in `multiValueHeaders` gets `headers` too, each header's last value
    except Set-Cookie, as Zappa answered: API Gateway merges both (a pair in both counts
    once) and readers of `headers` (the Lambda console, tests) see them. Set-Cookie values
    lose the leading space Django's WSGI handler leaves in them."""
    if isinstance(response.get("cookies"), list):
        response["cookies"] = [cookie.strip() for cookie in response["cookies"]]
    multi = response.get("multiValueHeaders")
    if isinstance(multi, dict):
        for key in [k for k in multi if k.lower() == "set-cookie"]:
            multi[key] = [cookie.strip() for cookie in multi[key]]
    if isinstance(multi, dict) and "headers" not in response:
        response["headers"] = {
            key: values[-1]
            for key, values in multi.items()
            if key.lower() != "set-cookie" and values
        }
    return response


def http_handler(app: Callable) -> Callable[[dict, Any], dict]:
    """The Lambda handler of HTTP events for a WSGI app (Django's)."""
    answer = make_lambda_handler(
        environ_as_zappa(app), binary_support=True, non_binary_content_type_prefixes=TEXT_TYPES
    )

    def handle(event: dict, context: Any) -> dict:
        started = time.perf_counter()
        try:
            response = with_single_headers(answer(event, context))
        except Exception:
            logger.exception("the request failed outside Django's exception handling")
            response = error_answer(event)
        if access_log.isEnabledFor(logging.INFO):
            method, path = method_and_path(event)
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %s %.1fms", method, path, response["statusCode"], elapsed)
        return response

    return handle
