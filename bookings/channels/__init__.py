"""OTA channels: external calendars (iCal) imported into a room type's inventory."""
