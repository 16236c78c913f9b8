"""The desk's postings on a bill: a charge, a payment, a refund, an allowance, a reversal,
moving lines to another folio, naming a folio's payer. Each runs through services.post_decided
(read → decide → post conditional on the header's revision), so a refusal (the line was
reversed meanwhile, the refund exceeds what was received) is decided on what is true now.
"""

from __future__ import annotations

from datetime import date, datetime

from hotel.errors import Conflict, NotFound
from hotel.taxes import tax_rate

from .business_day import last_closed_day, refuse_closed
from .lines import LineDraft, charge_draft, copy_of, money_draft, reversal_of
from .models import ALLOWANCE, PAYMENT, REFUND, REVERSAL, Folio, FolioLine
from .posting import folio_add, folio_entry
from .services import FolioState, payer_of, post_decided
from .stay_lines import MONEY_SOURCES, is_stay_source, live_lines


class LineNotReversible(Conflict):
    code = "LINE_NOT_REVERSIBLE"
    default_message = "This line cannot be reversed."


class LineNotFound(NotFound):
    code = "LINE_NOT_FOUND"
    default_message = "The bill has no such line."


class RefundExceedsPaid(Conflict):
    code = "REFUND_EXCEEDS_PAID"
    default_message = "A refund cannot give back more than was paid."


def _check_folio(state: FolioState, folio_id: str | None) -> None:
    if folio_id is not None:
        folio_entry(state.header, folio_id)


def _check_date(service_date: date | None) -> str | None:
    if service_date is None:
        return None
    refuse_closed(service_date, last_closed_day())
    return service_date.isoformat()


