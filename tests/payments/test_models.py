"""payments.models' vocabulary: every payment status has a name for staff and for guests."""

from payments.models import GUEST_STATUS_LABELS, STATUS_LABELS, STATUSES


def test_every_payment_status_has_a_staff_and_a_guest_label():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert set(GUEST_STATUS_LABELS) == set(STATUSES)
    assert all(str(label) for label in GUEST_STATUS_LABELS.values())
