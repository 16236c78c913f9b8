"""Days as French guests read them ("ven 27 novembre 2026"); the rest is Django's fr locale.
Syntax: django.utils.dateformat."""

DATE_FORMAT = r"D j F Y"
DATETIME_FORMAT = r"D j F Y, H:i"
