"""The registration card the desk prints for an arrival (PDF, fpdf2 as the invoices).

What the guest gave online (address, nationality, ID document masked, arrival time, the
signature) or, for a guest who did not check in online, blank lines to fill in and sign at
the desk. The ID number is printed masked only: the card is paper that leaves the system.

fpdf2 is imported inside `render_registration_card` (a third of a second at cold start, as
payments.invoices.pdf explains). The text is set in the DejaVu Sans files the invoices ship
(payments/invoices/fonts), read by path: the bookings layer may not import payments.
"""

from __future__ import annotations

import base64
import io
import logging
from datetime import date
from pathlib import Path

from django.conf import settings

from .countries import COUNTRY_NAMES
from .rules import ID_TYPE_LABELS, PNG_PREFIX, mask_id_number

FONTS = Path(settings.BASE_DIR) / "payments" / "invoices" / "fonts"
FONT = "DejaVu"
BLANK = "_" * 40


def _day(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%a %d %b %Y") if value else ""


def card_lines(booking, registration) -> list[tuple[str, str]]:
    """The card's (label, value) rows: the stay, then the guest's registration (blank lines
    where the guest has not given it)."""
    nights = (date.fromisoformat(booking.checkOut) - date.fromisoformat(booking.checkIn)).days
    room = booking.roomId or "to be assigned"
    rows = [
        ("Booking reference", booking.bookingId),
        ("Guest", booking.guestName),
        ("Arrival", _day(booking.checkIn)),
        ("Departure", f"{_day(booking.checkOut)} ({nights} night{'s' if nights != 1 else ''})"),
        ("Room", f"{room} ({booking.roomType})"),
        ("Guests", str(booking.guests)),
    ]
    reg = registration
    if reg is None:
        return rows + [
            (label, BLANK)
            for label in ("Address", "Nationality", "ID document", "Document number", "Arrival")
        ]
    address = ", ".join(
        x for x in (reg.addressLine, reg.city, reg.postalCode, COUNTRY_NAMES.get(reg.country)) if x
    )
    id_type = ID_TYPE_LABELS.get(reg.idType or "", "")
    return rows + [
        ("Address", address),
        ("Nationality", COUNTRY_NAMES.get(reg.nationality or "", reg.nationality or "")),
        ("ID document", id_type or "erased after the stay"),
        ("Document number", mask_id_number(reg.idNumber) or "erased after the stay"),
        ("Expected arrival", reg.arrivalTime or ""),
    ]


def render_registration_card(booking, registration) -> bytes:
    """The PDF for `booking` (bookings.models.Booking) and its `registration`
    (bookings.checkin.models.Registration as submitted, or None)."""
    from fpdf import FPDF  # lazily: see the module's docstring
    from fpdf.enums import XPos, YPos

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_title(f"Registration card {booking.bookingId}")
    pdf.set_creator("hotel")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    next_line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, settings.HOTEL_NAME, **next_line)
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 4.5, settings.HOTEL_ADDRESS, **next_line)
    pdf.ln(5)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, "Registration card", **next_line)
    if registration is not None and registration.submittedAt:
        pdf.set_font(FONT, "", 9)
        checked = registration.submittedAt.strftime("%d %b %Y %H:%M UTC")
        pdf.cell(0, 5, f"Checked in online on {checked}", **next_line)
    pdf.ln(3)
    for label, value in card_lines(booking, registration):
        pdf.set_font(FONT, "B", 10)
        pdf.cell(48, 8, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 8, value, **next_line)
    pdf.ln(6)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 7, "Guest's signature", **next_line)
    _signature(pdf, registration, next_line)
    pdf.ln(4)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        0,
        4,
        "The guest's ID document details are kept as the law requires and erased "
        f"{settings.HOTEL_ID_RETENTION_DAYS} days after check-out.",
        **next_line,
    )
    return bytes(pdf.output())


def _signature(pdf, registration, next_line: dict) -> None:
    pdf.set_font(FONT, "", 10)
    if (
        registration is not None
        and registration.signatureKind == "drawn"
        and (registration.signature or "").startswith(PNG_PREFIX)
    ):
        raw = base64.b64decode(registration.signature[len(PNG_PREFIX) :])
        pdf.image(io.BytesIO(raw), w=70)
        pdf.cell(0, 6, "Signed online (drawn)", **next_line)
    elif registration is not None and registration.signatureKind == "typed":
        pdf.cell(0, 8, f"Signed online (typed): {registration.typedName}", **next_line)
        pdf.cell(0, 6, "The guest typed their name and confirmed the details.", **next_line)
    else:
        pdf.ln(14)
        pdf.cell(0, 6, BLANK + "    Date: " + "_" * 14, **next_line)
        pdf.cell(0, 6, "Sign at the desk", **next_line)
