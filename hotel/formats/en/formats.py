"""The back office's date formats (English), read by Django's `formats` before the locale's.

One format for a day everywhere a person reads it ("Tue 1 Dec 2026"), the same with a
24-hour time for moments, ISO for the short forms (inputs, compact cells). The guest site
writes its own formats in its templates. Syntax: django.utils.dateformat.
"""

DATE_FORMAT = "D j M Y"  # Tue 1 Dec 2026
DATETIME_FORMAT = "D j M Y, H:i"  # Tue 1 Dec 2026, 14:05
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
