"""Guest email through Django's email framework, with a DynamoDB outbox for failed sends.

The backend is `settings.EMAIL_BACKEND` (console locally, locmem in tests, Amazon SES via
django-ses in the cloud). A send that fails is logged and its rendered message written to
the `email-outbox` table; `manage.py send_pending_emails` retries it later. A failed email
never raises to the caller: it must not undo the write that caused it.

Attachments are named by their key in the default storage (an invoice's PDF) and read when
the message is sent, so a queued email keeps only the key, not the file.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.contact import hotel_contact
from hotel.dynamo import IntegerAttribute, meta, register
from hotel.languages import in_language

logger = logging.getLogger("hotel.mail")

OUTBOX_TTL = timedelta(days=7)  # after a week an unsent email is stale; TTL drops it
MAX_ATTEMPTS = 10


def recipient_hash(address: str) -> str:
    """The outbox's key for an address: a SHA-256 of it, trimmed and lower-cased, so the
    index that finds a guest's queued emails (an export, an erasure) holds no address."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


class RecipientIndex(GlobalSecondaryIndex):
    """Queued emails to one address (recipient_hash), oldest first. Sparse: items queued
    before the index existed lack `recipientHash` (the outbox's TTL drops them in a week)."""

    class Meta:
        index_name = "recipientHash-createdAt-index"
        projection = KeysOnlyProjection()

    recipientHash = UnicodeAttribute(hash_key=True)
    createdAt = UTCDateTimeAttribute(range_key=True)


@register
class OutboxEmail(Model):
    """One rendered email whose send failed, waiting for `send_pending_emails`."""

    Meta = meta("email-outbox")

    messageId = UnicodeAttribute(hash_key=True)
    to = ListAttribute(of=UnicodeAttribute)
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    template = UnicodeAttribute()
    attachments = JSONAttribute(null=True)  # [{"filename", "key", "mimetype"}]
    attempts = IntegerAttribute(default=1)
    lastError = UnicodeAttribute(null=True)
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    expiresAt = TTLAttribute()
    recipientHash = UnicodeAttribute(null=True)  # recipient_hash(to[0])

    by_recipient = RecipientIndex()


def _message(*, to: list[str], subject: str, text: str, html: str | None, attachments=None):
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments or ():
        with default_storage.open(attachment["key"], "rb") as file:
            message.attach(attachment["filename"], file.read(), attachment["mimetype"])
    return message


def email_send(
    *,
    to: str,
    template: str,
    context: dict,
    now: datetime,
    subject: str | None = None,
    language: str | None = None,
    attachments: list[dict] | None = None,
) -> bool:
    """Render `emails/<template>.txt` and `.html` and send them to `to`, with `attachments`
    ([{"filename", "key", "mimetype"}]: files in the default storage). Never raises.

    Written in `language` (hotel.languages: a guest's booking keeps it; None: the default):
    the words, the dates, the money and the links. The subject is
    `emails/<template>_subject.txt` rendered the same way, unless `subject` is given.

    Returns True when the backend accepted the message; on failure the message is logged
    and queued in the outbox for `emails_send_pending`.
    """
    with in_language(language):
        context = {**hotel_contact(), **context}
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        if subject is None:
            subject = render_to_string(f"emails/{template}_subject.txt", context)
        # A header must not contain line breaks; a no-break space (French: before ":") stays.
        subject = " ".join(re.split(r"[ \t\r\n]+", str(subject).strip()))
    try:
        _message(to=[to], subject=subject, text=text, html=html, attachments=attachments).send()
        return True
    except Exception as exc:
        logger.exception("Sending %s email to %s failed; queued for retry", template, to)
        item = OutboxEmail(
            messageId=f"MAIL-{now:%Y%m%d%H%M%S}-{secrets.token_hex(6)}",
            to=[to],
            subject=subject,
            text=text,
            html=html,
            template=template,
            attachments=attachments or None,
            attempts=1,
            lastError=repr(exc)[:500],
            createdAt=now,
            updatedAt=now,
            expiresAt=now + OUTBOX_TTL,
            recipientHash=recipient_hash(to),
        )
        try:
            item.save()
        except Exception:
            logger.exception("Could not queue the %s email to %s: it is lost", template, to)
        return False


def emails_send_pending(*, now: datetime, log: Callable[[str], None] | None = None) -> int:
    """Retry every queued email; delete those sent, count a failure on the others.

    The outbox holds a handful of items at most (only failed sends), so a Scan is fine.
    Returns how many were sent.
    """
    sent = failed = 0
    for item in OutboxEmail.scan():
        if item.attempts >= MAX_ATTEMPTS:
            continue  # given up on; kept for staff to see until its TTL
        try:
            _message(
                to=item.to,
                subject=item.subject,
                text=item.text,
                html=item.html,
                attachments=item.attachments,
            ).send()
        except Exception as exc:
            logger.exception("Retrying email %s failed", item.messageId)
            failed += 1
            try:
                item.update(
                    actions=[
                        OutboxEmail.attempts.add(1),
                        OutboxEmail.lastError.set(repr(exc)[:500]),
                        OutboxEmail.updatedAt.set(now),
                    ]
                )
            except Exception:
                logger.exception("Could not count the failed retry of %s", item.messageId)
            continue
        sent += 1
        try:
            item.delete()
        except Exception:  # It went out; at worst it goes out once more.
            logger.exception("Sent email %s could not be removed from the outbox", item.messageId)
    if log:
        log(f"sent {sent} pending email(s), {failed} still failing")
    return sent


def outbox_for_address(address: str) -> list[OutboxEmail]:
    """The queued emails to `address` (a Query on the recipient index, then a GetItem each:
    the index holds keys only). A guest's export shows them; an erasure deletes them."""
    found = []
    for key in OutboxEmail.by_recipient.query(recipient_hash(address)):
        try:
            found.append(OutboxEmail.get(key.messageId, consistent_read=True))
        except DoesNotExist:
            continue  # sent (and deleted) meanwhile
    return found


def outbox_delete_address(address: str) -> int:
    """Delete every queued email to `address` (a guest's erasure); returns how many. A
    message nobody may send any more is worth nothing kept: deleting beats blanking."""
    deleted = 0
    for key in OutboxEmail.by_recipient.query(recipient_hash(address)):
        OutboxEmail(messageId=key.messageId).delete()
        deleted += 1
    return deleted
