"""Invoices over HTTP (DynamoDB Local): refused while the guest owes, issued once settled,
its PDF holds the number, the booking reference and the total, a credit note reopens the
folio, retries with an Idempotency-Key give the first answer, roles."""

from __future__ import annotations

from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from hotel.accounts import roles
from hotel.templatetags.money import format_money

from .conftest import pdf_text, settle


def issue(client, booking_id, body=None, **headers):
    return client.post(f"/api/bookings/{booking_id}/invoices", body or {}, format="json", **headers)


def test_no_invoice_while_the_guest_owes_then_one_once_paid(api, stay):
    desk = api.as_role(roles.FRONT_DESK)
    owed = issue(desk, stay.bookingId)
    assert owed.status_code == 409, owed.content
    error = owed.json()["error"]
    assert error["code"] == "BALANCE_DUE"
    assert error["details"]["balance"] == 11200

    paid = settle(stay.bookingId)
    assert paid == 11200 + 35000
    response = issue(desk, stay.bookingId)
    assert response.status_code == 201, response.content
    invoice = response.json()
    assert invoice["kind"] == "invoice"
    assert invoice["bookingId"] == stay.bookingId
    assert invoice["folioId"] == "F1"
    assert invoice["total"] == paid
    assert invoice["currency"] == stay.currency
    assert invoice["number"].endswith("-000001") or invoice["number"][-6:].isdigit()
    assert invoice["payer"]["name"] == "Walk In"
    assert [x["description"] for x in invoice["lines"]][-1] == "Minibar"
    assert sum(x["amount"] for x in invoice["lines"]) == paid
    assert invoice["taxBreakdown"] == [
        {"rate": "12", "net": paid - invoice["taxTotal"], "tax": invoice["taxTotal"], "gross": paid}
    ]
    assert invoice["taxTotal"] == 1200 + 3750
    assert invoice["hotel"]["legalName"]

    again = issue(desk, stay.bookingId, {"folioId": "F1"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "FOLIO_INVOICED"

    bill = desk.get(f"/api/bookings/{stay.bookingId}/folio").json()
    assert bill["folios"][0]["invoice"] == invoice["number"]

    read = desk.get(f"/api/invoices/{invoice['number']}")
    assert read.status_code == 200 and read.json() == invoice
    listed = desk.get(f"/api/bookings/{stay.bookingId}/invoices").json()["invoices"]
    assert [x["number"] for x in listed] == [invoice["number"]]

    pdf = desk.get(f"/api/invoices/{invoice['number']}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert invoice["number"] in text
    assert stay.bookingId in text
    assert format_money(paid, stay.currency) in text
    assert "Minibar" in text and "Walk In" in text
    year, number = invoice["issueDate"][:4], invoice["number"]
    assert default_storage.exists(f"invoices/{year}/{number}-{invoice['bookingId']}.pdf")

    sent = [m for m in mail.outbox if invoice["number"] in m.subject]
    assert len(sent) == 1 and sent[0].to == ["walk@in.test"]
    ((name, content, mimetype),) = sent[0].attachments
    assert (name, mimetype) == (f"{invoice['number']}.pdf", "application/pdf")
    assert invoice["number"] in pdf_text(content)


def test_a_charge_after_the_invoice_goes_to_a_new_folio(api, stay):
    settle(stay.bookingId)
    desk = api.as_role(roles.FRONT_DESK)
    first = issue(desk, stay.bookingId).json()
    late = desk.post(
        f"/api/bookings/{stay.bookingId}/folio/charges",
        {"description": "Late bar", "amount": 2000},
        format="json",
    ).json()
    assert late["folioId"] == "F2"
    owed = issue(desk, stay.bookingId)
    assert owed.json()["error"]["details"] == {
        "balance": 2000,
        "currency": stay.currency,
        "folioId": "F2",
    }
    desk.post(
        f"/api/bookings/{stay.bookingId}/folio/payments",
        {"amount": 2000, "method": "terminal"},
        format="json",
    )
    second = issue(desk, stay.bookingId).json()
    assert second["folioId"] == "F2" and second["total"] == 2000
    assert int(second["number"][-6:]) == int(first["number"][-6:]) + 1


def test_credit_note_cancels_the_invoice_and_reopens_the_folio(api, stay):
    paid = settle(stay.bookingId)
    desk = api.as_role(roles.FRONT_DESK)
    invoice = issue(desk, stay.bookingId).json()
    url = f"/api/invoices/{invoice['number']}/credit-note"
    assert desk.post(url, {"reason": "wrong company"}, format="json").status_code == 403
    accountant = api.as_role(roles.ACCOUNTANT)
    assert accountant.post(url, {}, format="json").status_code == 400
    response = accountant.post(url, {"reason": "wrong company"}, format="json")
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["kind"] == "credit_note"
    assert note["number"].startswith("CN-")
    assert note["creditOf"] == invoice["number"]
    assert note["total"] == -paid
    assert [x["amount"] for x in note["lines"]] == [-x["amount"] for x in invoice["lines"]]
    assert note["taxBreakdown"][0]["tax"] == -invoice["taxTotal"]
    assert (
        accountant.get(f"/api/invoices/{invoice['number']}").json()["creditedBy"]
        == (note["number"])
    )
    twice = accountant.post(url, {"reason": "again"}, format="json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "INVOICE_CREDITED"
    of_note = accountant.post(
        f"/api/invoices/{note['number']}/credit-note", {"reason": "x"}, format="json"
    )
    assert of_note.json()["error"]["code"] == "NOT_AN_INVOICE"
    text = pdf_text(accountant.get(f"/api/invoices/{note['number']}/pdf").content)
    assert note["number"] in text and f"invoice {invoice['number']}" in text

    # The folio is open again: set the company as payer and invoice it anew.
    bill = desk.get(f"/api/bookings/{stay.bookingId}/folio").json()
    assert bill["folios"][0]["invoice"] is None
    reissued = issue(desk, stay.bookingId).json()
    assert reissued["folioId"] == "F1" and reissued["total"] == paid
    assert int(reissued["number"][-6:]) == int(invoice["number"][-6:]) + 1
    numbers = [
        x["number"] for x in desk.get(f"/api/bookings/{stay.bookingId}/invoices").json()["invoices"]
    ]
    assert sorted(numbers) == sorted([invoice["number"], note["number"], reissued["number"]])


def test_a_retried_request_with_an_idempotency_key_gets_the_same_invoice(api, stay):
    settle(stay.bookingId)
    desk = api.as_role(roles.FRONT_DESK)
    first = issue(desk, stay.bookingId, HTTP_IDEMPOTENCY_KEY="inv-1")
    again = issue(desk, stay.bookingId, HTTP_IDEMPOTENCY_KEY="inv-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(desk.get(f"/api/bookings/{stay.bookingId}/invoices").json()["invoices"]) == 1


def test_proforma_is_a_pdf_with_no_number_and_any_balance(api, stay):
    desk = api.as_role(roles.FRONT_DESK)
    response = issue(desk, stay.bookingId, {"proforma": True})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Pro-forma" in text and stay.bookingId in text
    assert format_money(11200, stay.currency) in text
    assert desk.get(f"/api/bookings/{stay.bookingId}/invoices").json() == {"invoices": []}


def test_roles(api, stay):
    settle(stay.bookingId)
    keeper = api.as_role(roles.HOUSEKEEPING)
    assert issue(keeper, stay.bookingId).status_code == 403
    assert keeper.get(f"/api/bookings/{stay.bookingId}/invoices").status_code == 403
    accountant = api.as_role(roles.ACCOUNTANT)
    invoice = issue(accountant, stay.bookingId)
    assert invoice.status_code == 201, invoice.content
    number = invoice.json()["number"]
    keeper = api.as_role(roles.HOUSEKEEPING)
    assert keeper.get(f"/api/invoices/{number}").status_code == 403
    assert keeper.get(f"/api/invoices/{number}/pdf").status_code == 403
    desk = api.as_role(roles.FRONT_DESK)
    assert desk.get(f"/api/invoices/{number}/pdf").status_code == 200
    assert desk.get("/api/invoices/2026-999999").json()["error"]["code"] == "INVOICE_NOT_FOUND"


def test_a_failed_invoice_email_is_sent_later_with_its_pdf(api, stay, settings):
    from hotel.mail import OutboxEmail, emails_send_pending

    settle(stay.bookingId)
    settings.EMAIL_BACKEND = "tests.payments.test_emails.BrokenBackend"
    invoice = issue(api.as_role(roles.FRONT_DESK), stay.bookingId).json()
    (queued,) = [x for x in OutboxEmail.scan() if invoice["number"] in x.subject]
    assert queued.attachments[0]["key"].endswith(f"{invoice['number']}-{stay.bookingId}.pdf")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert emails_send_pending(now=timezone.now()) == 1
    ((name, content, _),) = mail.outbox[0].attachments
    assert name == f"{invoice['number']}.pdf" and invoice["number"] in pdf_text(content)


def test_a_retried_credit_note_request_gets_the_same_note(api, stay):
    settle(stay.bookingId)
    boss = api.as_role(roles.MANAGER)
    number = issue(boss, stay.bookingId).json()["number"]
    url = f"/api/invoices/{number}/credit-note"
    first = boss.post(url, {"reason": "typo"}, format="json", HTTP_IDEMPOTENCY_KEY="cn-1")
    again = boss.post(url, {"reason": "typo"}, format="json", HTTP_IDEMPOTENCY_KEY="cn-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
