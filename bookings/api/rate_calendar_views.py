"""The rate calendar: GET a room type's prices, restrictions and units left per date under
one plan; PUT sets or clears fields on a range of dates in bulk (managers). Views parse,
call bookings.rate_calendar, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import rate_calendar
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import DayField, StrictInputSerializer, domain_field_errors

# Who reads bookings reads the rates they were sold at; only managers change them.
READ_PERM = "bookings.view_booking"


class _Target(StrictInputSerializer):
    roomType = serializers.CharField(max_length=40)
    ratePlan = serializers.CharField(max_length=40)
    vars()["from"] = DayField()  # a Python keyword, so declared by name
    to = DayField()


class CalendarQuery(_Target):
    def rule_errors(self, values: dict, errors: dict) -> dict[str, list[str]]:
        if errors:
            return {}
        return domain_field_errors(
            lambda: rate_calendar.rate_calendar_target(
                room_type=values["roomType"],
                rate_plan=values["ratePlan"],
                start=values["from"],
                end=values["to"],
            )
        )


def _value_field(help_text: str):
    """A calendar field as sent: the service checks its type and range, in the same answer
    as everything else (a string "3" is not a number here)."""
    return serializers.JSONField(required=False, allow_null=True, help_text=help_text)


class CalendarInput(_Target):
    weekdays = serializers.JSONField(
        required=False, help_text="0 = Monday … 6 = Sunday; empty or absent: every day."
    )
    price = _value_field("Minor units per night; null clears it (the price is derived again).")
    minStay = _value_field("Nights, 1–365, for stays arriving that day; null clears it.")
    maxStay = _value_field("Nights, 1–365, for stays arriving that day; null clears it.")
    minStayThrough = _value_field("Nights, 1–365, for any stay that includes that night.")
    closedToArrival = _value_field("true / false; null clears it.")
    closedToDeparture = _value_field("true / false; null clears it.")
    stopSell = _value_field("true / false; null clears it.")
    minAdvance = _value_field("Days booked ahead of arrival, 0–730; null clears it.")
    maxAdvance = _value_field("Days booked ahead of arrival, 0–730; null clears it.")

    def rule_errors(self, values: dict, errors: dict) -> dict[str, list[str]]:
        return domain_field_errors(
            lambda: rate_calendar.rate_calendar_validate(
                room_type=values.get("roomType"),
                rate_plan=values.get("ratePlan"),
                start=values.get("from"),
                end=values.get("to"),
                weekdays=values.get("weekdays") or [],
                fields=_fields(values),
            )
        )


def _fields(values: dict) -> dict:
    return {name: values[name] for name in rate_calendar.FIELDS if name in values}


class RestrictionsOutput(serializers.Serializer):
    """A plan's restrictions on one day (bookings.rate_calendar.FIELDS less the price), as the
    rate calendar and the ARI feed (bookings.api.ari_views) show them; null: none set."""

    minStay = serializers.IntegerField(allow_null=True)
    maxStay = serializers.IntegerField(allow_null=True)
    minStayThrough = serializers.IntegerField(allow_null=True)
    closedToArrival = serializers.BooleanField(allow_null=True)
    closedToDeparture = serializers.BooleanField(allow_null=True)
    stopSell = serializers.BooleanField(allow_null=True)
    minAdvance = serializers.IntegerField(allow_null=True)
    maxAdvance = serializers.IntegerField(allow_null=True)


class CalendarDayOutput(RestrictionsOutput):
    date = serializers.DateField()
    price = serializers.IntegerField(help_text="One night for the plan's base occupancy.")
    priceSource = serializers.ChoiceField(choices=["calendar", "derived"])
    unitsLeft = serializers.IntegerField()


class CalendarOutput(serializers.Serializer):
    roomType = serializers.CharField()
    ratePlan = serializers.CharField()
    currency = serializers.CharField()
    days = CalendarDayOutput(many=True)


class CalendarUpdatedOutput(CalendarOutput):
    updated = serializers.IntegerField(help_text="The number of dates written.")


def _body(kind, plan, start, end, *, consistent: bool = False) -> dict:
    return {
        "roomType": kind.roomType,
        "ratePlan": plan.ratePlan,
        "currency": kind.currency,
        "days": rate_calendar.rate_calendar_days(
            room_type=kind.roomType,
            rate_plan=plan.ratePlan,
            start=start,
            end=end,
            consistent=consistent,
        ),
    }


QUERY = [
    OpenApiParameter("roomType", OpenApiTypes.STR, required=True),
    OpenApiParameter("ratePlan", OpenApiTypes.STR, required=True),
    OpenApiParameter("from", OpenApiTypes.DATE, required=True),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Included."),
]


class RateCalendarView(APIView):
    permission_classes = [staff_perm(read=READ_PERM, write=rate_calendar.EDIT_PERM)]

    @extend_schema(parameters=QUERY, responses=CalendarOutput, operation_id="rate_calendar_get")
    def get(self, request):
        names = ("roomType", "ratePlan", "from", "to")
        query = CalendarQuery(data={k: v for k, v in request.query_params.items() if k in names})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        kind, plan = rate_calendar.rate_calendar_target(
            room_type=params["roomType"],
            rate_plan=params["ratePlan"],
            start=params["from"],
            end=params["to"],
        )
        return Response(_body(kind, plan, params["from"], params["to"]))

    @extend_schema(
        request=CalendarInput, responses=CalendarUpdatedOutput, operation_id="rate_calendar_set"
    )
    def put(self, request):
        data = CalendarInput(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        updated = rate_calendar.rate_calendar_set(
            room_type=params["roomType"],
            rate_plan=params["ratePlan"],
            start=params["from"],
            end=params["to"],
            weekdays=params.get("weekdays") or [],
            fields=_fields(params),
            **actor_from(request).as_kwargs(),
        )
        kind, plan = rate_calendar.rate_calendar_target(
            room_type=params["roomType"],
            rate_plan=params["ratePlan"],
            start=params["from"],
            end=params["to"],
        )
        body = _body(kind, plan, params["from"], params["to"], consistent=True)
        return Response({**body, "updated": updated})
