"""Postings never lose a line: concurrent writers, and any sequence of the desk's postings,
leave a header whose balances are exactly the sums of the lines (DynamoDB Local)."""

from __future__ import annotations

import itertools
import threading
from collections import Counter

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.folio import desk
from payments.folio.desk import LineNotReversible
from payments.folio.models import REVERSAL, Folio, FolioLine
from payments.folio.services import folio_sync

from .conftest import DESK


def check_sums(booking_id: str) -> list[FolioLine]:
    header = Folio.get(booking_id, consistent_read=True)
    lines = list(FolioLine.query(booking_id, consistent_read=True))
    assert header.lineCount == len(lines)
    assert [x.lineId for x in sorted(lines, key=lambda x: x.lineId)] == [
        f"L{n:04d}" for n in range(1, len(lines) + 1)
    ]
    assert header.balance == sum(x.effect for x in lines)
    for folio in header.folios:
        assert folio["balance"] == sum(x.effect for x in lines if x.folioId == folio["folioId"])
    reversed_ids = Counter(x.reverses for x in lines if x.kind == REVERSAL)
    assert all(n == 1 for n in reversed_ids.values()), reversed_ids
    return lines


def test_twenty_clerks_posting_at_once_lose_no_line(stay):
    booking_id = stay.bookingId
    opened = len(folio_sync(booking_id=booking_id, now=timezone.now()).lines)
    errors = []

    def clerk(n: int) -> None:
        try:
            desk.folio_charge(
                booking_id=booking_id,
                description=f"Bar {n}",
                amount=100 + n,
                actor=DESK,
                now=timezone.now(),
            )
        except Exception as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(exc)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    lines = check_sums(booking_id)
    bar = sorted(x.description for x in lines if x.description.startswith("Bar"))
    assert bar == sorted(f"Bar {n}" for n in range(20))
    assert len(lines) == opened + 20
    assert Folio.get(booking_id).balance == stay.totalPrice + sum(100 + n for n in range(20))


def test_two_clerks_reversing_the_same_line_reverse_it_once(stay):
    line = desk.folio_charge(
        booking_id=stay.bookingId, description="Minibar", amount=900, actor=DESK, now=timezone.now()
    )
    outcomes = []

    def reverse():
        try:
            desk.folio_reverse(
                booking_id=stay.bookingId,
                line_id=line.lineId,
                reason="twice",
                actor=DESK,
                now=timezone.now(),
            )
            outcomes.append("reversed")
        except LineNotReversible as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=reverse) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["LINE_ALREADY_REVERSED"] * 5 + ["reversed"]
    check_sums(stay.bookingId)


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("charge"), st.integers(0, 50_000), st.integers(1, 4)),
        st.tuples(
            st.just("payment"), st.integers(1, 50_000), st.sampled_from(["cash", "terminal"])
        ),
        st.tuples(st.just("allowance"), st.integers(1, 5_000)),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
        st.tuples(st.just("split"), st.integers(0, 30)),
        st.tuples(st.just("refund"), st.integers(1, 20_000)),
    ),
    min_size=1,
    max_size=8,
)


_DAYS = itertools.count(0)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_sequence_of_postings_keeps_the_balance_the_sum_of_the_lines(make_stay, ops):
    stay = make_stay(start=next(_DAYS), nights=1, to=("confirmed",))  # a new night each example
    booking_id = stay.bookingId
    expected = stay.totalPrice
    now = timezone.now
    for op in ops:
        lines = check_sums(booking_id) if Folio.count(booking_id) else []
        try:
            if op[0] == "charge":
                desk.folio_charge(
                    booking_id=booking_id,
                    description="x",
                    amount=op[1],
                    quantity=op[2],
                    actor=DESK,
                    now=now(),
                )
                expected += op[1] * op[2]
            elif op[0] == "payment":
                desk.folio_payment(
                    booking_id=booking_id,
                    amount=op[1],
                    method=op[2],
                    reference=None,
                    actor=DESK,
                    now=now(),
                )
                expected -= op[1]
            elif op[0] == "allowance":
                desk.folio_allowance(
                    booking_id=booking_id, amount=op[1], reason="r", actor=DESK, now=now()
                )
                expected -= op[1]
            elif op[0] == "refund":
                desk.folio_refund(
                    booking_id=booking_id,
                    amount=op[1],
                    method="cash",
                    reference=None,
                    reason="r",
                    actor=DESK,
                    now=now(),
                )
                expected += op[1]
            elif lines:
                line = lines[op[1] % len(lines)]
                if op[0] == "reverse":
                    desk.folio_reverse(
                        booking_id=booking_id,
                        line_id=line.lineId,
                        reason="r",
                        actor=DESK,
                        now=now(),
                    )
                    expected -= line.effect
                else:
                    desk.folio_split(
                        booking_id=booking_id,
                        line_ids=[line.lineId],
                        payer={"name": "Acme"},
                        actor=DESK,
                        now=now(),
                    )
        except desk.RefundExceedsPaid:
            pass
        except LineNotReversible:
            pass
        assert Folio.get(booking_id, consistent_read=True).balance == expected
    check_sums(booking_id)
