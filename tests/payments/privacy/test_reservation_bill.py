"""The guest's data on the own bill of a reservation they booked (payments.folio, key RS-…,
the booker its payer): exported, refused erasure while it owes, then erased everywhere but
its invoice."""

from __future__ import annotations

import pytest

from payments.folio.desk import folio_charge, folio_payment
from payments.folio.models import Folio, FolioLine
from payments.invoices.models import Invoice
from payments.invoices.services import invoice_issue
from payments.privacy.erase import guest_erase
from payments.privacy.exceptions import GuestBalanceOpen
from payments.privacy.export import guest_export
from payments.privacy.scrub import ERASED_NAME

from ..conftest import now
from .conftest import DESK, EMAIL, NAME, PROFILE_ID, traces


def dinner(reservation_id: str):
    return folio_charge(
        booking_id=reservation_id,
        description=f"Welcome dinner booked by {NAME}",
        amount=24000,
        category="restaurant",
        actor=DESK,
        now=now(),
    )


def erase():
    return guest_erase(profile_id=PROFILE_ID, reason="By letter", actor="m@staff.test", now=now())


def test_the_export_holds_the_reservation_bill(guest_world):
    reservation_id = guest_world.reservation.reservationId
    dinner(reservation_id)
    document = guest_export(profile_id=PROFILE_ID, now=now())
    [bill] = document["reservationBills"]
    assert bill["reservationId"] == reservation_id
    assert bill["folio"]["folios"][0]["payer"] == {"name": NAME, "email": EMAIL}
    assert [line["description"] for line in bill["folioLines"]] == [
        f"Welcome dinner booked by {NAME}"
    ]


def test_no_erasure_while_the_reservation_bill_owes_then_no_trace_but_the_invoice(guest_world):
    reservation_id = guest_world.reservation.reservationId
    dinner(reservation_id)
    with pytest.raises(GuestBalanceOpen) as refused:
        erase()
    assert refused.value.details["reservationId"] == reservation_id
    assert Folio.get(reservation_id).folios[0]["payer"]["name"] == NAME  # nothing written

    folio_payment(booking_id=reservation_id, amount=24000, method="cash", reference=None,
                  actor=DESK, now=now())  # fmt: skip
    invoice = invoice_issue(booking_id=reservation_id, actor=DESK, now=now())
    result = erase()

    assert invoice.number in result["invoicesKept"]
    assert set(traces(NAME, EMAIL)) == {"Invoice"}
    payer = Folio.get(reservation_id).folios[0]["payer"]
    assert payer["name"] == ERASED_NAME and payer["email"] == ""
    descriptions = [line.description for line in FolioLine.query(reservation_id)]
    assert "Welcome dinner booked by [erased]" in descriptions
    assert Invoice.get(invoice.number).payer["name"] == NAME  # the legal record, kept whole
    assert erase()["alreadyErased"] is True
