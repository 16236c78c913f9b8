"""The hotel's day: the one conversion of a moment to the date it is at the hotel.

"Today" for every bookings rule (the earliest check-in, the stats' days, the iCal feed, the
rooms in use) is the date in settings.TIME_ZONE, whatever zone the server or the moment is
in. A leaf module so that services, selectors, stats and room_state can all use it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def hotel_today(now: datetime) -> date:
    """Today's date in the hotel's time zone."""
    return now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
