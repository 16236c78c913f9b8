"""Every guest email, in every language of settings.LANGUAGES: the words (subject, text and
HTML; no string left in English), the links to the guest site (/de/… for German), the days
(the language's DATE_FORMAT, never ISO), the room type's name (never its code; staff's
translation in the guest's language, else the English), and both parts with the hotel's name
and the reference.

Each language's emails are made once (the `sent` fixture, through the services, as the desk,
the site, the payments and the jobs cause them) and every test reads them: no test writes a
table. The expected words come from the catalogs (gettext under translation.override), so
they follow the translators; a string an email shows untranslated is named in the failure
(run `manage.py compilemessages` after editing a .po).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, trans_real

import hotel.mail
from bookings.booking_terms import booking_due_now
from bookings.checkin.services import invitations_send
from bookings.links import manage_token, manage_url, reservation_url
from bookings.models import Booking
from bookings.reservations.services import reservation_create
from bookings.services import booking_change, booking_create, booking_transition, hotel_today
from hotel import dynamo
from hotel.languages import in_language
from hotel.templatetags.dates import format_day
from payments.folio import desk
from payments.folio.services import folio_sync
from payments.invoices.services import invoice_issue
from payments.services import booking_cancel_with_refund, payment_create, payment_refund
from rooms.room_type_services import room_type_create
from rooms.room_types import room_types_forget
from rooms.services import room_create

LANGUAGES = [code for code, _name in settings.LANGUAGES]
EMAILS = [
    "hold_created",
    "booking_confirmed",
    "refund_issued",
    "pre_arrival",
    "booking_changed",
    "booking_cancelled",
    "reservation_held",
    "reservation_confirmed",
    "invoice_issued",
    "thank_you",
]
# Emails with a link to the guest site (its home, the pay, manage and reservation pages).
LINKED = {
    "hold_created",
    "booking_confirmed",
    "pre_arrival",
    "booking_changed",
    "reservation_held",
    "reservation_confirmed",
    "thank_you",
}
GUEST_PAGES = {"home", "booking-pay", "booking-manage", "site-reservation"}
# Emails whose subject names the check-in day; the invoice's names no day at all.
DATED_SUBJECTS = {"booking_confirmed", "pre_arrival", "booking_changed"}
UNDATED = {"invoice_issued"}
# Emails that name the room type.
ROOMED = {
    "hold_created",
    "booking_confirmed",
    "booking_changed",
    "booking_cancelled",
    "reservation_held",
    "reservation_confirmed",
}

ROOM_TYPE = "HBR-DBL"  # the hotel's code: a guest must never read it
ROOM_NAME = "Harbour Double"
# Staff named the type in German only (in the admin: "Name (Deutsch)"); French and Spanish
# guests read the English name.
ROOM_NAMES = {"de": "Doppelzimmer zum Hafen"}
GUEST = "Ada Guest"
BOOKER = "Bea Booker"
WALK_IN = "Walter Walk"
DESK = "desk@staff.test"
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


# --- what an email is, and how it was made ------------------------------------------------------


@dataclass
class Sent:
    """One action's emails: the messages, the email's template context (to render it again
    in English) and the strings it showed in English although in another language."""

    template: str
    messages: list = field(default_factory=list)
    templates: list[str] = field(default_factory=list)  # every email_send of the action
    context: dict = field(default_factory=dict)
    untranslated: list[str] = field(default_factory=list)
    to: str = ""
    references: tuple[str, ...] = ()
    bookings: tuple[Booking, ...] = ()  # the stays it is about (their days)
    links: tuple[str, ...] = ()  # the guest-site links it must carry

    @property
    def message(self):
        return self.messages[0]

    @property
    def html(self) -> str:
        return self.message.alternatives[0][0]

    def in_english(self) -> tuple[str, str, str]:
        """(subject, text, html) of the same email rendered in the default language."""
        with in_language(None):
            rendered = [
                hotel.mail.render_to_string(f"emails/{self.template}{suffix}", self.context)
                for suffix in ("_subject.txt", ".txt", ".html")
            ]
        return " ".join(rendered[0].split()), rendered[1], rendered[2]


class Capture:
    """Records, while hotel.mail renders an email, the template and its context and every
    string it asked the catalogs for (gettext & co. all go through translation._trans)."""

    def __init__(self, patch: pytest.MonkeyPatch):
        self.renders: list[tuple[str, dict, list]] = []
        self._asked: list | None = None
        real_render = hotel.mail.render_to_string

        def render_to_string(name, context=None, *args, **kwargs):
            asked, self._asked = self._asked, []
            try:
                return real_render(name, context, *args, **kwargs)
            finally:
                self.renders.append((name, context, self._asked))
                self._asked = asked

        patch.setattr(hotel.mail, "render_to_string", render_to_string)
        trans = translation._trans
        keys = {  # (catalog key, how to name it) for each lookup
            "gettext": lambda msg: (msg, msg),
            "ngettext": lambda one, many, n: ((one, 0), one),
            "pgettext": lambda ctx, msg: (f"{ctx}\x04{msg}", f"{msg} [{ctx}]"),
            "npgettext": lambda ctx, one, many, n: ((f"{ctx}\x04{one}", 0), f"{one} [{ctx}]"),
        }
        for name, key in keys.items():
            patch.setattr(trans, name, self._asking(getattr(trans, name), key))

    def _asking(self, real, key):
        def lookup(*args):
            if self._asked is not None:
                self._asked.append((*key(*args), translation.get_language()))
            return real(*args)

        return lookup

    def sent(self, template: str, action, **about) -> Sent:
        """Run `action` and keep the emails it sent; `template`: the one it should send."""
        mail.outbox.clear()
        self.renders.clear()
        action()
        sent = Sent(template=template, messages=list(mail.outbox), **about)
        names = [name for name, _context, _asked in self.renders]
        sent.templates = [n.removeprefix("emails/") for n in names if n.endswith("_subject.txt")]
        for name, context, asked in self.renders:
            if name.startswith(f"emails/{template}.") or name == f"emails/{template}_subject.txt":
                sent.context = context
                sent.untranslated += [s for s in _untranslated(asked) if s not in sent.untranslated]
        return sent


def _untranslated(asked: list) -> list[str]:
    """The strings shown in English in an email rendered in another language: missing from
    the language's compiled catalog, or rendered in English by Django because the
    translation's placeholders do not match the English string's."""
    shown = []
    for key, name, language in asked:
        if language == settings.LANGUAGE_CODE:
            continue
        if language is None:
            shown.append(f"{name!r} (its translation's placeholders do not match)")
        elif key not in trans_real.translation(language)._catalog:
            shown.append(repr(name))
    return shown


# --- each language's emails, made once --------------------------------------------------------


@dataclass
class Language:
    code: str
    emails: dict[str, Sent]


@pytest.fixture
def _empty_tables():
    """Overrides tests/conftest.py's: these tests write nothing, and the tables must keep
    what `sent` made (it empties them itself first): rendering an email again in English
    reads the room type's name."""


