"""Channel endpoints (managers register OTA calendars; the desk reads them and syncs now):
list, register, read with its events, change, sync. Views parse, call one service, render."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.channels import selectors, services
from bookings.channels.sync import channel_sync
from hotel.actor import actor_from
from hotel.api.permissions import staff_perm
from hotel.api.schema_hints import extend_schema

from .channel_serializers import (
    ChannelDetailOutput,
    ChannelEventOutput,
    ChannelInput,
    ChannelListOutput,
    ChannelOutput,
    ChannelPatchInput,
    ChannelSyncInput,
    ChannelSyncOutput,
)

CHANNEL_PERMS = staff_perm(read="channels.view_channel", write="channels.change_channel")
SYNC_PERMS = staff_perm(read="channels.view_channel", write="channels.sync_channel")


def _detail(channel, code=status.HTTP_200_OK) -> Response:
    events = sorted(selectors.channel_events(channel.channelId), key=lambda e: (e.checkIn, e.uid))
    body = {**ChannelOutput(channel).data, "events": ChannelEventOutput(events, many=True).data}
    return Response(body, status=code)


class ChannelListView(APIView):
    permission_classes = [CHANNEL_PERMS]

    @extend_schema(responses=ChannelListOutput, operation_id="channels_list")
    def get(self, request):
        channels = selectors.channels_list()
        return Response(
            {"channels": ChannelOutput(channels, many=True).data, "count": len(channels)}
        )

    @extend_schema(
        request=ChannelInput, responses={201: ChannelDetailOutput}, operation_id="channels_create"
    )
    def post(self, request):
        data = ChannelInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        channel = services.channel_create(
            name=v["name"],
            url=v["url"],
            room_type=v["roomType"],
            kind=v.get("channel"),
            import_closures=v.get("importClosures", False),
            **actor_from(request).as_kwargs(),
        )
        response = _detail(channel, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/channels/{channel.channelId}")
        return response


class ChannelDetailView(APIView):
    permission_classes = [CHANNEL_PERMS]

    @extend_schema(responses=ChannelDetailOutput, operation_id="channels_get")
    def get(self, request, channel_id: str):
        return _detail(selectors.channel_get(channel_id, consistent=True))

    @extend_schema(
        request=ChannelPatchInput, responses=ChannelDetailOutput, operation_id="channels_update"
    )
    def patch(self, request, channel_id: str):
        data = ChannelPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "channel" in changes:
            changes["kind"] = changes.pop("channel")
        channel = services.channel_update(
            channel_id=channel_id, changes=changes, **actor_from(request).as_kwargs()
        )
        return _detail(channel)


class ChannelSyncView(APIView):
    permission_classes = [SYNC_PERMS]

    @extend_schema(
        request=ChannelSyncInput, responses=ChannelSyncOutput, operation_id="channels_sync"
    )
    def post(self, request, channel_id: str):
        data = ChannelSyncInput(data=request.data or {})
        data.is_valid(raise_exception=True)
        confirm_empty = data.validated_data.get("confirmEmpty", False)
        if confirm_empty and not request.user.has_perm("channels.change_channel"):
            # Releasing every stay an empty calendar dropped is a manager's decision.
            raise PermissionDenied("Only a manager may release what an empty calendar dropped.")
        result = channel_sync(
            channel_id=channel_id, now=actor_from(request).now, confirm_empty=confirm_empty
        )
        return Response(result.as_dict())
