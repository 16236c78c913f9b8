"""The check-in form's rules, pure: every field's problem in one answer, the ID number's
normal and masked forms, the signature's limits, and when the check-in window is open."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, timedelta

from .countries import COUNTRY_NAMES
from .models import ID_TYPES, SIGNATURE_KINDS

OPENS_DAYS_BEFORE = 7  # the guest may check in online from a week before arrival
MAX_SIGNATURE_BYTES = 60_000  # the data URL's length: a hand-drawn PNG is ~5-20 KB
PNG_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ID_TYPE_LABELS = {
    "passport": "Passport",
    "national_id": "National ID card",
    "driving_licence": "Driving licence",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_POSTAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,14}$")
_ID = re.compile(r"^[A-Z0-9]{4,20}$")
FIELDS = (
    "arrivalTime",
    "addressLine",
    "city",
    "postalCode",
    "country",
    "nationality",
    "idType",
    "idNumber",
    "signatureKind",
    "signature",
    "typedName",
    "confirm",
)


def normal_id_number(raw: str) -> str:
    """Upper case, spaces and hyphens dropped: "ab 12-345" and "AB12345" are one number."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def mask_id_number(number: str | None) -> str:
    """What every page, card and API answer shows: "•••• 1234" — at most the last four, and
    never more than half of a short number (a 4-character ID shows "•••• 34")."""
    if not number:
        return ""
    shown = min(4, len(number) // 2)
    return f"•••• {number[-shown:]}" if shown else "••••"


def purge_day(*, check_out: date, retention_days: int) -> date:
    """The day the ID document is erased: `retention_days` after check-out."""
    return check_out + timedelta(days=retention_days)


def window_open(*, today: date, check_in: date) -> bool:
    """Online check-in is open from OPENS_DAYS_BEFORE days before arrival to the arrival day."""
    return check_in - timedelta(days=OPENS_DAYS_BEFORE) <= today <= check_in


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _signature_problem(value: str) -> str | None:
    if not value:
        return "Sign in the box."
    if len(value) > MAX_SIGNATURE_BYTES:
        return "The signature is too large: clear it and sign again."
    if not value.startswith(PNG_PREFIX):
        return "The signature must be a PNG image."
    try:
        raw = base64.b64decode(value[len(PNG_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return "The signature could not be read: clear it and sign again."
    return None if raw.startswith(PNG_MAGIC) else "The signature must be a PNG image."


def registration_clean(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The registration's values and every field's problem ({field: [message]}).

    `data` uses the API's names (FIELDS); values are strings (`confirm` a bool or "on").
    """
    errors: dict[str, list[str]] = {}
    values: dict = {}

    def need(name: str, label: str, max_length: int) -> str:
        value = _text(data, name)
        if not value:
            errors[name] = [f"Enter your {label}."]
        elif len(value) > max_length:
            errors[name] = [f"Use at most {max_length} characters."]
        return value

    values["arrivalTime"] = _text(data, "arrivalTime")
    if not _TIME.match(values["arrivalTime"]):
        errors["arrivalTime"] = ["Enter the time you expect to arrive as HH:MM (24 hours)."]
    values["addressLine"] = need("addressLine", "street address", 200)
    values["city"] = need("city", "city", 100)
    values["postalCode"] = _text(data, "postalCode")
    if not _POSTAL.match(values["postalCode"]):
        errors["postalCode"] = ["Enter a postal code: letters, digits, spaces or hyphens."]
    for name, label in (("country", "country"), ("nationality", "nationality")):
        values[name] = _text(data, name).upper()
        if values[name] not in COUNTRY_NAMES:
            errors[name] = [f"Choose your {label} from the list."]
    values["idType"] = _text(data, "idType")
    if values["idType"] not in ID_TYPES:
        errors["idType"] = ["Choose passport, national ID card or driving licence."]
    values["idNumber"] = normal_id_number(_text(data, "idNumber"))
    if not _ID.match(values["idNumber"]):
        errors["idNumber"] = ["Enter the document number: 4 to 20 letters and digits."]
    kind = _text(data, "signatureKind")
    values["signatureKind"] = kind
    values["signature"] = values["typedName"] = None
    if kind not in SIGNATURE_KINDS:
        errors["signatureKind"] = ["Sign in the box, or type your name to sign."]
    elif kind == "drawn":
        signature = _text(data, "signature")
        problem = _signature_problem(signature)
        if problem:
            errors["signature"] = [problem]
        values["signature"] = signature
    else:
        values["typedName"] = need("typedName", "full name to sign", 100)
        if data.get("confirm") not in (True, "on", "true", "1"):
            errors["confirm"] = ["Tick the box to confirm your typed signature."]
    return values, errors