@pytest.fixture(scope="module", params=LANGUAGES)
def sent(request, _tables, tmp_path_factory) -> Language:
    code = request.param
    dynamo.empty_tables()
    room_types_forget()
    media = tmp_path_factory.mktemp(f"media-{code}")
    with override_settings(MEDIA_ROOT=media), pytest.MonkeyPatch.context() as patch:
        return Language(code=code, emails=_make_emails(code, Capture(patch)))


def _make_emails(code: str, capture: Capture) -> dict[str, Sent]:
    """Every guest email for guests who speak `code`, through the services."""
    now = timezone.now
    today = hotel_today(now())
    room_type_create(  # a type with a name, as staff make them: guests read the name
        data={
            "roomType": ROOM_TYPE,
            "name": ROOM_NAME,
            "translations": {code: {"name": name} for code, name in ROOM_NAMES.items()},
            "maxAdults": 2,
            "maxGuests": 2,
            "basePrice": 5000,
        },
        actor=DESK,
        now=now(),
    )
    for n in (1, 2, 3):
        room_create(
            data={
                "roomId": f"R-{n}",
                "roomType": ROOM_TYPE,
                "floorNumber": 1,
                "capacity": 2,
                "pricePerNight": 5000,
                "amenities": ["WiFi"],
            },
            actor=DESK,
            now=now(),
        )
    room_types_forget()
    emails: dict[str, Sent] = {}

    def keep(sent: Sent) -> None:
        emails[sent.template] = sent

    # A guest's online hold, arriving in two days (the pre-arrival email's day): paid, part
    # refunded, sent the pre-arrival email, then a night longer.
    hold = {}

    def hold_it():
        hold["booking"] = booking_create(
            room_id="R-1",
            check_in=today + timedelta(days=2),
            check_out=today + timedelta(days=4),
            guests=2,
            guest_name=GUEST,
            guest_email="ada@guest.test",
            actor="guest",
            now=now(),
            guest_client="203.0.113.7",
            language=code,
        ).booking

    def booked(template, action, links=()):
        sent = capture.sent(template, action, to="ada@guest.test")
        booking = Booking.get(hold["booking"].bookingId, consistent_read=True)
        sent.references, sent.bookings = (booking.bookingId,), (booking,)
        with translation.override(code):
            sent.links = tuple(link(booking) for link in links)
        return sent

    def pay_link(booking):
        path = reverse("booking-pay", kwargs={"token": manage_token(booking_id=booking.bookingId)})
        return settings.HOTEL_SITE_URL + path

    def manage_link(booking):
        return manage_url(booking_id=booking.bookingId)

    keep(booked("hold_created", hold_it, links=[pay_link]))
    payment = {}

    def pay():
        booking = hold["booking"]
        payment["done"] = payment_create(
            booking_id=booking.bookingId,
            amount=booking_due_now(booking),
            currency=booking.currency,
            payment_method_id="pm_card_visa",
            actor="guest",
            now=now(),
        ).payment

    keep(booked("booking_confirmed", pay, links=[manage_link]))
    keep(
        booked(
            "refund_issued",
            lambda: payment_refund(
                transaction_id=payment["done"].transactionId,
                amount=1000,
                actor="accounts@staff.test",
                now=now(),
            ),
        )
    )
    keep(booked("pre_arrival", lambda: invitations_send(now=now()), links=[manage_link]))
    keep(
        booked(
            "booking_changed",
            lambda: booking_change(
                booking_id=hold["booking"].bookingId,
                check_out=today + timedelta(days=5),
                actor=DESK,
                now=now(),
            ),
            links=[manage_link],
        )
    )

    # A phone booking (no email while held), cancelled by the guest.
    phoned = booking_create(
        room_id="R-2",
        check_in=today + timedelta(days=10),
        check_out=today + timedelta(days=12),
        guests=2,
        guest_name=GUEST,
        guest_email="ada@guest.test",
        actor=DESK,
        now=now(),
        language=code,
    ).booking
    keep(
        capture.sent(
            "booking_cancelled",
            lambda: booking_cancel_with_refund(
                booking_id=phoned.bookingId, actor="guest", now=now()
            ),
            to="ada@guest.test",
            references=(phoned.bookingId,),
            bookings=(phoned,),
        )
    )

    # A guest's reservation of two rooms, held online, then both confirmed.
    made = {}

    def reserve():
        stays = [
            {
                "roomType": ROOM_TYPE,
                "adults": 2,
                "checkIn": today + timedelta(days=20),
                "checkOut": today + timedelta(days=22),
                "guestName": name,
            }
            for name in (BOOKER, GUEST)
        ]
        made["it"] = reservation_create(
            booker={"name": BOOKER, "email": "bea@guest.test"},
            stays=stays,
            actor="guest",
            now=now(),
            guest_client="203.0.113.8",
            language=code,
        )

    def reserved(template, action):
        sent = capture.sent(template, action, to="bea@guest.test")
        reservation = made["it"].reservation
        stays = [Booking.get(i, consistent_read=True) for i in reservation.bookingIds]
        sent.references = (reservation.reservationId, *(s.bookingId for s in stays))
        sent.bookings = tuple(stays)
        with translation.override(code):
            sent.links = (reservation_url(reservation_id=reservation.reservationId),)
            if template == "reservation_confirmed":
                sent.links += tuple(manage_url(booking_id=s.bookingId) for s in stays)
        return sent

    keep(reserved("reservation_held", reserve))

    def confirm_all():
        for booking_id in made["it"].reservation.bookingIds:
            booking_transition(booking_id=booking_id, to_status="confirmed", actor=DESK, now=now())

    keep(reserved("reservation_confirmed", confirm_all))

    # A walk-in in house, its bill settled in cash at the desk, invoiced, then leaving.
    walk_in = booking_create(
        room_id="R-3",
        check_in=today,
        check_out=today + timedelta(days=2),
        guests=2,
        guest_name=WALK_IN,
        guest_email="walter@guest.test",
        actor=DESK,
        now=now(),
        language=code,
    ).booking
    for status in ("confirmed", "checked-in"):
        booking_transition(booking_id=walk_in.bookingId, to_status=status, actor=DESK, now=now())
    desk.folio_payment(
        booking_id=walk_in.bookingId,
        amount=folio_sync(booking_id=walk_in.bookingId, now=now()).balance,
        method="cash",
        reference="till 1",
        actor=DESK,
        now=now(),
    )
    invoiced = {}

    def invoice():
        invoiced["it"] = invoice_issue(booking_id=walk_in.bookingId, actor=DESK, now=now())

    sent = capture.sent("invoice_issued", invoice, to="walter@guest.test", bookings=(walk_in,))
    sent.references = (walk_in.bookingId, invoiced["it"].number)
    keep(sent)

    sent = capture.sent(  # thanked, the invoice attached, the guest site's home linked
        "thank_you",
        lambda: booking_transition(
            booking_id=walk_in.bookingId, to_status="checked-out", actor=DESK, now=now()
        ),
        to="walter@guest.test",
        bookings=(walk_in,),
        references=(walk_in.bookingId, invoiced["it"].number),
    )
    with translation.override(code):
        sent.links = (settings.HOTEL_SITE_URL + reverse("home"),)
    keep(sent)
    return emails


