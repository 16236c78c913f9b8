import base64
import io

import pytest
from PIL import Image

from bookings.services import booking_transition
from tests.conftest import NOW


def signature_png() -> str:
    """A small drawn signature as the canvas sends it: a PNG data URL."""
    image = Image.new("RGBA", (120, 40), (255, 255, 255, 0))
    for x in range(10, 110):
        image.putpixel((x, 20 + (x % 7)), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


FORM = {
    "arrivalTime": "15:30",
    "addressLine": "12 Rue des Fleurs",
    "city": "Lyon",
    "postalCode": "69001",
    "country": "FR",
    "nationality": "FR",
    "idType": "passport",
    "idNumber": "18AB 67891234",
    "signatureKind": "typed",
    "typedName": "Ada Guest",
    "confirm": True,
}


@pytest.fixture
def form():
    return dict(FORM)


@pytest.fixture
def confirmed(make_booking, room):
    """`confirmed(start=0, nights=2)`: a confirmed booking (day 0 = a week after NOW)."""

    def make(**kw):
        booking = make_booking(**kw).booking
        return booking_transition(
            booking_id=booking.bookingId, to_status="confirmed", actor="t", now=NOW
        )

    return make
