"""An invoice or a credit note as a PDF, with fpdf2 (pure Python: no system libraries, so it
runs in the Lambda runtime as it does here).

fpdf2 and fontTools take about a third of a second to import: they are imported inside
`render_pdf`, so requests that never render a PDF do not pay for them at cold start. The text
is set in DejaVu Sans (shipped in `fonts/`, Bitstream Vera licence) so that guests' names in
any Latin, Greek or Cyrillic script and the currency symbols (₹, €, £) print as they are.
"""

from __future__ import annotations

import logging
from pathlib import Path

from hotel.templatetags.money import format_money

from .models import CREDIT_NOTE

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def _payer_lines(payer: dict) -> list[str]:
    lines = [payer.get("company") or "", payer.get("name") or ""]
    lines += (payer.get("address") or "").splitlines()
    if payer.get("taxId"):
        lines.append(f"Tax ID: {payer['taxId']}")
    if payer.get("email"):
        lines.append(payer["email"])
    return [line for line in lines if line.strip()]


def _hotel_lines(hotel: dict) -> list[str]:
    lines = [*(hotel.get("address") or "").splitlines()]
    if hotel.get("taxId"):
        lines.append(f"Tax ID: {hotel['taxId']}")
    lines += [hotel.get("email") or "", hotel.get("phone") or ""]
    return [line for line in lines if line.strip()]


def _title(invoice) -> str:
    if invoice.kind == CREDIT_NOTE:
        return f"Credit note {invoice.number}"
    if not invoice.sequence:
        return "Pro-forma invoice"
    return f"Invoice {invoice.number}"


def render_pdf(invoice) -> bytes:
    """The PDF of `invoice` (a payments.invoices.models.Invoice, saved or a pro-forma)."""
    from fpdf import FPDF  # lazily: see the module's docstring
    from fpdf.enums import XPos, YPos

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per table subsetted

    money = lambda amount: format_money(amount, invoice.currency)  # noqa: E731
    pdf = FPDF(format="A4")
    pdf.set_title(_title(invoice))
    pdf.set_author(invoice.hotel.get("legalName", ""))
    pdf.set_creator("hotel")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    next_line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, invoice.hotel.get("legalName", ""), **next_line)
    pdf.set_font(FONT, "", 9)
    for line in _hotel_lines(invoice.hotel):
        pdf.cell(0, 4.5, line, **next_line)
    pdf.ln(6)

    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, _title(invoice), **next_line)
    pdf.set_font(FONT, "", 10)
    # A reservation's own bill is invoiced under its reference (RS-…; the column's name).
    whose = "Reservation" if invoice.bookingId.startswith("RS-") else "Booking"
    facts = [("Date", invoice.issueDate), (f"{whose} reference", invoice.bookingId)]
    if invoice.folioId:
        facts.append(("Folio", invoice.folioId))
    if invoice.kind == CREDIT_NOTE:
        facts.append(("Credit note for", f"invoice {invoice.creditOf}"))
        if invoice.reason:
            facts.append(("Reason", invoice.reason))
    elif invoice.creditedBy:
        facts.append(("Cancelled by", f"credit note {invoice.creditedBy}"))
    if not invoice.sequence:
        facts.append(("Note", "This is not a tax invoice."))
    for label, value in facts:
        pdf.cell(45, 5.5, f"{label}:")
        pdf.cell(0, 5.5, str(value), **next_line)
    pdf.ln(4)

    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Bill to", **next_line)
    pdf.set_font(FONT, "", 10)
    for line in _payer_lines(invoice.payer):
        pdf.cell(0, 5, line, **next_line)
    pdf.ln(5)

    pdf.set_font(FONT, "", 9)
    widths = (22, 78, 12, 16, 24, 28)
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        first_row_as_headings=True,
    ) as table:
        table.row(["Date", "Description", "Qty", "Tax %", "Unit", "Amount"])
        for line in invoice.lines:
            table.row(
                [
                    line.get("serviceDate") or "",
                    line["description"],
                    str(line["quantity"]),
                    line.get("taxRate") or "0",
                    money(line["unitAmount"]),
                    money(line["amount"]),
                ]
            )
    pdf.ln(4)

    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Tax per rate", **next_line)
    pdf.set_font(FONT, "", 9)
    with pdf.table(
        col_widths=(30, 50, 50, 50),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        width=180,
    ) as table:
        table.row(["Rate", "Net", "Tax", "Gross"])
        for row in invoice.taxBreakdown:
            table.row(
                [f"{row['rate']} %", money(row["net"]), money(row["tax"]), money(row["gross"])]
            )
    pdf.ln(3)

    pdf.set_font(FONT, "B", 12)
    pdf.cell(130, 8, "Total (tax included)")
    pdf.cell(50, 8, money(invoice.total), align="R", **next_line)
    pdf.set_font(FONT, "", 9)
    pdf.cell(130, 5, "of which tax")
    pdf.cell(50, 5, money(invoice.taxTotal), align="R", **next_line)

    if invoice.payments:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, "Payments received", **next_line)
        pdf.set_font(FONT, "", 9)
        for paid in invoice.payments:
            pdf.cell(30, 5, paid.get("date") or "")
            pdf.cell(100, 5, paid.get("description") or paid.get("method") or "")
            pdf.cell(50, 5, money(paid["amount"]), align="R", **next_line)
    return bytes(pdf.output())
