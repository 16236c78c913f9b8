"""Secrets are derived, not stored: the same secret every time, through a SECRET_KEY
rotation while the old key is a fallback, and none once it is gone."""

from __future__ import annotations

import pytest

from hotel.webhooks.signing import (
    SigningKeyGone,
    current_key_id,
    signature_header,
    webhook_secret,
)

from .conftest import readme_snippet


def test_the_secret_is_stable_and_survives_a_key_rotation_with_a_fallback(settings):
    key = current_key_id()
    secret = webhook_secret(webhook_id="WH-1", salt="s1", key=key)

    assert webhook_secret(webhook_id="WH-1", salt="s1", key=key) == secret
    assert webhook_secret(webhook_id="WH-1", salt="s2", key=key) != secret  # a rotation
    assert webhook_secret(webhook_id="WH-2", salt="s1", key=key) != secret
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert webhook_secret(webhook_id="WH-1", salt="s1", key=key) == secret
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SigningKeyGone):
        webhook_secret(webhook_id="WH-1", salt="s1", key=key)


def test_the_header_is_what_the_readme_snippet_checks(monkeypatch):
    verify = readme_snippet()["verify_hotel_signature"]
    body = '{"id":"evt_1","data":{"guestName":"Zoë"}}'.encode()
    header = signature_header(secret="whsec_abc", body=body, timestamp=1_800_000_000)

    monkeypatch.setattr("time.time", lambda: 1_800_000_100)
    assert header.startswith("t=1800000000,v1=")
    assert verify("whsec_abc", body, header)
    assert not verify("whsec_abc", body, "t=1800000000")
    assert not verify("whsec_abc", body, "garbage")
    monkeypatch.setattr("time.time", lambda: 1_800_000_400)  # 400 s later: too old
    assert not verify("whsec_abc", body, header)
