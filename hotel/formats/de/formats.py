"""Days as German guests read them ("Fr., 27. November 2026"); the rest is Django's de locale.
Syntax: django.utils.dateformat."""

DATE_FORMAT = r"D., j. F Y"
DATETIME_FORMAT = r"D., j. F Y, H:i"
