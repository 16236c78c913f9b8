"""The registration a guest completes online before arrival (bookings.checkin.services).

One item per booking. The ID document number is personal data the hotel keeps only as long
as the law asks: `purgeDay` (check-out + HOTEL_ID_RETENTION_DAYS) is set while the item holds
an ID number or a signature, and is the hash key of a sparse index, so the daily erasure job
Queries the days that are due instead of scanning the table; erasing removes it, which takes
the item out of the index.

The item also carries `invitedAt`, the marker that the invitation email went out (written
conditionally before sending, so a re-run or a doubled schedule sends nothing twice). An
item with `invitedAt` and no `submittedAt` is an invitation only.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import meta, register

ID_TYPES = ("passport", "national_id", "driving_licence")
SIGNATURE_KINDS = ("drawn", "typed")


class PurgeDayIndex(GlobalSecondaryIndex):
    """Registrations whose ID document is due for erasure on a day. Sparse and keys only: the
    job reads the keys of one day with one Query and erases each item by its key."""

    class Meta:
        index_name = "purgeDay-bookingId-index"
        projection = KeysOnlyProjection()

    purgeDay = UnicodeAttribute(hash_key=True)
    bookingId = UnicodeAttribute(range_key=True)


@register
class Registration(Model):
    Meta = meta("registrations")

    bookingId = UnicodeAttribute(hash_key=True)
    arrivalTime = UnicodeAttribute(null=True)  # "HH:MM", hotel time
    addressLine = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    postalCode = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)  # ISO 3166-1 alpha-2
    nationality = UnicodeAttribute(null=True)  # ISO 3166-1 alpha-2
    # The ID document: its type and number (upper case, letters and digits only). Shown only
    # masked (rules.mask_id_number); never logged, emailed or audited; erased by the job.
    idType = UnicodeAttribute(null=True)  # ID_TYPES
    idNumber = UnicodeAttribute(null=True)
    signatureKind = UnicodeAttribute(null=True)  # SIGNATURE_KINDS
    signature = UnicodeAttribute(null=True)  # drawn: a PNG data URL (size-limited)
    typedName = UnicodeAttribute(null=True)  # typed: the name the guest signed with
    checkOut = UnicodeAttribute(null=True)  # the stay's departure day when submitted
    purgeDay = UnicodeAttribute(null=True)  # YYYY-MM-DD the ID is due for erasure
    submittedAt = UTCDateTimeAttribute(null=True)
    idErasedAt = UTCDateTimeAttribute(null=True)
    invitedAt = UTCDateTimeAttribute(null=True)

    by_purge_day = PurgeDayIndex()

    def __str__(self) -> str:
        return self.bookingId
