"""Days as Spanish guests read them ("vie 27 de noviembre de 2026"); the rest is Django's es
locale. Syntax: django.utils.dateformat."""

DATE_FORMAT = r"D j \d\e F \d\e Y"
DATETIME_FORMAT = r"D j \d\e F \d\e Y, H:i"