# --- what each email must be -------------------------------------------------------------------


def expected_subject(sent: Sent) -> str:
    """The subject in the active language, from the catalog."""
    context = sent.context
    booking = context.get("booking")
    match sent.template:
        case "hold_created":
            return gettext("Booking %(reference)s is held for you: pay to confirm") % {
                "reference": booking.bookingId
            }
        case "booking_confirmed":
            return gettext("Booking %(reference)s confirmed: %(check_in)s to %(check_out)s") % {
                "reference": booking.bookingId,
                "check_in": format_day(booking.checkIn),
                "check_out": format_day(booking.checkOut),
            }
        case "booking_changed":
            return gettext("Your booking %(reference)s changed: %(check_in)s to %(check_out)s") % {
                "reference": booking.bookingId,
                "check_in": format_day(booking.checkIn),
                "check_out": format_day(booking.checkOut),
            }
        case "booking_cancelled":
            return gettext("Booking %(reference)s cancelled") % {"reference": booking.bookingId}
        case "refund_issued":
            return gettext("Refund for booking %(reference)s") % {"reference": booking.bookingId}
        case "pre_arrival":
            return gettext("Check in online for your stay on %(date)s (%(reference)s)") % {
                "date": format_day(booking.checkIn),
                "reference": booking.bookingId,
            }
        case "reservation_held":
            n = len(context["stays"])
            return ngettext(
                "Reservation %(reference)s: %(n)s room held for you, pay to confirm",
                "Reservation %(reference)s: %(n)s rooms held for you, pay to confirm",
                n,
            ) % {"reference": context["reservation"].reservationId, "n": n}
        case "reservation_confirmed":
            n = len(context["stays"])
            return ngettext(
                "Reservation %(reference)s confirmed: %(n)s room",
                "Reservation %(reference)s confirmed: %(n)s rooms",
                n,
            ) % {"reference": context["reservation"].reservationId, "n": n}
        case "invoice_issued":
            invoice = context["invoice"]
            return gettext("Invoice %(number)s for booking %(reference)s") % {
                "number": invoice.number,
                "reference": invoice.bookingId,
            }
        case "thank_you":
            return gettext("Thank you for staying at %(hotel_name)s") % {
                "hotel_name": context["hotel_name"]
            }
    raise AssertionError(f"no subject known for {sent.template}")


