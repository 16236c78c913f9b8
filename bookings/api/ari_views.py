"""GET /api/ari: availability, rates and restrictions per room type, plan and date, for
channel managers (bookings.ari; an API key with the availability:read scope, or staff who
read bookings). The view parses, calls the feed, renders."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.rate_calendar_views import RestrictionsOutput
from bookings.ari import ari_feed
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import DayField, StrictInputSerializer, parse_query

READ_PERM = "bookings.view_booking"


class AriQuery(StrictInputSerializer):
    vars()["from"] = DayField(help_text="First date.")  # a Python keyword, declared by name
    to = DayField(help_text="Last date (inclusive); at most 366 days.")
    roomType = serializers.CharField(max_length=40, required=False)
    ratePlan = serializers.CharField(max_length=40, required=False)
    changedSince = serializers.CharField(
        max_length=200,
        required=False,
        help_text="The `cursor` of the previous answer: only the dates whose units, price or "
        "restrictions changed since (or everything, with full=true).",
    )


class AriPlanOutput(RestrictionsOutput):
    ratePlan = serializers.CharField()
    price = serializers.IntegerField(help_text="One night for the plan's standard occupancy.")


class AriDayOutput(serializers.Serializer):
    date = serializers.CharField()
    available = serializers.IntegerField(help_text="Units left to sell.")
    ratePlans = AriPlanOutput(many=True)


class AriTypeOutput(serializers.Serializer):
    roomType = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    days = AriDayOutput(many=True)


class AriOutput(serializers.Serializer):
    vars()["from"] = serializers.CharField()
    to = serializers.CharField()
    full = serializers.BooleanField(help_text="False: only what changed since the cursor.")
    roomTypes = AriTypeOutput(many=True)
    cursor = serializers.CharField(help_text="Pass as changedSince on the next poll.")


class AriView(APIView):
    permission_classes = [staff_perm(read=READ_PERM)]

    @extend_schema(parameters=[AriQuery], responses=AriOutput, operation_id="ari_read")
    def get(self, request):
        query = parse_query(AriQuery, request)
        body = ari_feed(
            start=query["from"],
            end=query["to"],
            now=actor_from(request).now,
            room_type=query.get("roomType"),
            rate_plan=query.get("ratePlan"),
            changed_since=query.get("changedSince"),
        )
        return Response(body)
