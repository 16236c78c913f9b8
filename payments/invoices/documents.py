"""The PDF of an issued invoice in the default storage (django-storages: S3 in the cloud,
the file system locally), under `invoices/<year>/<number>-<bookingId>.pdf`.

An invoice never changes, so its PDF is rendered once and kept; if the first rendering
failed (it runs after the write, see payments.invoices.emails), the first download renders
and stores it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from .models import Invoice, invoice_pdf_key
from .pdf import render_pdf

logger = logging.getLogger("payments.invoices")


def invoice_pdf_stored(invoice: Invoice) -> str:
    """Store the invoice's PDF unless it is there already; return its key."""
    key = invoice.pdfKey or invoice_pdf_key(
        year=invoice.year, number=invoice.number, booking_id=invoice.bookingId
    )
    if not default_storage.exists(key):
        # A legal document: written in the default language whatever the request's is.
        with translation.override(settings.LANGUAGE_CODE):
            pdf = render_pdf(invoice)
        default_storage.save(key, ContentFile(pdf))
    return key


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice's PDF: the stored one, or rendered (and stored) now."""
    key = invoice_pdf_stored(invoice)
    with default_storage.open(key, "rb") as file:
        return file.read()