def folio_charge(
    *,
    booking_id: str,
    description: str,
    amount: int,
    quantity: int = 1,
    tax_category: str = "standard",
    category: str = "other",
    code: str | None = None,
    folio_id: str | None = None,
    service_date: date | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> FolioLine:
    """Post a charge (unit `amount`, tax included, × `quantity`). Raises DayClosed for a
    service date the audit closed, FolioNotFound, ValidationFailed (tax category)."""
    tax_rate(tax_category)  # ValidationFailed before anything is read
    day = _check_date(service_date)

    def decide(state: FolioState) -> list[LineDraft]:
        _check_folio(state, folio_id)
        return [
            charge_draft(
                description=description,
                unit_amount=amount,
                quantity=quantity,
                category=category,
                tax_category=tax_category,
                code=code,
                folio_id=folio_id,
                service_date=day,
            )
        ]

    return post_decided(booking_id=booking_id, now=now, actor=actor, decide=decide)[1][0]


def folio_payment(
    *,
    booking_id: str,
    amount: int,
    method: str,
    reference: str | None,
    folio_id: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
    transaction_id: str | None = None,
) -> FolioLine:
    """Record money taken at the desk (cash, terminal, transfer)."""

    def decide(state: FolioState) -> list[LineDraft]:
        _check_folio(state, folio_id)
        return [
            money_draft(
                kind=PAYMENT,
                amount=amount,
                method=method,
                description=f"Payment ({method})",
                reference=reference,
                folio_id=folio_id,
                transaction_id=transaction_id,
            )
        ]

    return post_decided(booking_id=booking_id, now=now, actor=actor, decide=decide)[1][0]


def money_received(lines: list[FolioLine]) -> int:
    """Payments less refunds on the bill (minor units)."""
    return -sum(line.effect for line in live_lines(lines) if line.kind in (PAYMENT, REFUND))


def folio_refund(
    *,
    booking_id: str,
    amount: int,
    method: str,
    reference: str | None,
    reason: str,
    folio_id: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> FolioLine:
    """Record money given back at the desk (cash, terminal, transfer); never more than the
    bill received. Card payments made online are refunded through the provider instead."""

    def decide(state: FolioState) -> list[LineDraft]:
        _check_folio(state, folio_id)
        received = money_received(state.lines)
        if amount > received:
            raise RefundExceedsPaid(
                f"The bill received {received} {state.currency}; {amount} cannot be refunded.",
                details={"received": received, "amount": amount, "currency": state.currency},
            )
        return [
            money_draft(
                kind=REFUND,
                amount=amount,
                method=method,
                description=f"Refund ({method})",
                reference=reference,
                reason=reason,
                folio_id=folio_id,
            )
        ]

    return post_decided(booking_id=booking_id, now=now, actor=actor, decide=decide)[1][0]


def folio_allowance(
    *,
    booking_id: str,
    amount: int,
    reason: str,
    description: str | None = None,
    tax_category: str = "standard",
    folio_id: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> FolioLine:
    """A discount or goodwill gesture off the bill, with its reason and who gave it."""

    tax_rate(tax_category)  # ValidationFailed before anything is read

    def decide(state: FolioState) -> list[LineDraft]:
        _check_folio(state, folio_id)
        draft = charge_draft(
            description=description or f"Allowance: {reason}",
            unit_amount=amount,
            category="allowance",
            tax_category=tax_category,
            reason=reason,
            folio_id=folio_id,
        )
        draft.kind = ALLOWANCE
        return [draft]

    return post_decided(booking_id=booking_id, now=now, actor=actor, decide=decide)[1][0]


def _reversible(state: FolioState, line_id: str) -> FolioLine:
    line = next((line for line in state.lines if line.lineId == line_id), None)
    if line is None:
        raise LineNotFound(
            f"Booking {state.booking.bookingId} has no line {line_id}.",
            details={"lineId": line_id},
        )
    if line.kind == REVERSAL:
        raise LineNotReversible(
            "A reversal cannot be reversed; post the line again.", details={"lineId": line_id}
        )
    if any(other.reverses == line_id for other in state.lines):
        raise LineNotReversible(
            f"Line {line_id} is already reversed.",
            details={"lineId": line_id},
            code="LINE_ALREADY_REVERSED",
        )
    if is_stay_source(line.source):
        raise LineNotReversible(
            "Room nights, city tax and booked extras follow the booking: change or cancel "
            "the booking, or post an allowance.",
            details={"lineId": line_id},
        )
    if line.source and line.source.startswith(MONEY_SOURCES):
        raise LineNotReversible(
            "An online card payment or refund is undone through the provider (refund it).",
            details={"lineId": line_id},
        )
    return line


def folio_reverse(
    *,
    booking_id: str,
    line_id: str,
    reason: str,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> FolioLine:
    """Undo a line with a new line of the opposite effect (the line itself stays)."""

    def decide(state: FolioState) -> list[LineDraft]:
        line = _reversible(state, line_id)
        return [
            reversal_of(
                line,
                reason=reason,
                description=f"Reversal of {line.lineId}: {line.description}",
            )
        ]

    return post_decided(booking_id=booking_id, now=now, actor=actor, decide=decide)[1][0]


def folio_split(
    *,
    booking_id: str,
    line_ids: list[str],
    payer: dict | None = None,
    folio_id: str | None = None,
    actor: str,
    now: datetime,
    request_id: str | None = None,
) -> tuple[str, FolioState]:
    """Move lines to another folio of the booking (`folio_id`, or a new one for `payer`):
    each is reversed where it is and posted again on the target, in one posting. Returns the
    target folio's id and the bill as posted."""
    target: dict = {}

    def header_change(header: Folio, state: FolioState) -> None:
        target["id"] = folio_id or folio_add(header, payer or payer_of(state.booking))
        for draft in target["drafts"]:
            if draft.kind != REVERSAL:
                draft.folio_id = target["id"]

    def decide(state: FolioState) -> list[LineDraft]:
        if folio_id is not None and folio_entry(state.header, folio_id).get("invoice"):
            raise Conflict(f"Folio {folio_id} is invoiced.", code="FOLIO_INVOICED")
        drafts = []
        for line_id in line_ids:
            line = next((x for x in state.lines if x.lineId == line_id), None)
            if (
                line is None
                or line.kind == REVERSAL
                or any(o.reverses == line_id for o in state.lines)
            ):
                raise LineNotReversible(
                    f"Line {line_id} cannot be moved.", details={"lineId": line_id}
                )
            if line.folioId == folio_id:
                continue
            if folio_entry(state.header, line.folioId).get("invoice"):
                raise Conflict(
                    f"Line {line_id} is on invoiced folio {line.folioId}: credit the invoice "
                    "first.",
                    code="FOLIO_INVOICED",
                    details={"lineId": line_id, "folioId": line.folioId},
                )
            drafts.append(
                reversal_of(line, reason="moved", description=f"Moved: {line.description}")
            )
            drafts.append(copy_of(line, reason=f"moved from {line.folioId}"))
        target["drafts"] = drafts
        return drafts

    state, _ = post_decided(
        booking_id=booking_id, now=now, actor=actor, decide=decide, header_change=header_change
    )
    return target["id"], state
