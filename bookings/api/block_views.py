"""Group block endpoints (staff): list, create, read with pickup per night, edit, release by
hand, and the rooming-list import (a CSV body, a multipart upload, or JSON {"csv": …}).
Front desk and managers hold the bookings.* permissions they need. Views parse, call one
service, render."""

from __future__ import annotations

from rest_framework import parsers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.blocks import rooming, selectors, services
from hotel.actor import actor_from
from hotel.api.parsers import JSONParser
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema
from hotel.api.serializers import parse_query
from hotel.errors import ValidationFailed

from .block_serializers import (
    BlockDetailOutput,
    BlockInput,
    BlockListOutput,
    BlockListQuery,
    BlockOutput,
    BlockPatchInput,
    BlockReleaseOutput,
    RoomingListOutput,
)

BLOCK_PERMS = staff_perm(read="bookings.view_block", write="bookings.change_block")


class CSVParser(parsers.BaseParser):
    """A rooming list sent as the body itself (text/csv): {"csv": text}."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream else b""
        try:
            return {"csv": raw.decode("utf-8-sig")}
        except UnicodeDecodeError:
            raise ValidationFailed(
                details={"fields": {"file": ["The file must be UTF-8 text."]}}
            ) from None


def _detail(block, code=status.HTTP_200_OK, output=BlockDetailOutput, **context) -> Response:
    nights = selectors.block_nights(block, consistent=True)
    body = output(block, context={"nights": nights, **context}).data
    response = Response(body, status=code)
    response["ETag"] = f'"{block.revision}"'
    return response


class BlockListView(APIView):
    permission_classes = [BLOCK_PERMS]

    @extend_schema(
        parameters=[BlockListQuery], responses=BlockListOutput, operation_id="blocks_list"
    )
    def get(self, request):
        query = parse_query(BlockListQuery, request)
        blocks = selectors.blocks_list(status=query.get("status"))
        return Response({"blocks": BlockOutput(blocks, many=True).data, "count": len(blocks)})

    @extend_schema(
        request=BlockInput, responses={201: BlockDetailOutput}, operation_id="blocks_create"
    )
    def post(self, request):
        data = BlockInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        block = services.block_create(
            code=v["code"],
            name=v["name"],
            room_type=v["roomType"],
            start=v["start"],
            end=v["end"],
            units_per_night=v["unitsPerNight"],
            rate=v["rate"],
            rate_plan=v.get("ratePlan") or None,
            release_date=v["releaseDate"],
            notes=v.get("notes", ""),
            **actor_from(request).as_kwargs(),
        )
        response = _detail(block, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/blocks/{block.code}")
        return response


class BlockDetailView(APIView):
    permission_classes = [BLOCK_PERMS]

    @extend_schema(responses=BlockDetailOutput, operation_id="blocks_get")
    def get(self, request, code: str):
        return _detail(selectors.block_get(code, consistent=True))

    @extend_schema(
        request=BlockPatchInput, responses=BlockDetailOutput, operation_id="blocks_update"
    )
    def patch(self, request, code: str):
        data = BlockPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        block = services.block_update(
            code=code, changes=dict(data.validated_data), **actor_from(request).as_kwargs()
        )
        return _detail(block)


class BlockReleaseView(APIView):
    permission_classes = [BLOCK_PERMS]

    @extend_schema(request=None, responses=BlockReleaseOutput, operation_id="blocks_release")
    def post(self, request, code: str):
        block, released = services.block_release(code=code, **actor_from(request).as_kwargs())
        return _detail(block, output=BlockReleaseOutput, released=released)


class RoomingListView(APIView):
    permission_classes = [BLOCK_PERMS]
    parser_classes = [CSVParser, parsers.MultiPartParser, JSONParser]

    @extend_schema(
        request={"text/csv": str, "multipart/form-data": {"type": "object"}},
        responses={201: RoomingListOutput},
        operation_id="blocks_rooming_list_import",
    )
    def post(self, request, code: str):
        result = rooming.rooming_list_import(
            code=code, text=_csv_text(request), **actor_from(request).as_kwargs()
        )
        body = {
            "blockCode": result.block_code,
            "bookingIds": result.booking_ids,
            "count": len(result.booking_ids),
        }
        return Response(body, status=status.HTTP_201_CREATED)


def _csv_text(request) -> str:
    upload = request.FILES.get("file") if hasattr(request, "FILES") else None
    if upload is not None:
        if upload.size > rooming.MAX_BYTES:
            raise ValidationFailed(details={"fields": {"file": ["At most 256 KB."]}})
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(
                details={"fields": {"file": ["The file must be UTF-8 text."]}}
            ) from None
    text = request.data.get("csv") if hasattr(request.data, "get") else None
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed(
            details={"fields": {"file": ["Send the CSV as the body (text/csv) or as 'file'."]}}
        )
    return text
