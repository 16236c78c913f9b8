"""The export (payments.privacy.export): every kind of object about the guest, nobody
else's, no secrets; the same document through the API and the back office."""

from __future__ import annotations

import json

from django.utils import timezone

from payments.privacy.export import INVOICE_NOTE, guest_export

from .conftest import EMAIL, NAME, OTHER_EMAIL, OTHER_NAME, PROFILE_ID


def test_the_export_holds_every_kind_of_object_about_the_guest(guest_world):
    document = guest_export(profile_id=PROFILE_ID, now=timezone.now())

    assert document["profile"]["name"] == NAME and document["profile"]["email"] == EMAIL
    assert {k["key"] for k in document["guestKeys"]} >= {f"email#{EMAIL}", "name#ad"}
    stays = {s["booking"]["bookingId"]: s for s in document["stays"]}
    assert set(stays) == {
        guest_world.paid.bookingId,
        guest_world.reserved.bookingId,
        guest_world.by_email.bookingId,  # found by the email index, not on the profile
    }
    paid = stays[guest_world.paid.bookingId]
    assert paid["folio"]["folios"][0]["payer"]["name"] == NAME
    assert any(line["description"] == f"Room service for {NAME}" for line in paid["folioLines"])
    [payment] = paid["payments"]
    assert payment["stripePaymentIntentId"].startswith("pi_") and payment["status"] == "completed"
    assert [i["number"] for i in paid["invoices"]] == [guest_world.invoice_number]
    assert document["notes"]["invoices"] == INVOICE_NOTE
    [reservation] = document["reservations"]
    assert reservation["bookerName"] == NAME
    kinds = {e["objectType"] for e in document["auditEntries"]}
    assert {"bookings.booking", "bookings.reservation", "guests.profile"} <= kinds
    assert {"booking_confirmed", "invoice_issued"} <= {
        m["template"] for m in document["queuedEmails"]
    }
    assert all(m["to"] == [EMAIL] for m in document["queuedEmails"])


def test_the_export_holds_nobody_else_and_no_secrets(guest_world):
    text = json.dumps(guest_export(profile_id=PROFILE_ID, now=timezone.now()), default=str)

    assert OTHER_NAME not in text and OTHER_EMAIL not in text
    assert "guestTokenHash" not in text


def test_staff_export_from_the_booking_page_downloads_the_json(guest_world, client_for):
    from bookings.models import Booking

    Booking.get(guest_world.paid.bookingId).update(actions=[Booking.profileId.set(PROFILE_ID)])
    desk = client_for("front_desk")

    page = desk.get(f"/admin/bookings/booking/{guest_world.paid.bookingId}/change/")
    download = desk.get(f"/admin/guests/{PROFILE_ID}/export/")

    assert f"/admin/guests/{PROFILE_ID}/export/".encode() in page.content
    assert b"/erase/" not in page.content  # the desk exports; only managers erase
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="guest-{PROFILE_ID}.json"'
    assert json.loads(download.content)["profile"]["email"] == EMAIL