def addressee(sent: Sent) -> str:
    context = sent.context
    if "reservation" in context:
        return context["reservation"].bookerName
    if sent.template == "invoice_issued":
        return context["invoice"].payer["name"]
    return context["booking"].guestName


def site_links(text: str) -> list[str]:
    return re.findall(re.escape(settings.HOTEL_SITE_URL) + r"/[^\s\"'<>]*", text)


def one_email(sent: Language, email: str) -> Sent:
    found = sent.emails[email]
    summary = [(m.to, m.subject) for m in found.messages]
    assert len(found.messages) == 1, f"{email}: expected one email, got {summary}"
    assert found.templates == [f"{email}_subject.txt"], found.templates
    assert found.message.to == [found.to]
    return found


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("email", EMAILS)
def test_the_email_is_written_in_the_guests_language(sent, email):
    code = sent.code
    found = one_email(sent, email)
    message, html = found.message, found.html
    assert f'<html lang="{code}"' in html
    assert not found.untranslated, (
        f"{email} in {code} shows {len(found.untranslated)} string(s) in English (translate "
        f"or fix them in locale/{code}/LC_MESSAGES/django.po, then compilemessages): "
        + "; ".join(found.untranslated)
    )
    with translation.override(code):
        subject = expected_subject(found)
        greeting = gettext("Dear %(name)s,")
    # hotel.mail folds the subject's whitespace into single spaces (a header has no line
    # breaks); French typography's no-break spaces go with it.
    assert message.subject.split() == subject.split(), (message.subject, subject)
    name = addressee(found)
    assert greeting % {"name": name} in message.body
    assert greeting % {"name": escape(name)} in html
    english = found.in_english()
    if code == settings.LANGUAGE_CODE:
        assert (message.subject, message.body, html) == english
    else:
        assert message.subject != english[0], "the subject is the English one"
        assert message.body != english[1], "the text is the English one"
        assert html != english[2], "the HTML is the English one"


