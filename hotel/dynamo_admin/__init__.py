"""The admin over PynamoDB models, on Django's real AdminSite (see sites.py, options.py)."""

from django.contrib.admin import action, display

from .filters import AttributeFilter, DateFilter, InvalidFilter, ListFilter, PresetFilter
from .options import DynamoModelAdmin, who
from .sites import DynamoAdminSite

__all__ = [
    "who",
    "AttributeFilter",
    "DateFilter",
    "DynamoAdminSite",
    "DynamoModelAdmin",
    "InvalidFilter",
    "ListFilter",
    "PresetFilter",
    "action",
    "display",
]
