"""The erasure's part for a reservation's own bill (payments.folio: key "RS-…"), whose payer
is the booker: refused while it owes or is owed (as a stay's bill), else its payers
anonymised, conditional on the bill not changing and still being settled, so a posting that
races the erasure wins and the erasure stops with GUEST_BALANCE_OPEN or re-reads. Its lines
are scrubbed like a stay's (erase._scrub_lines) and its invoices kept whole."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from hotel.errors import StaleObject
from payments.folio.models import Folio

from .exceptions import GuestBalanceOpen
from .gather import BillData, bill_data
from .scrub import ERASED_NAME, scrub

ATTEMPTS = 4


def bill_refusal(bill: BillData) -> GuestBalanceOpen | None:
    if bill.folio is None or bill.folio.balance == 0:
        return None
    return GuestBalanceOpen(
        details={
            "reservationId": bill.reservationId,
            "balance": bill.folio.balance,
            "currency": bill.folio.currency,
        }
    )


def payers_erased(folios: list[dict], strings: frozenset[str]) -> list[dict]:
    """The header's folios with the payers anonymised (company and tax id kept: they name a
    business, and the invoices issued to it keep them anyway)."""
    out = []
    for folio in folios:
        payer = dict(folio.get("payer") or {})
        payer.update(name=ERASED_NAME, email="", address=None)
        out.append({**folio, "payer": scrub(payer, strings, by_key=False)})
    return out


def bill_erase(bill: BillData, strings: frozenset[str], *, now: datetime) -> bool:
    """Anonymise the bill's payers. Idempotent; raises GuestBalanceOpen, StaleObject."""
    for _ in range(ATTEMPTS):
        error = bill_refusal(bill)
        if error is not None:
            raise error
        header = bill.folio
        if header is None or all(
            (f.get("payer") or {}).get("name") == ERASED_NAME for f in header.folios or []
        ):
            return False
        try:
            header.update(
                actions=[
                    Folio.folios.set(payers_erased(header.folios or [], strings)),
                    Folio.revision.add(1),
                    Folio.updatedAt.set(now),
                ],
                condition=(Folio.revision == header.revision) & (Folio.balance == 0),
            )
            return True
        except UpdateError as exc:  # posted to meanwhile: re-read and judge again
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            bill = bill_data(bill.reservationId)
    raise StaleObject("The reservation's bill keeps changing: try the erasure again.")
