"""The admin over PynamoDB models, on Django's real AdminSite (see sites.py, options.py)."""

from django.contrib.admin import action, display

from .filters import AttributeFilter, InvalidFilter, ListFilter
from .options import DynamoModelAdmin
from .sites import DynamoAdminSite

__all__ = [
    "AttributeFilter",
    "DynamoAdminSite",
    "DynamoModelAdmin",
    "InvalidFilter",
    "ListFilter",
    "action",
    "display",
]
