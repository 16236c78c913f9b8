"""The desk's bill over HTTP (DynamoDB Local): the stay's nights on the folio, a charge, a
cash payment, check-out refused while the guest owes and allowed once paid, reversals,
refunds, allowances and splitting."""

from __future__ import annotations

from hotel.accounts import roles


def folio(api, booking_id):
    response = api.get(f"/api/bookings/{booking_id}/folio")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_stay_is_on_the_bill_and_check_out_waits_for_the_money(api, stay):
    desk = api.as_role(roles.FRONT_DESK)
    bill = folio(desk, stay.bookingId)
    assert bill["currency"] == stay.currency
    nights = [x for x in bill["folios"][0]["lines"] if x["category"] == "room"]
    assert [x["serviceDate"] for x in nights] == [n["date"] for n in stay.nightly]
    assert sum(x["amount"] for x in bill["folios"][0]["lines"]) == stay.totalPrice
    assert bill["balance"] == stay.totalPrice == 11200

    charge = desk.post(
        f"/api/bookings/{stay.bookingId}/folio/charges",
        {"description": "Minibar", "amount": 35000, "quantity": 1, "taxCategory": "standard"},
        format="json",
    )
    assert charge.status_code == 201, charge.content
    line = charge.json()
    assert (line["kind"], line["amount"], line["description"]) == ("charge", 35000, "Minibar")
    assert line["tax"] == 3750  # 12 % inside 35000
    assert folio(desk, stay.bookingId)["balance"] == 11200 + 35000

    out = desk.put(
        f"/api/bookings/{stay.bookingId}/status", {"status": "checked-out"}, format="json"
    )
    assert out.status_code == 409, out.content
    error = out.json()["error"]
    assert error["code"] == "BALANCE_DUE"
    assert error["details"]["balance"] == 46200

    paid = desk.post(
        f"/api/bookings/{stay.bookingId}/folio/payments",
        {"amount": 46200, "method": "cash", "reference": "till 2"},
        format="json",
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["kind"] == "payment"
    assert folio(desk, stay.bookingId)["balance"] == 0
    out = desk.put(
        f"/api/bookings/{stay.bookingId}/status", {"status": "checked-out"}, format="json"
    )
    assert out.status_code == 200, out.content
    # Checked out, the nights stay on the bill (the sync leaves a checked-out stay alone).
    assert folio(desk, stay.bookingId)["balance"] == 0


def test_a_manager_may_check_out_with_a_balance_and_it_is_audited(api, stay):
    desk = api.as_role(roles.FRONT_DESK)
    refused = desk.put(
        f"/api/bookings/{stay.bookingId}/status",
        {"status": "checked-out", "overrideBalance": True},
        format="json",
    )
    assert refused.status_code == 403
    boss = api.as_role(roles.MANAGER)
    out = boss.put(
        f"/api/bookings/{stay.bookingId}/status",
        {"status": "checked-out", "overrideBalance": True},
        format="json",
    )
    assert out.status_code == 200, out.content
    from hotel.audit.selectors import audit_for_object

    actions = [
        e.action for e in audit_for_object(object_type="bookings.booking", object_id=stay.bookingId)
    ]
    assert "folio:checkout-with-balance" in actions


def test_reverse_refund_allowance_and_split(api, stay):
    boss = api.as_role(roles.MANAGER)
    url = f"/api/bookings/{stay.bookingId}/folio"
    minibar = boss.post(
        f"{url}/charges", {"description": "Minibar", "amount": 1000, "quantity": 3}, format="json"
    ).json()
    assert minibar["amount"] == 3000
    no_reason = boss.post(f"{url}/lines/{minibar['lineId']}/reverse", {}, format="json")
    assert no_reason.status_code == 400
    reversal = boss.post(
        f"{url}/lines/{minibar['lineId']}/reverse", {"reason": "not drunk"}, format="json"
    )
    assert reversal.status_code == 201, reversal.content
    assert reversal.json()["kind"] == "reversal"
    assert reversal.json()["effect"] == -3000
    again = boss.post(
        f"{url}/lines/{minibar['lineId']}/reverse", {"reason": "twice"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "LINE_ALREADY_REVERSED"
    night = folio(boss, stay.bookingId)["folios"][0]["lines"][0]
    managed = boss.post(f"{url}/lines/{night['lineId']}/reverse", {"reason": "x"}, format="json")
    assert managed.status_code == 409

    allowance = boss.post(
        f"{url}/allowances", {"amount": 500, "reason": "noisy room"}, format="json"
    )
    assert allowance.status_code == 201
    assert folio(boss, stay.bookingId)["balance"] == 11200 - 500

    boss.post(f"{url}/payments", {"amount": 2000, "method": "terminal"}, format="json")
    too_much = boss.post(
        f"{url}/refunds", {"amount": 2500, "method": "cash", "reason": "x"}, format="json"
    )
    assert too_much.status_code == 409
    refund = boss.post(
        f"{url}/refunds", {"amount": 500, "method": "cash", "reason": "change"}, format="json"
    )
    assert refund.status_code == 201
    assert folio(boss, stay.bookingId)["balance"] == 11200 - 500 - 2000 + 500

    bar = boss.post(
        f"{url}/charges", {"description": "Bar", "amount": 800, "category": "bar"}, format="json"
    ).json()
    split = boss.post(
        f"{url}/split",
        {"lineIds": [bar["lineId"]], "payer": {"name": "Acme Ltd", "company": "Acme"}},
        format="json",
    )
    assert split.status_code == 200, split.content
    bill = split.json()
    assert [f["folioId"] for f in bill["folios"]] == ["F1", "F2"]
    assert bill["folios"][1]["payer"]["name"] == "Acme Ltd"
    assert bill["folios"][1]["balance"] == 800
    assert bill["balance"] == sum(f["balance"] for f in bill["folios"])
    assert bill["balance"] == 11200 - 500 - 2000 + 500 + 800


def test_roles(api, stay):
    url = f"/api/bookings/{stay.bookingId}/folio"
    assert api.get(url).status_code == 401
    housekeeping = api.as_role(roles.HOUSEKEEPING)
    assert housekeeping.get(url).status_code == 403
    desk = api.as_role(roles.FRONT_DESK)
    line = desk.post(
        f"{url}/charges", {"description": "Minibar", "amount": 100}, format="json"
    ).json()
    assert (
        desk.post(
            f"{url}/lines/{line['lineId']}/reverse", {"reason": "x"}, format="json"
        ).status_code
        == 403
    )
    accountant = api.as_role(roles.ACCOUNTANT)
    assert (
        accountant.post(
            f"{url}/payments", {"amount": 100, "method": "transfer"}, format="json"
        ).status_code
        == 201
    )
    assert (
        accountant.post(
            f"{url}/lines/{line['lineId']}/reverse", {"reason": "x"}, format="json"
        ).status_code
        == 201
    )


def test_bad_input_gets_every_problem_at_once(api, stay):
    desk = api.as_role(roles.FRONT_DESK)
    response = desk.post(
        f"/api/bookings/{stay.bookingId}/folio/charges",
        {"amount": -1, "quantity": 0, "colour": "red"},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["details"]["fields"]
    assert {"description", "amount", "quantity", "colour"} <= set(fields)
    unknown = desk.post(
        f"/api/bookings/{stay.bookingId}/folio/charges",
        {"description": "x", "amount": 1, "taxCategory": "nope"},
        format="json",
    )
    assert unknown.status_code == 400
    missing = desk.get("/api/bookings/NOPE/folio")
    assert missing.status_code == 404


def test_an_expired_holds_bill_opens_on_its_first_posting_and_unknown_lines_are_404(api, make_stay):
    from django.utils import timezone

    from bookings.services import booking_transition

    hold = make_stay(start=3, to=())
    booking_transition(
        booking_id=hold.bookingId,
        to_status="expired",
        actor="system",
        now=timezone.now(),
        system=True,
    )
    boss = api.as_role(roles.MANAGER)
    assert folio(boss, hold.bookingId)["balance"] == 0
    fee = boss.post(
        f"/api/bookings/{hold.bookingId}/folio/charges",
        {"description": "Late cancellation", "amount": 2000, "category": "fee"},
        format="json",
    )
    assert fee.status_code == 201, fee.content
    assert folio(boss, hold.bookingId)["balance"] == 2000
    missing = boss.post(
        f"/api/bookings/{hold.bookingId}/folio/lines/L0999/reverse", {"reason": "x"}, format="json"
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "LINE_NOT_FOUND"


def test_the_desk_posts_an_extra_by_its_code_with_its_stock(api, stay):
    from django.utils import timezone

    from bookings.extras.catalog import extra_create
    from bookings.extras.models import ExtraStock

    extra_create(
        data={
            "code": "PARKING",
            "name": "Parking",
            "price": 30000,
            "unit": "per_night",
            "dailyStock": 1,
        },
        actor="test",
        now=timezone.now(),
    )
    desk = api.as_role(roles.FRONT_DESK)
    url = f"/api/bookings/{stay.bookingId}/folio/charges"
    response = desk.post(url, {"code": "PARKING"}, format="json")
    assert response.status_code == 201, response.content
    line = response.json()
    assert (line["category"], line["quantity"], line["amount"]) == ("extra", 2, 60000)
    assert ExtraStock.get("PARKING", stay.checkIn, consistent_read=True).sold == 1
    assert folio(desk, stay.bookingId)["balance"] == 11200 + 60000

    sold_out = desk.post(url, {"code": "PARKING"}, format="json")
    assert sold_out.status_code == 409
    assert sold_out.json()["error"]["code"] == "EXTRA_SOLD_OUT"
    half = desk.post(url, {"code": "PARKING", "description": "Valet"}, format="json")
    assert half.status_code == 400
    assert "amount" in half.json()["error"]["details"]["fields"]
    unknown = desk.post(url, {"code": "NOPE"}, format="json")
    assert unknown.status_code == 400
    assert "code" in unknown.json()["error"]["details"]["fields"]
