"""The guest profiles' API shapes (camelCase, money in minor units)."""

from __future__ import annotations

from rest_framework import serializers

from hotel.api.serializers import StrictInputSerializer


class AddressSerializer(serializers.Serializer):
    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postalCode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)


class ProfileOutput(serializers.Serializer):
    profileId = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    address = serializers.JSONField(allow_null=True)
    nationality = serializers.CharField(allow_null=True)
    language = serializers.CharField(allow_null=True)
    preferences = serializers.ListField(child=serializers.CharField())
    notes = serializers.CharField()
    vip = serializers.BooleanField()
    marketingConsent = serializers.BooleanField()
    marketingConsentAt = serializers.DateTimeField(allow_null=True)
    bookingIds = serializers.ListField(child=serializers.CharField())
    stays = serializers.IntegerField()
    nights = serializers.IntegerField()
    spend = serializers.IntegerField()
    currency = serializers.CharField(allow_null=True)
    lastStay = serializers.CharField(allow_null=True)
    mergedInto = serializers.CharField(allow_null=True)
    revision = serializers.IntegerField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


class SearchBookingOutput(serializers.Serializer):
    bookingId = serializers.CharField()
    guestName = serializers.CharField()
    status = serializers.CharField()
    checkIn = serializers.CharField()
    checkOut = serializers.CharField()
    profileId = serializers.CharField(allow_null=True)


class SearchProfileOutput(ProfileOutput):
    recentBookings = serializers.SerializerMethodField()

    def get_recentBookings(self, profile) -> list[dict]:
        recent = self.context.get("bookings", {}).get(profile.profileId, [])
        return SearchBookingOutput(recent, many=True).data


class SearchOutput(serializers.Serializer):
    kind = serializers.CharField()
    profiles = serializers.ListField(child=serializers.DictField())
    bookings = serializers.ListField(child=serializers.DictField())


class ProfilePatchInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    email = serializers.EmailField(required=False, allow_null=True)
    phone = serializers.RegexField(r"^\+?[0-9 ()\-]{6,30}$", required=False, allow_null=True)
    address = AddressSerializer(required=False, allow_null=True)
    nationality = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_null=True)
    language = serializers.RegexField(r"^[a-z]{2}(-[A-Za-z]{2})?$", required=False, allow_null=True)
    preferences = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=30, required=False
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    vip = serializers.BooleanField(required=False)
    marketingConsent = serializers.BooleanField(required=False)
    revision = serializers.IntegerField(required=False, min_value=1)

    def rule_errors(self, values, errors):
        if "nationality" in values and values["nationality"]:
            values["nationality"] = values["nationality"].upper()
        return {}


class MergeInput(StrictInputSerializer):
    into = serializers.CharField(max_length=40)


class BookingGuestInput(StrictInputSerializer):
    guestName = serializers.CharField(max_length=120, required=False)
    guestEmail = serializers.EmailField(required=False, allow_null=True)
    guestPhone = serializers.CharField(max_length=30, required=False, allow_null=True)
    adults = serializers.IntegerField(min_value=1, max_value=20, required=False)
    childrenAges = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=17), max_length=10, required=False
    )
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)
