"""Which API-key scopes a subscription needs (hotel.webhooks.types.TYPE_SCOPES): pure."""

from __future__ import annotations

from hotel.webhooks.types import scopes_needed, type_names, types_outside


def test_each_family_of_types_needs_the_scope_that_reads_its_object():
    assert scopes_needed("booking.created") == {"bookings:read"}
    assert scopes_needed("guest.checked_in") == {"bookings:read"}
    assert scopes_needed("payment.refunded") == {"folio:write"}
    assert scopes_needed("folio.invoice_issued") == {"folio:write"}
    assert all(scopes_needed(name) for name in type_names())  # every registered type is covered


def test_a_key_may_receive_only_the_types_its_scopes_read():
    wanted = ["booking.created", "payment.succeeded", "guest.checked_out"]

    assert types_outside(wanted, scopes={"webhooks:manage"}) == wanted
    assert types_outside(wanted, scopes={"webhooks:manage", "bookings:read"}) == [
        "payment.succeeded"
    ]
    assert types_outside(wanted, scopes={"bookings:read", "folio:write"}) == []
    assert types_outside([], scopes=set()) == []
