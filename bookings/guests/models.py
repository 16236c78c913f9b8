"""Guest profiles and the keys that find them.

A profile is one person the hotel knows: contacts, address, preferences, consent and the
history of their stays. It is found without a Scan through `GuestKey` items, one per
normalised email, phone and name token (bookings.guests), all in one table keyed by the
key and the profile, so the same email or phone leads to the same profile and a name
search is a Query on a prefix bucket.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register


@register
class GuestProfile(Model):
    Meta = meta("guest-profiles")

    profileId = UnicodeAttribute(hash_key=True)  # "GP-XXXXXXXXXX"
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # normalised (lower case)
    phone = UnicodeAttribute(null=True)  # normalised (E.164-like: + and digits)
    # {"line1", "line2", "city", "postalCode", "region", "country"}
    address = JSONAttribute(null=True)
    nationality = UnicodeAttribute(null=True)  # ISO 3166 alpha-2
    language = UnicodeAttribute(null=True)  # e.g. "en", "de"
    preferences = ListAttribute(of=UnicodeAttribute, default=list)  # "high floor", …
    notes = UnicodeAttribute(default="")  # staff's notes: "allergic to feathers"
    vip = BooleanAttribute(default=False)
    marketingConsent = BooleanAttribute(default=False)
    marketingConsentAt = UTCDateTimeAttribute(null=True)
    # The history: the stays (booking ids) linked to the profile, and what they add up to
    # (stays that happened: checked out; spend in minor units of `currency`).
    bookingIds = ListAttribute(of=UnicodeAttribute, default=list)
    stays = IntegerAttribute(default=0)
    nights = IntegerAttribute(default=0)
    spend = IntegerAttribute(default=0)
    currency = UnicodeAttribute(null=True)
    lastStay = UnicodeAttribute(null=True)  # YYYY-MM-DD, check-out of the latest stay
    mergedInto = UnicodeAttribute(null=True)  # a duplicate merged into another profile
    erasedAt = UTCDateTimeAttribute(null=True)  # personal data erased on request
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    revision = IntegerAttribute(default=1)

    def __str__(self) -> str:
        return f"{self.name} ({self.profileId})"


@register
class GuestKey(Model):
    """One way to find a profile: `key` is "email#<email>", "phone#<digits>" or, for name
    search, "name#<first two letters of a normalised name token>" with `sort` the whole
    token, so a prefix search is a Query with begins_with on `sort`."""

    Meta = meta("guest-keys")

    key = UnicodeAttribute(hash_key=True)
    sort = UnicodeAttribute(range_key=True)  # "<token>#<profileId>" for names; profileId else
    profileId = UnicodeAttribute()
    name = UnicodeAttribute(null=True)  # shown in search results without reading the profile
