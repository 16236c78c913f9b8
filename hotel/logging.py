"""Log records as one JSON object per line, with request context, and never a secret.

- `ContextFilter` adds the request id (set per request by `LogContextMiddleware`), the AWS
  request id, the stage and the Lambda function name (`AWS_LAMBDA_FUNCTION_NAME`).
- `RedactFilter` rewrites the message (and the formatted traceback) so that Authorization
  and Stripe-Signature values, bearer/API tokens, Stripe keys, passwords, guest tokens in
  query strings and card-like numbers never reach the log.
- `JsonFormatter` writes `{"time", "level", "logger", "message", "requestId", "awsRequestId",
  "stage", "function", "exception"?}` on one line (CloudWatch Logs Insights reads it as is).

Configured in settings.LOGGING; views and services just use `logging.getLogger(__name__)`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
aws_request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "aws_request_id", default=""
)

REDACTED = "[REDACTED]"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Header values, however they are printed: "Authorization: Bearer x", 'HTTP_AUTHORIZATION':
    # 'x', "stripe-signature=t=1,v1=…", {"Stripe-Signature": "…"}, "Cookie: a=1; b=2".
    (
        re.compile(
            r"(?i)((?:http_)?(?:authorization|stripe[-_]signature|x[-_]booking[-_]token)"
            r"""['"]?\s*[:=]\s*['"]?)(?:(?:bearer|basic|token)\s+)?[^\s'",;}]+"""
            r"""(?:,v\d+=[^\s'",;}]+)*"""
        ),
        r"\1" + REDACTED,
    ),
    (
        re.compile(r"""(?i)((?:http_)?(?:set-)?cookie['"]?\s*[:=]\s*['"]?)[^'"\r\n}]+"""),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"\bt=\d{9,},v\d=[0-9a-f]+(?:,v\d=[0-9a-f]+)*"), REDACTED),  # a signature
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9_]+"), REDACTED),
    (re.compile(r"\bhk_[A-Za-z0-9_-]{8,}"), REDACTED),  # the app's API tokens
    (
        re.compile(
            r"""(?i)(["']?(?:password|secret|token|csrfmiddlewaretoken)["']?\s*[:=]\s*)"""
            r"""["']?[^"'&\s,}]+"""
        ),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)([?&](?:token|key|signature|password)=)[^&\s\"']+"), r"\1" + REDACTED),
    # Card-like numbers: 13 to 19 digits, optionally grouped by spaces or dashes.
    (re.compile(r"(?<![\d.])(?:\d[ -]?){12,18}\d(?![\d.])"), "[CARD]"),
]


def redact(text: str) -> str:
    """`text` without credentials, signatures or card-like numbers."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Add requestId, awsRequestId, stage and function to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.requestId = request_id_var.get()
        record.awsRequestId = aws_request_id_var.get()
        record.stage = os.environ.get("HOTEL_STAGE", "local")
        record.function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        return True


class RedactFilter(logging.Filter):
    """Redact the formatted message and traceback in place (the record is then plain text)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "requestId": getattr(record, "requestId", "") or request_id_var.get(),
            "awsRequestId": getattr(record, "awsRequestId", "") or aws_request_id_var.get(),
            "stage": getattr(record, "stage", "") or os.environ.get("HOTEL_STAGE", "local"),
            "function": getattr(record, "function", "")
            or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)
