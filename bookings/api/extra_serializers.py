"""Extras API shapes: the catalog (camelCase as stored) and the extras a booking carries.
The catalog's rules are bookings.extras.catalog's, run on the fields that parsed so a
client sees every problem in one answer."""

from __future__ import annotations

from datetime import UTC

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.extras.booking import extras_choose
from bookings.extras.catalog import DEFAULTS, TRANSLATED, extra_validate
from bookings.extras.models import UNITS
from bookings.extras.pricing import MAX_QUANTITY
from bookings.rate_reads import DEFAULT_PLAN
from hotel.api.serializers import StrictInputSerializer, TranslationsOutput, translations_input

from .rate_plan_serializers import _rules

_STAMP = {"format": "%Y-%m-%dT%H:%M:%SZ", "default_timezone": UTC}


class ExtraOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.IntegerField(help_text="Minor units per unit, tax included.")
    unit = serializers.ChoiceField(choices=UNITS)
    taxCategory = serializers.CharField()
    bookableOnline = serializers.BooleanField()
    includedIn = serializers.SerializerMethodField(help_text="Rate plans that include it.")
    dailyStock = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    active = serializers.BooleanField()
    sortOrder = serializers.IntegerField()
    translations = TranslationsOutput()
    revision = serializers.IntegerField()
    lastUpdated = serializers.DateTimeField(allow_null=True, **_STAMP)

    def get_includedIn(self, extra) -> list[str]:
        return list(extra.includedIn or [])


class PublicExtraOutput(serializers.Serializer):
    """What a guest sees of an extra bookable online."""

    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.IntegerField(help_text="Minor units per unit, tax included.")
    unit = serializers.ChoiceField(choices=UNITS)
    includedIn = serializers.SerializerMethodField()
    translations = TranslationsOutput()

    def get_includedIn(self, extra) -> list[str]:
        return list(extra.includedIn or [])


class ExtraListOutput(serializers.Serializer):
    extras = PublicExtraOutput(
        many=True,
        help_text="Guests: the active extras bookable online. Staff: every extra, with all of "
        "ExtraOutput's fields.",
    )
    count = serializers.IntegerField()


class ExtraInput(StrictInputSerializer):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    price = serializers.IntegerField(required=False)
    unit = serializers.ChoiceField(choices=UNITS, required=False)
    taxCategory = serializers.CharField(max_length=40, required=False)
    bookableOnline = serializers.BooleanField(required=False)
    includedIn = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=50
    )
    dailyStock = serializers.IntegerField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)
    sortOrder = serializers.IntegerField(required=False)
    translations = translations_input(TRANSLATED)

    def rule_errors(self, values, errors):
        return _rules(extra_validate, DEFAULTS, "code", values, self.context)


class ExtraRequest(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        required=False,
        help_text="How many (per night for nightly extras; guests for per-person ones — "
        "default: the whole party; else 1).",
    )


def extras_request_field():
    return serializers.ListField(
        child=ExtraRequest(),
        required=False,
        max_length=10,
        help_text="Extras sold with the stay (GET /api/extras lists those bookable online).",
    )


def extras_errors(values: dict, *, staff: bool) -> dict[str, list[str]]:
    """The extras' rules (bookings.extras.booking.extras_choose) for a booking request whose
    stay parsed, in the same answer as its other problems."""
    if not values.get("extras"):
        return {}
    persons = (values.get("adults") or values.get("guests") or 1) + len(
        values.get("childrenAges") or ()
    )
    _items, _stocks, errors = extras_choose(
        [dict(e) for e in values["extras"]],
        plan=(values.get("ratePlan") or DEFAULT_PLAN).strip().upper(),
        check_in=values["checkIn"],
        check_out=values["checkOut"],
        persons=persons,
        staff=staff,
    )
    return errors


class BookingExtraAddInput(StrictInputSerializer):
    code = serializers.CharField(max_length=30)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)


class BookingExtraOutput(serializers.Serializer):
    key = serializers.CharField(help_text="Unique on the booking; the bill's line source.")
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(required=False)
    count = serializers.IntegerField(required=False, help_text="The quantity asked for.")
    unitPrice = serializers.IntegerField()
    quantity = serializers.IntegerField(help_text="Units billed (count × nights if nightly).")
    amount = serializers.IntegerField(required=False)
    taxCategory = serializers.CharField()
    date = serializers.CharField(required=False)


class BookingExtrasFields(serializers.Serializer):
    """The booking representation's extras (BookingOutput inherits them)."""

    extras = serializers.SerializerMethodField(
        help_text="Extras sold with the stay; their total is extrasTotal (not in totalPrice)."
    )
    extrasTotal = serializers.SerializerMethodField()

    @extend_schema_field(BookingExtraOutput(many=True))
    def get_extras(self, booking):
        return BookingExtraOutput(booking.extras or [], many=True).data

    def get_extrasTotal(self, booking) -> int:
        return int(booking.extrasTotal or 0)
