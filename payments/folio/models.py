"""A booking's bill as stored: one header per booking (table `folios`) and its lines (table
`folio-lines`), plus the hotel's business days (table `business-days`, the night audit).

Lines are never edited or deleted: a mistake is corrected by a new line that reverses it.
The header holds the running balance of every folio of the booking and a `revision` that
every posting moves on, in the same transaction as its lines, so two clerks posting at once
never lose a line (the second re-reads and tries again) and the balance is always the sum of
the lines.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

# --- what a line is ----------------------------------------------------------------------------
CHARGE = "charge"  # room night, extra, minibar, restaurant, damage, city tax, a fee
ALLOWANCE = "allowance"  # a discount or goodwill off the bill (reason, who)
PAYMENT = "payment"  # money received: card online or on file, terminal, cash, transfer
REFUND = "refund"  # money given back
REVERSAL = "reversal"  # undoes one earlier line (lineId in `reverses`)
KINDS = (CHARGE, ALLOWANCE, PAYMENT, REFUND, REVERSAL)

# How the money moved (payments and refunds).
CARD = "card"  # online through the provider (a Payment item)
CARD_ON_FILE = "card_on_file"  # the guarantee card, charged off-session by the desk
CASH = "cash"
TERMINAL = "terminal"  # the card terminal at the desk
TRANSFER = "transfer"  # bank transfer
METHODS = (CARD, CARD_ON_FILE, CASH, TERMINAL, TRANSFER)
DESK_METHODS = (CASH, TERMINAL, TRANSFER)

FIRST_FOLIO = "F1"


@register
class Folio(Model):
    """The header of a booking's bill: its folios (payer, billing address, balance each),
    the total balance and the posting counter. One item per booking."""

    Meta = meta("folios")

    bookingId = UnicodeAttribute(hash_key=True)
    currency = UnicodeAttribute()
    # [{"folioId": "F1", "payer": {"name", "email", "company", "address", "taxId"},
    #   "balance": minor, "invoice": number | None}]
    folios = JSONAttribute(default=list)
    balance = IntegerAttribute(default=0)  # > 0: the guest owes
    lineCount = IntegerAttribute(default=0)
    revision = IntegerAttribute(default=0)  # every posting: +1, conditional on the one read
    openedAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()


class AccountDateIndex(GlobalSecondaryIndex):
    """The lines that count in one business day's books (the night audit's report)."""

    class Meta:
        index_name = "accountDate-index"
        projection = AllProjection()

    accountDate = UnicodeAttribute(hash_key=True)
    lineKey = UnicodeAttribute(range_key=True)  # bookingId#lineId


@register
class FolioLine(Model):
    Meta = meta("folio-lines")

    bookingId = UnicodeAttribute(hash_key=True)
    lineId = UnicodeAttribute(range_key=True)  # "L0001", in posting order
    lineKey = UnicodeAttribute()  # bookingId#lineId (the index's range key)
    folioId = UnicodeAttribute(default=FIRST_FOLIO)
    kind = UnicodeAttribute()  # KINDS
    # room | city_tax | extra | included | minibar | restaurant | damage | fee | other |
    # payment | refund: the accounting category (account codes and the report group by it)
    category = UnicodeAttribute()
    description = UnicodeAttribute()
    unitAmount = IntegerAttribute()  # minor units, positive, tax included
    quantity = IntegerAttribute(default=1)
    amount = IntegerAttribute()  # unitAmount × quantity, positive (a reversal: the original's)
    effect = IntegerAttribute()  # what the line does to the balance: + owes more, − owes less
    taxCategory = UnicodeAttribute(null=True)
    taxRate = UnicodeAttribute(null=True)  # percent as a decimal string, e.g. "12"
    tax = IntegerAttribute(default=0)  # the tax inside `amount`
    value = IntegerAttribute(null=True)  # an included extra's worth (posted at 0)
    code = UnicodeAttribute(null=True)  # an extra's code
    method = UnicodeAttribute(null=True)  # payments and refunds: METHODS
    reference = UnicodeAttribute(null=True)  # till, terminal slip, transfer ref, TXN id
    transactionId = UnicodeAttribute(null=True)  # the Payment it mirrors
    reverses = UnicodeAttribute(null=True)  # a reversal: the lineId it undoes
    reason = UnicodeAttribute(null=True)  # allowances, reversals, moves
    source = UnicodeAttribute(null=True)  # what posted it: "night:2026-03-05", "pay:TXN-…"
    serviceDate = UnicodeAttribute(null=True)  # the night or day the charge is for
    accountDate = UnicodeAttribute()  # the business day it counts in (never a closed one)
    createdAt = UTCDateTimeAttribute()
    createdBy = UnicodeAttribute()

    by_account_date = AccountDateIndex()


STATE_DAY = "state"  # the item holding the last closed business day


@register
class BusinessDay(Model):
    """A business day the night audit closed, with its report; and one `state` item that
    holds the last closed day. Postings are conditional on it: none lands in a closed day."""

    Meta = meta("business-days")

    day = UnicodeAttribute(hash_key=True)  # YYYY-MM-DD, or STATE_DAY
    lastClosed = UnicodeAttribute(null=True)  # on the state item
    status = UnicodeAttribute(null=True)  # "closed"
    report = JSONAttribute(null=True)
    closedAt = UTCDateTimeAttribute(null=True)
    closedBy = UnicodeAttribute(null=True)
