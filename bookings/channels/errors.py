"""Channel errors, each with its HTTP status and stable code."""

from hotel.errors import Conflict, NotFound


class ChannelNotFound(NotFound):
    code = "CHANNEL_NOT_FOUND"
    default_message = "No such channel."


class ChannelSyncRunning(Conflict):
    code = "CHANNEL_SYNC_RUNNING"
    default_message = "This channel is being synchronised right now; try again in a minute."


class ChannelInactive(Conflict):
    code = "CHANNEL_INACTIVE"
    default_message = "This channel is switched off; switch it on to synchronise it."
