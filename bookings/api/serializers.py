"""Booking API shapes (camelCase)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from bookings import services
from bookings.availability import catalog
from bookings.booking_terms import booking_terms_snapshot
from bookings.exceptions import StayTooLong
from bookings.models import SOURCES, STATUSES
from bookings.offers import promo_refusal
from bookings.rate_reads import DEFAULT_PLAN, promo_get
from hotel.api.serializers import (
    DayField,
    StrictInputSerializer,
    domain_field_errors,
    language_field,
)
from rooms.api.serializers import RoomOutput

from .extra_serializers import BookingExtrasFields, extras_errors, extras_request_field
from .offer_serializers import NightlyOutput, OfferOutput, RestrictionOutput


def iso(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def stay_errors(values: dict, errors: dict) -> dict[str, list[str]]:
    """The stay rules (bookings.services.stay_validate) in the same answer as type errors.

    A stay that is only too long keeps its own error (STAY_TOO_LONG); beside other
    problems it is one more field error."""
    check_in, check_out = values.get("checkIn"), values.get("checkOut")
    if check_in is None or check_out is None:
        return {}
    today = services.hotel_today(timezone.now())
    try:
        return domain_field_errors(
            lambda: services.stay_validate(check_in=check_in, check_out=check_out, today=today)
        )
    except StayTooLong as exc:
        if errors:
            return {"checkOut": [exc.message]}
        raise


def children_ages_field():
    return serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=17),
        required=False,
        max_length=8,
        help_text="Each child's age on arrival (0–17); priced by the plan's age bands.",
    )


def promo_errors(
    values: dict, errors: dict, serializer=None, *, consistent: bool = True
) -> dict[str, list[str]]:
    """An unknown, expired or used-up promo code (or one for other dates) is the field's
    error; the promo read is kept on the serializer (`promo`) for the view."""
    code = values.get("promoCode")
    if not code or {"checkIn", "checkOut"} & set(errors):
        return {}
    promo = promo_get(code, consistent=consistent)
    if serializer is not None:
        serializer.promo = promo
    refusal = promo_refusal(
        promo,
        today=services.hotel_today(timezone.now()),
        check_in=values["checkIn"],
        check_out=values["checkOut"],
    )
    return {"promoCode": [refusal]} if refusal else {}


class AvailabilityInput(StrictInputSerializer):
    checkIn = DayField()
    checkOut = DayField()
    roomType = serializers.CharField(max_length=40, required=False)
    adults = serializers.IntegerField(required=False, min_value=1, max_value=30)
    childrenAges = children_ages_field()
    guestCount = serializers.IntegerField(
        required=False, min_value=1, max_value=30, help_text="Adults (the first version's)."
    )
    promoCode = serializers.CharField(required=False, max_length=40, allow_blank=True)

    def rule_errors(self, values, errors):
        found = stay_errors(values, errors)
        if "checkIn" in values and "checkOut" in values and not found:
            found.update(promo_errors(values, errors, self, consistent=False))
        code = values.get("roomType")
        if code:
            # The search reuses this read of the catalog (one stamp read a request).
            self.catalog = catalog()
            if code not in {t.roomType for t in self.catalog.room_types}:
                found["roomType"] = [f"No room type {code} exists."]
        return found


class AvailableRoomOutput(RoomOutput):
    totalPrice = serializers.IntegerField()
    subtotal = serializers.IntegerField()
    tax = serializers.IntegerField()
    nightly = NightlyOutput(many=True)


class AvailableTypeOutput(serializers.Serializer):
    """A room type with a unit left for every night of the stay."""

    roomType = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    beds = serializers.CharField()
    view = serializers.CharField()
    sizeM2 = serializers.IntegerField(allow_null=True)
    maxAdults = serializers.IntegerField()
    maxChildren = serializers.IntegerField()
    maxGuests = serializers.IntegerField()
    amenities = serializers.ListField(child=serializers.CharField())
    photos = serializers.ListField(child=serializers.CharField(), help_text="URLs.")
    available = serializers.IntegerField(help_text="Units left for every night of the stay.")
    totalPrice = serializers.IntegerField(allow_null=True, help_text="The cheapest offer's.")
    subtotal = serializers.IntegerField(allow_null=True)
    tax = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    nightly = NightlyOutput(many=True)
    offers = OfferOutput(many=True, help_text="One per rate plan, cheapest first.")
    restrictions = RestrictionOutput(
        many=True, help_text="Why no plan is offered (when `offers` is empty)."
    )


class AvailabilityOutput(serializers.Serializer):
    checkIn = serializers.CharField()
    checkOut = serializers.CharField()
    nights = serializers.IntegerField()
    roomTypes = AvailableTypeOutput(many=True)
    rooms = AvailableRoomOutput(many=True)
    count = serializers.IntegerField()
    restrictions = RestrictionOutput(many=True)


class BookingInput(StrictInputSerializer):
    roomType = serializers.CharField(
        max_length=40, required=False, help_text="Book a unit of this room type."
    )
    roomId = serializers.CharField(
        max_length=40, required=False, help_text="Or pin this room (a unit of its type)."
    )
    checkIn = DayField()
    checkOut = DayField()
    ratePlan = serializers.CharField(
        max_length=20, required=False, help_text="Default: the hotel's default plan, FLEX."
    )
    adults = serializers.IntegerField(min_value=1, max_value=12, required=False)
    childrenAges = children_ages_field()
    guests = serializers.IntegerField(
        min_value=1, max_value=12, required=False, help_text="Adults, when `adults` is not given."
    )
    promoCode = serializers.CharField(max_length=40, required=False, allow_blank=True)
    blockCode = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Book from this group block: its room type, nights and rate.",
    )
    guestName = serializers.CharField(max_length=120)
    guestEmail = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    guestPhone = serializers.CharField(max_length=25, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=SOURCES, required=False)
    extras = extras_request_field()
    language = language_field()

    def rule_errors(self, values, errors):
        found = stay_errors(values, errors)
        if (
            not values.get("roomId")
            and not values.get("roomType")
            and not values.get("blockCode")
            and not ({"roomId", "roomType", "blockCode"} & set(errors))
        ):
            found["roomType"] = ["Give a roomType (or a roomId to pin a room)."]
        if (
            "adults" not in values
            and "guests" not in values
            and not {"adults", "guests"} & set(errors)
        ):
            found["adults"] = ["Give adults (and childrenAges), or guests."]
        if "checkIn" in values and "checkOut" in values and not found.get("checkIn"):
            found.update(promo_errors(values, errors))
            if not found.get("checkOut"):
                found.update(extras_errors(values, staff=bool(self.context.get("staff"))))
        guest = {
            "guest_name": values.get("guestName", "-"),
            "guest_email": values.get("guestEmail") or None,
            "guest_phone": values.get("guestPhone") or None,
            "source": "front_desk" if values.get("source") == "front_desk" else "api",
        }
        found.update(domain_field_errors(lambda: services.guest_fields_validate(**guest)))
        return found


class StatusInput(StrictInputSerializer):
    status = serializers.ChoiceField(choices=STATUSES)
    overrideHousekeeping = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Check-in only: check the guest in although the room is dirty or out of "
        "service (audited). Never overrides an occupied or out-of-order room.",
    )
    overrideBalance = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Check-out only; managers: check out although the bill has a balance due "
        "(audited with the balance). Without it, BALANCE_DUE (409).",
    )
    refundAmount = serializers.IntegerField(
        required=False,
        help_text="Cancelling only; managers and accountants: refund this (minor units, "
        "0 to what was paid) instead of the cancellation policy's amount. Needs `reason`.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why the refund differs from the policy (recorded in the audit log).",
    )

    def validate(self, attrs):
        if attrs.get("status") != "cancelled":
            extra = [name for name in ("refundAmount", "reason") if name in attrs]
            if extra:
                raise serializers.ValidationError(
                    {name: ["Only when the status is cancelled."] for name in extra}
                )
        return attrs


class ChangeInput(StrictInputSerializer):
    checkIn = DayField(required=False)
    checkOut = DayField(required=False)
    roomId = serializers.CharField(max_length=40, required=False)
    roomType = serializers.CharField(max_length=40, required=False)
    keepRate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Staff: keep the booked total (an upgrade on the same dates at the rate "
        "booked; new dates priced to cost the old total), audited as change:keep-rate.",
    )

    def rule_errors(self, values, errors):
        if not {k: v for k, v in values.items() if k != "keepRate"} and not set(errors) & set(
            self.fields
        ):
            return {
                "nonFieldErrors": ["Give new checkIn/checkOut dates, a roomId and/or a roomType."]
            }
        return {}


class RoomAssignmentInput(StrictInputSerializer):
    """POST /api/room-assignments: assign every live booking with a night in [from, to]."""

    vars()["from"] = DayField()  # a Python keyword, so declared by name
    to = DayField()

    def rule_errors(self, values, errors):
        low, high = values.get("from"), values.get("to")
        if low and high and high < low:
            return {"to": ["Must be on or after from."]}
        if low and high and (high - low).days > 62:
            return {"to": ["At most 62 days at once."]}
        return {}


class AssignedOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    roomId = serializers.CharField()


class MovedOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    vars()["from"] = serializers.CharField()
    to = serializers.CharField()


class UnplacedOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    reason = serializers.CharField()


class RoomAssignmentOutput(serializers.Serializer):
    assigned = AssignedOutput(many=True)
    moved = MovedOutput(many=True)
    unplaced = UnplacedOutput(many=True)


class BookingRoomInput(StrictInputSerializer):
    """PUT /api/bookings/{id}/room."""

    roomId = serializers.CharField(max_length=40)
    pinned = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True: the automatic assignment never moves the booking out of this room.",
    )
    keepRate = serializers.BooleanField(required=False, default=False)


class BookingListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    checkIn = DayField(required=False)
    checkInFrom = DayField(required=False)
    checkInTo = DayField(required=False)
    guestEmail = serializers.EmailField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)
    nextToken = serializers.CharField(required=False, max_length=2000)

    def validate(self, attrs):
        # The view reads checkIn as both ends when checkInFrom / checkInTo are not given.
        low = attrs.get("checkInFrom") or attrs.get("checkIn")
        high = attrs.get("checkInTo") or attrs.get("checkIn")
        if low and high and low > high:
            first = "checkInFrom" if attrs.get("checkInFrom") else "checkIn"
            last = "checkInTo" if attrs.get("checkInTo") else "checkIn"
            raise serializers.ValidationError({last: [f"Must be on or after {first}."]})
        return attrs


class BookingOutput(BookingExtrasFields):
    bookingId = serializers.CharField()
    reservationId = serializers.CharField(
        allow_null=True, help_text="The reservation this stay is part of (None: booked alone)."
    )
    status = serializers.CharField()
    roomId = serializers.CharField(allow_null=True, help_text="None until a room is assigned.")
    roomPinned = serializers.SerializerMethodField()
    roomType = serializers.CharField()
    checkIn = serializers.CharField()
    checkOut = serializers.CharField()
    nights = serializers.SerializerMethodField()
    guests = serializers.IntegerField()
    adults = serializers.SerializerMethodField()
    childrenAges = serializers.SerializerMethodField()
    ratePlan = serializers.SerializerMethodField()
    promoCode = serializers.CharField(allow_null=True)
    blockCode = serializers.CharField(allow_null=True, help_text="The group block it is from.")
    discount = serializers.SerializerMethodField()
    cityTax = serializers.SerializerMethodField()
    dueNow = serializers.SerializerMethodField()
    terms = serializers.SerializerMethodField(
        help_text="What the stay was sold under, as booked: plan, cancellation policy, "
        "payment terms, occupancy prices, taxes, lines. Editing the plan later does not "
        "change it."
    )
    guestName = serializers.CharField()
    guestEmail = serializers.CharField(allow_null=True)
    guestPhone = serializers.CharField(allow_null=True)
    totalPrice = serializers.IntegerField()
    subtotal = serializers.IntegerField()
    tax = serializers.IntegerField()
    currency = serializers.CharField()
    nightly = NightlyOutput(many=True)
    source = serializers.CharField()
    notes = serializers.CharField()
    language = serializers.SerializerMethodField(
        help_text="The guest's language: every email about the stay is written in it."
    )
    createdAt = serializers.SerializerMethodField()
    expiresAt = serializers.SerializerMethodField()

    def get_language(self, booking) -> str:
        return booking.language or settings.LANGUAGE_CODE

    def get_roomPinned(self, booking) -> bool:
        return bool(booking.roomPinned)

    def get_adults(self, booking) -> int:
        return booking.adults if booking.adults is not None else booking.guests

    def get_childrenAges(self, booking) -> list[int]:
        return [int(a) for a in booking.childrenAges or []]

    def get_ratePlan(self, booking) -> str:
        return booking.ratePlan or DEFAULT_PLAN

    def get_discount(self, booking) -> int:
        return booking.discount or 0

    def get_cityTax(self, booking) -> int:
        return booking.cityTax or 0

    def get_dueNow(self, booking) -> int:
        return booking.totalPrice if booking.dueNow is None else booking.dueNow

    def get_terms(self, booking) -> dict:
        return booking_terms_snapshot(booking)

    def get_nights(self, booking) -> int:
        return len(booking.nightly or [])

    def get_createdAt(self, booking) -> str:
        return iso(booking.createdAt)

    def get_expiresAt(self, booking) -> str | None:
        return iso(booking.expiresAt)


class PaymentSummaryOutput(serializers.Serializer):
    paid = serializers.IntegerField(help_text="Minor units taken and not refunded.")
    refunded = serializers.IntegerField(help_text="Minor units refunded.")
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=["unpaid", "paid", "partially_refunded", "refunded"])
    dueNow = serializers.IntegerField(
        help_text="Minor units the plan's payment terms take at booking (paid to confirm it)."
    )
    balanceDue = serializers.IntegerField(
        help_text="Minor units left to pay at check-in: total − paid, never below 0."
    )
    terms = serializers.ChoiceField(
        choices=["prepay", "deposit", "at_hotel"],
        help_text="prepay: the total now; deposit: a percent now, the rest at check-in; "
        "at_hotel: nothing now, a card kept as the guarantee.",
    )
    guaranteed = serializers.BooleanField(
        help_text="A card is kept as the booking's guarantee (at_hotel terms)."
    )


class BookingDetailOutput(BookingOutput):
    payment = PaymentSummaryOutput()


class BookingCreatedOutput(BookingDetailOutput):
    guestToken = serializers.CharField(
        help_text="Shown once. The guest's key to view, pay, change or cancel this booking."
    )


class BookingListOutput(serializers.Serializer):
    bookings = BookingOutput(many=True)
    count = serializers.IntegerField()
    nextToken = serializers.CharField(required=False)
