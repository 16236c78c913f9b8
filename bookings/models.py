"""Bookings, the inventory, rate rules, rate plans, the rate calendar and promo codes."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, LeanIndex, PackedJSONAttribute, meta, register

from .labels import rate_rule_label
from .snapshot_packing import SNAPSHOT_DICTIONARIES

# --- the booking lifecycle ---------------------------------------------------------------------
PENDING = "pending"
CONFIRMED = "confirmed"
CHECKED_IN = "checked-in"
CHECKED_OUT = "checked-out"
CANCELLED = "cancelled"
NO_SHOW = "no-show"
EXPIRED = "expired"
STATUSES = (PENDING, CONFIRMED, CHECKED_IN, CHECKED_OUT, CANCELLED, NO_SHOW, EXPIRED)
# Statuses whose nights are held in the room-night table.
LIVE_STATUSES = frozenset({PENDING, CONFIRMED, CHECKED_IN})

SOURCES = ("web", "api", "front_desk")  # what API clients and staff may set
CHANNEL_SOURCE = "channel"  # a stay imported from an OTA's calendar (bookings.channels)
# Staff who may cancel a booking (always through the refunding cancel, payments.services.cancel):
# those who change bookings, and accountants, who hold only the cancel.
CANCEL_PERMS = ("bookings.change_booking", "bookings.cancel_booking")


# What the status index projects beside its keys: every attribute its queries filter on (the
# selectors, the staff list's filters and search). Small (~250 bytes an entry), and rarely
# written: a payment, a note or a room assignment changes none of them.
INDEXED_BOOKING_ATTRIBUTES = [
    "status", "checkIn", "checkOut", "roomType", "expiresAt", "guestName", "guestEmail",
    "guestPhone",
]  # fmt: skip


class GuestEmailIndex(LeanIndex):
    """A guest's bookings, newest first. Sparse: walk-ins without an email are not in it.
    Lean and keys only (hotel.dynamo.indexes): a guest has few bookings, so the lists'
    filters (status, dates, the staff's search) run on the whole items its queries read,
    and confirming, moving or cancelling a booking never writes this index."""

    class Meta:
        index_name = "guestEmail-createdAt-keys-index"
        projection = KeysOnlyProjection()

    guestEmail = UnicodeAttribute(hash_key=True)
    createdAt = UTCDateTimeAttribute(range_key=True)


class StatusCheckInIndex(LeanIndex):
    """Bookings by status and arrival date: arrival lists, pending holds, the staff list.
    Lean: projects what the queries filter on; a payment or a note written to a booking does
    not touch it."""

    class Meta:
        index_name = "status-checkIn-lean-index"
        projection = IncludeProjection(
            [a for a in INDEXED_BOOKING_ATTRIBUTES if a not in ("status", "checkIn")]
        )

    status = UnicodeAttribute(hash_key=True)
    checkIn = UnicodeAttribute(range_key=True)


@register
class Booking(Model):
    # The lean indexes replaced these (projection ALL): `sync_tables --drop-replaced` deletes
    # them once code that no longer reads them is live (docs/deployment.md).
    Meta = meta(
        "bookings",
        replaced_indexes={
            "guestEmail-createdAt-keys-index": "guestEmail-createdAt-index",
            "status-checkIn-lean-index": "status-checkIn-index",
        },
    )

    bookingId = UnicodeAttribute(hash_key=True)
    # The room, once assigned (None: sold as a unit of its type, no room yet). A booking
    # with a room holds that room's nights in the room-nights table as well.
    roomId = UnicodeAttribute(null=True)
    roomType = UnicodeAttribute()
    # Staff or the guest chose this very room: the assigner never moves it.
    roomPinned = BooleanAttribute(null=True)
    checkIn = UnicodeAttribute()  # YYYY-MM-DD, first night
    checkOut = UnicodeAttribute()  # YYYY-MM-DD, departure day (not a night)
    status = UnicodeAttribute(default=PENDING)
    guestName = UnicodeAttribute()
    guestEmail = UnicodeAttribute(null=True)
    guestPhone = UnicodeAttribute(null=True)
    guests = IntegerAttribute()
    totalPrice = IntegerAttribute()
    subtotal = IntegerAttribute()
    tax = IntegerAttribute()
    currency = UnicodeAttribute()
    # The price snapshot (nightly, terms, extras) is packed: bookings.snapshot_packing.
    nightly = PackedJSONAttribute(dictionaries=SNAPSHOT_DICTIONARIES)  # [{"date", "amount", …}]
    # What the stay was sold under (None on bookings made before rate plans: FLEX, adults =
    # guests, the hotel's policy; migrate_rates fills them in).
    ratePlan = UnicodeAttribute(null=True)
    adults = IntegerAttribute(null=True)
    childrenAges = ListAttribute(of=NumberAttribute, null=True)
    promoCode = UnicodeAttribute(null=True)
    discount = IntegerAttribute(null=True)  # minor units the promo took off the room price
    cityTax = IntegerAttribute(null=True)
    dueNow = IntegerAttribute(null=True)  # what the payment terms take at booking
    terms = PackedJSONAttribute(null=True, dictionaries=SNAPSHOT_DICTIONARIES)  # bookings.terms
    # Extras sold with the stay (bookings.extras): [{"key", "code", "name", "unitPrice",
    # "quantity", "taxCategory", "unit", "date"?}] as the bill posts them; their sum, tax
    # included, is extrasTotal (not in totalPrice, which stays the room stay's price).
    extras = PackedJSONAttribute(null=True, dictionaries=SNAPSHOT_DICTIONARIES)
    extrasTotal = IntegerAttribute(null=True)
    source = UnicodeAttribute(default="api")
    notes = UnicodeAttribute(default="")
    # The guest's language (settings.LANGUAGES): the site's when booked there, the API's
    # `language`; every email about the stay is written in it. None: the site's default.
    language = UnicodeAttribute(null=True)
    guestTokenHash = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    expiresAt = UTCDateTimeAttribute(null=True)  # end of the hold while pending
    purgeAt = TTLAttribute(null=True)  # TTL backstop for dead holds; never the expiry check
    # A guest's online hold (short, capped per client; bookings.holds): True, and the key of
    # the hold slot it claimed (None when no cap applies). None for staff's holds.
    guestHold = BooleanAttribute(null=True)
    holdSlot = UnicodeAttribute(null=True)
    # Staff attention, set by the system: [{"flag": "disputed", "detail", "at", "by"}]
    flags = JSONAttribute(null=True)
    # When the lifecycle happened (the days the stats count check-ins, check-outs, cancellations)
    checkedInAt = UTCDateTimeAttribute(null=True)
    checkedOutAt = UTCDateTimeAttribute(null=True)
    cancelledAt = UTCDateTimeAttribute(null=True)
    # Payments opened for this booking and not settled yet (transaction ids). Written in the
    # payment's own transaction; while it is set the price cannot change (booking_change), and
    # confirming the booking clears it.
    openPayments = UnicodeSetAttribute(null=True)
    # The reservation this stay belongs to (bookings.reservations; None: a one-stay
    # reservation whose reference is the booking's own id), the group block it was picked
    # from (bookings.blocks), the guest's profile (bookings.guests), and when the guest
    # completed online check-in (bookings.checkin).
    reservationId = UnicodeAttribute(null=True)
    blockCode = UnicodeAttribute(null=True)
    profileId = UnicodeAttribute(null=True)
    preCheckedInAt = UTCDateTimeAttribute(null=True)
    # The OTA calendar it was imported from (source "channel"; bookings.channels): the
    # channel's sync moves and releases it, staff resolve it when it is flagged overbooked.
    channelId = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_guest = GuestEmailIndex()
    by_status = StatusCheckInIndex()

    def __str__(self) -> str:
        return self.bookingId


class NightIndex(GlobalSecondaryIndex):
    """Which rooms are taken on a night, without a Scan (bookings.free_rooms).

    It projects `bookingId` only: its one reader counts a night whose hold ran out as taken
    until the sweeper expires it, so it never needed `holdExpiresAt`, whose every change (a
    hold extended, a booking confirmed) used to write the index too: 2 write units per night
    in a transaction. It replaced `night-roomId-index` (bookingId and holdExpiresAt)."""

    class Meta:
        index_name = "night-roomId-lean-index"
        projection = IncludeProjection(["bookingId"])

    night = UnicodeAttribute(hash_key=True)
    roomId = UnicodeAttribute(range_key=True)


@register
class RoomNight(Model):
    """The inventory lock: one item per (room, night) held by a live booking."""

    Meta = meta(
        "room-nights",
        replaced_indexes={"night-roomId-lean-index": "night-roomId-index"},
        replaced_index_projections={"night-roomId-index": ["bookingId", "holdExpiresAt"]},
    )

    roomId = UnicodeAttribute(hash_key=True)
    night = UnicodeAttribute(range_key=True)  # YYYY-MM-DD
    bookingId = UnicodeAttribute()
    holdExpiresAt = NumberAttribute(null=True)  # epoch seconds while the booking is a hold

    by_night = NightIndex()


@register
class InventoryNight(Model):
    """Units of one room type sold on one night: the truth for "can I sell one more?".

    Every live booking (an unexpired hold, confirmed, in house) holds one unit of its type
    for each of its nights, taken in the same transaction as the booking on the condition
    `sold < ceiling` (ceiling = sellable + the type's overbooking limit). Keyed by the
    hotel's month, so a search for a stay reads one partition per month it touches with
    one Query, whatever the number of rooms or bookings (bookings.inventory).
    """

    Meta = meta("inventory")

    month = UnicodeAttribute(hash_key=True)  # YYYY-MM of the night
    slot = UnicodeAttribute(range_key=True)  # "YYYY-MM-DD#RoomType": nights in date order
    roomType = UnicodeAttribute()
    night = UnicodeAttribute()  # YYYY-MM-DD
    sold = IntegerAttribute(default=0)
    sellable = IntegerAttribute()  # rooms of the type in service that night
    ceiling = IntegerAttribute()  # sellable + overbooking limit: `sold` never passes it
    outOfOrder = IntegerAttribute(default=0)  # rooms taken out of order for this night
    # When it last changed (epoch seconds), set by every write of it: the availability
    # feed's `changedSince` (bookings.ari). Same item: no extra write unit.
    changedAt = IntegerAttribute(null=True)


@register
class RateRule(Model):
    """A pricing rule staff manage in the admin, as stored; quotes apply it as the pure
    bookings.pricing.RateRule (selectors.rate_rule_from_item)."""

    Meta = meta("rate-rules")

    ruleId = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # "percent" | "fixed"
    value = IntegerAttribute()
    roomType = UnicodeAttribute(null=True)
    startDate = UnicodeAttribute(null=True)
    endDate = UnicodeAttribute(null=True)
    weekdays = ListAttribute(of=NumberAttribute, default=list)
    priority = IntegerAttribute(default=0)
    minStay = IntegerAttribute(null=True)
    maxStay = IntegerAttribute(null=True)
    active = BooleanAttribute(default=True)
    lastUpdated = UTCDateTimeAttribute()
    version = VersionAttribute()

    def __str__(self) -> str:
        """E.g. “Weekend +20 % (Fri–Sat)”: messages, titles and history name a rule this way."""
        return rate_rule_label(
            name=self.name,
            kind=self.kind,
            value=self.value,
            weekdays=self.weekdays,
            start_date=self.startDate,
            end_date=self.endDate,
            room_type=self.roomType,
        )


# --- what a stay is sold under: rate plans, the rate calendar, promo codes ---------------------
PAYMENT_TERMS = ("prepay", "deposit", "at_hotel")
CHANNELS = ("web", "api", "staff")  # the guest site, API clients, the front desk


@register
class RatePlan(Model):
    """How a room type is sold: price (derived from the type's base or set in the rate
    calendar), who it is for, cancellation and payment terms, occupancy prices, what is
    included. Bookings keep a snapshot of it (Booking.terms); editing a plan changes new
    quotes only."""

    Meta = meta("rate-plans")

    ratePlan = UnicodeAttribute(hash_key=True)  # the code, e.g. "FLEX", "NONREF"
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    translations = JSONAttribute(null=True)  # {"de": {"name": …}}: the name per guest language
    roomTypes = ListAttribute(of=UnicodeAttribute, default=list)  # empty: every type, also later
    active = BooleanAttribute(default=True)
    channels = ListAttribute(of=UnicodeAttribute, default=list)  # of CHANNELS
    # The nightly price derived from the base (FLEX's calendar price, else the type's base
    # price with the seasonal adjustments): None, or {"kind": "percent"|"fixed", "value"}.
    adjustment = JSONAttribute(null=True)
    cancellation = UnicodeAttribute(null=True)  # "DAYS:PERCENT,…"; None: the hotel's policy
    noShowPercent = IntegerAttribute(default=100)  # of the stay's total
    payment = UnicodeAttribute(default="prepay")  # PAYMENT_TERMS
    depositPercent = IntegerAttribute(null=True)  # with "deposit"
    # {"included": N, "extraAdult": minor, "childBands": [{"fromAge", "toAge", "price"}],
    #  "extraBed": minor, "byType": {"Deluxe": {…same keys…}}}; None: the price is per room.
    occupancy = JSONAttribute(null=True)
    # [{"code", "name", "unit": "per_stay"|"per_night"|"per_person_per_night", "value"}]
    included = JSONAttribute(null=True)
    sortOrder = IntegerAttribute(default=0)
    revision = IntegerAttribute(default=1)
    lastUpdated = UTCDateTimeAttribute()

    def __str__(self) -> str:
        return f"{self.name} ({self.ratePlan})"


@register
class RateDay(Model):
    """The rate calendar: one room type's price and restrictions under one plan on one date
    (only dates someone set). Keyed by month like the inventory, so a search reads every
    type and plan of a stay's dates with one Query per month (bookings.rate_calendar)."""

    Meta = meta("rate-calendar")

    month = UnicodeAttribute(hash_key=True)  # YYYY-MM
    slot = UnicodeAttribute(range_key=True)  # "YYYY-MM-DD#RoomType#PLAN"
    date = UnicodeAttribute()
    roomType = UnicodeAttribute()
    ratePlan = UnicodeAttribute()
    price = IntegerAttribute(null=True)  # minor units per night; None: derived
    minStay = IntegerAttribute(null=True)  # on arrival this date
    maxStay = IntegerAttribute(null=True)  # on arrival this date
    minStayThrough = IntegerAttribute(null=True)  # any stay that includes this night
    closedToArrival = BooleanAttribute(null=True)
    closedToDeparture = BooleanAttribute(null=True)
    stopSell = BooleanAttribute(null=True)
    minAdvance = IntegerAttribute(null=True)  # days booked ahead of an arrival this date
    maxAdvance = IntegerAttribute(null=True)
    updatedAt = UTCDateTimeAttribute(null=True)


PROMO_ITEM = "promo"  # the code's own item; per-guest use counters are "guest#<hash>"


@register
class PromoCode(Model):
    """A promo code and its use counter (taken in the booking's transaction, on the condition
    `uses < maxUses`); per-guest counters are items of the same code."""

    Meta = meta("promo-codes")

    code = UnicodeAttribute(hash_key=True)  # upper case
    item = UnicodeAttribute(range_key=True, default=PROMO_ITEM)
    description = UnicodeAttribute(null=True)
    percent = IntegerAttribute(null=True)  # off the room price, or
    amount = IntegerAttribute(null=True)  # minor units off the stay
    bookFrom = UnicodeAttribute(null=True)  # YYYY-MM-DD: booked on or after
    bookTo = UnicodeAttribute(null=True)
    stayFrom = UnicodeAttribute(null=True)  # every night of the stay within
    stayTo = UnicodeAttribute(null=True)
    ratePlans = ListAttribute(of=UnicodeAttribute, null=True)  # empty: every plan
    maxUses = IntegerAttribute(null=True)  # None: unlimited
    perGuest = IntegerAttribute(null=True)  # uses per guest email; None: unlimited
    uses = IntegerAttribute(default=0)
    active = BooleanAttribute(null=True)
    lastUpdated = UTCDateTimeAttribute(null=True)
    # Staff's edits are conditional on it (bookings.promo_codes); never moved by `uses`.
    revision = IntegerAttribute(null=True)


# --- back-office counters (bookings.stats) -----------------------------------------------------
STAT_COUNTERS = (
    "roomsSold",  # room-nights sold on this night (confirmed, in house or checked out)
    "roomRevenue",  # those nights' room prices, before tax, minor units of HOTEL_CURRENCY
    "bookingsMade",  # bookings on the books that were made (created) this day
    "arrivals",  # sold stays whose first night is this day
    "departures",  # sold stays that end (check-out day) this day
    "cancellations",  # bookings cancelled this day
    "noShows",  # no-shows, on the day they were due to arrive
    "checkIns",  # guests checked in this day (the desk's actual arrivals)
    "checkOuts",  # guests checked out this day
)


@register
class DailyStat(Model):
    """One hotel day's counters, kept up to date by bookings.stats with ADD updates.

    Keyed by month so a period is one Query per month (a few small items per 4 KB read),
    never a read of the bookings.
    """

    Meta = meta("daily-stats")

    month = UnicodeAttribute(hash_key=True)  # YYYY-MM
    date = UnicodeAttribute(range_key=True)  # YYYY-MM-DD
    roomsSold = IntegerAttribute(default=0)
    roomRevenue = IntegerAttribute(default=0)
    bookingsMade = IntegerAttribute(default=0)
    arrivals = IntegerAttribute(default=0)
    departures = IntegerAttribute(default=0)
    cancellations = IntegerAttribute(default=0)
    noShows = IntegerAttribute(default=0)
    checkIns = IntegerAttribute(default=0)
    checkOuts = IntegerAttribute(default=0)


@register
class BookingStatsLedger(Model):
    """What one booking has added to the daily counters so far, and from which version.

    Kept apart from the booking so the projector never races the services' versioned
    writes of the booking itself.
    """

    Meta = meta("stats-ledger")

    bookingId = UnicodeAttribute(hash_key=True)
    appliedVersion = IntegerAttribute()
    applied = JSONAttribute(default=dict)  # {"YYYY-MM-DD": {"roomsSold": 1, ...}}
    updatedAt = UTCDateTimeAttribute()


# The extras' tables (bookings.extras.models) are registered with the app's other models.
from .blocks.models import Block, BlockNight  # noqa: E402,F401
from .checkin.models import Registration  # noqa: E402,F401
from .extras.models import Extra, ExtraStock  # noqa: E402,F401
from .guests.models import GuestKey, GuestProfile  # noqa: E402,F401
from .reservations.models import Reservation  # noqa: E402,F401
