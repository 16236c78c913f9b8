"""How a guest is found: normalised email, phone and name tokens, and the GuestKey items
they become.

Email and phone: each contact is two items under its hash key ("email#ada@x.test"): the
*claim* (sort "#", attribute profileId), which is what makes a contact belong to one
profile — it is written on the condition that it does not exist, so two bookings of the
same new guest racing to create a profile cannot both win — and the documented item
(sort = profileId) beside it. A lookup reads the claim with one GetItem.

Names: one item per normalised token, hash "name#<first two letters>", sort
"<token>#<profileId>", so a prefix search is one Query with begins_with on the sort key
inside one small bucket: it costs what the matches weigh, not what the table holds.
"""

from __future__ import annotations

import re
import unicodedata

from .models import GuestKey

CLAIM = "#"  # the sort key of a contact's claim item
_SPLIT = re.compile(r"[\s\-‐-―]+")
_DROP = re.compile(r"[^0-9a-z]")


def email_normalise(email: str | None) -> str | None:
    value = (email or "").strip().lower()
    return value if "@" in value else None


def phone_normalise(phone: str | None) -> str | None:
    """+ and digits ("0049 30 1234" → "+49301234"); None for fewer than 6 digits."""
    raw = (phone or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    return f"+{digits}" if len(digits) >= 6 else None


def token_normalise(text: str) -> str:
    """Lower case, accents stripped (NFKD), letters and digits only: "Zoë" → "zoe"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return _DROP.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def name_tokens(name: str | None) -> list[str]:
    """The searchable tokens of a name, split on spaces and hyphens, each once, in order;
    tokens shorter than two letters are not searchable (a bucket is two letters)."""
    tokens: list[str] = []
    for part in _SPLIT.split(name or ""):
        token = token_normalise(part)
        if len(token) >= 2 and token not in tokens:
            tokens.append(token)
    return tokens


def email_key(email: str) -> str:
    return f"email#{email}"


def phone_key(phone: str) -> str:
    return f"phone#{phone}"


def name_bucket(token: str) -> str:
    return f"name#{token[:2]}"


def contact_keys(*, email: str | None, phone: str | None) -> list[str]:
    """The contact hash keys of normalised `email` and `phone` (email first)."""
    return [k for k in (email and email_key(email), phone and phone_key(phone)) if k]


def contact_items(key: str, profile_id: str) -> tuple[GuestKey, GuestKey]:
    """The claim and the documented item of one contact."""
    return (
        GuestKey(key=key, sort=CLAIM, profileId=profile_id),
        GuestKey(key=key, sort=profile_id, profileId=profile_id),
    )


def name_items(name: str, profile_id: str) -> list[GuestKey]:
    return [
        GuestKey(key=name_bucket(t), sort=f"{t}#{profile_id}", profileId=profile_id, name=name)
        for t in name_tokens(name)
    ]


def profile_key_items(
    *, profile_id: str, name: str, email: str | None, phone: str | None
) -> tuple[list[GuestKey], list[GuestKey]]:
    """(claims, plain items) that find a profile: the claims must be written on the
    condition they do not exist; the others are the profile's own."""
    claims, plain = [], []
    for key in contact_keys(email=email, phone=phone):
        claim, item = contact_items(key, profile_id)
        claims.append(claim)
        plain.append(item)
    return claims, plain + name_items(name, profile_id)