@pytest.mark.parametrize("email", EMAILS)
def test_links_open_the_guest_site_in_the_guests_language(sent, email):
    code = sent.code
    found = one_email(sent, email)
    links = site_links(found.message.body) + site_links(found.html)
    if email in LINKED:
        assert found.links and links, f"{email} has no link to the guest site"
    for link in found.links:
        assert link in found.message.body and f'href="{link}"' in found.html, link
    others = tuple(f"/{c}/" for c in LANGUAGES if c != settings.LANGUAGE_CODE)
    for link in links:
        path = link.removeprefix(settings.HOTEL_SITE_URL)
        if code == settings.LANGUAGE_CODE:
            assert not path.startswith(others), link
        else:
            assert path.startswith(f"/{code}/"), link
        with translation.override(code):
            assert resolve(path).url_name in GUEST_PAGES, link


@pytest.mark.parametrize("email", EMAILS)
def test_days_are_written_the_languages_way(sent, email):
    code = sent.code
    found = one_email(sent, email)
    message, html = found.message, found.html
    for booking in found.bookings:
        if email not in UNDATED:
            with translation.override(code):
                check_in = format_day(booking.checkIn)
            assert check_in in message.body and check_in in html, check_in
            if email in DATED_SUBJECTS:
                assert check_in in message.subject, check_in
        for iso in (booking.checkIn, booking.checkOut):
            for part, text in (("subject", message.subject), ("text", message.body)):
                assert iso not in text, f"{iso} in the {part}"
            assert iso not in html, f"{iso} in the HTML"
    for part, text in (("subject", message.subject), ("text", message.body), ("HTML", html)):
        for link in site_links(text):
            text = text.replace(link, "")
        assert not ISO_DAY.findall(text), f"an ISO day in the {part}"


@pytest.mark.parametrize("email", EMAILS)
def test_the_room_type_is_named_in_the_guests_language_never_coded(sent, email):
    found = one_email(sent, email)
    message, html = found.message, found.html
    for part, text in (("subject", message.subject), ("text", message.body), ("HTML", html)):
        assert ROOM_TYPE not in text, f"the room type's code in the {part}"
    if email in ROOMED:
        name = ROOM_NAMES.get(sent.code, ROOM_NAME)  # in the guest's language, else English
        assert name in message.body and name in html, name
        if name != ROOM_NAME:
            assert ROOM_NAME not in message.body and ROOM_NAME not in html


@pytest.mark.parametrize("email", EMAILS)
def test_both_parts_name_the_hotel_and_the_reference(sent, email):
    found = one_email(sent, email)
    message = found.message
    assert message.body.strip()
    assert [mimetype for _content, mimetype in message.alternatives] == ["text/html"]
    html = found.html
    assert settings.HOTEL_NAME in message.body and escape(settings.HOTEL_NAME) in html
    for reference in found.references:
        assert reference in message.body and reference in html, reference
