"""Settings come from the environment; cloud stages refuse to start without secrets."""

import os
import subprocess
import sys

import pytest


def load_settings(**env):
    """Import hotel.settings in a clean interpreter with only the given environment."""
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": os.getcwd()}
    code = "import hotel.settings as s; print(s.DEBUG, s.STAGE, s.SESSION_COOKIE_SECURE)"
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cloud_stage_without_secret_key_is_a_startup_error(stage):
    result = load_settings(HOTEL_STAGE=stage, DJANGO_ALLOWED_HOSTS="h.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_cloud_stage_without_allowed_hosts_is_a_startup_error():
    result = load_settings(HOTEL_STAGE="prod", DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


STRIPE_SECRETS = {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}


@pytest.mark.parametrize("missing", sorted(STRIPE_SECRETS))
def test_cloud_stage_without_a_stripe_secret_is_a_startup_error(missing):
    stripe = {k: v for k, v in STRIPE_SECRETS.items() if k != missing}
    result = load_settings(
        HOTEL_STAGE="prod", DJANGO_SECRET_KEY="s" * 50, DJANGO_ALLOWED_HOSTS="h.example", **stripe
    )
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_cloud_stage_forces_debug_off_and_secure_cookies():
    result = load_settings(
        HOTEL_STAGE="prod",
        DJANGO_SECRET_KEY="s" * 50,
        DJANGO_ALLOWED_HOSTS="h.example",
        DJANGO_DEBUG="true",
        **STRIPE_SECRETS,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "prod", "True"]


def test_local_stage_runs_without_a_secret_and_with_debug():
    result = load_settings(HOTEL_STAGE="local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "local", "False"]


def test_unknown_stage_is_refused():
    result = load_settings(HOTEL_STAGE="staging")
    assert result.returncode != 0 and "HOTEL_STAGE must be one of" in result.stderr


def test_media_goes_to_s3_through_django_storages_when_a_bucket_is_set():
    code = "import hotel.settings as s; print(s.STORAGES['default']['BACKEND'])"
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": os.getcwd(), "HOTEL_STAGE": "local"}
    run = lambda **env: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    ).stdout.strip()
    assert run() == "django.core.files.storage.FileSystemStorage"
    assert run(HOTEL_MEDIA_BUCKET="hotel-media") == "storages.backends.s3.S3Storage"


@pytest.mark.parametrize(("cap", "ok"), [("0", True), ("100", True), ("101", False), ("-1", False)])
def test_the_guests_hold_cap_is_refused_outside_0_to_100(cap, ok):
    # A cap of a million made every guest booking read a million slot keys (it hung).
    result = load_settings(HOTEL_STAGE="test", HOTEL_GUEST_HOLDS_PER_CLIENT=cap)
    assert (result.returncode == 0) is ok, result.stderr
    if not ok:
        assert "HOTEL_GUEST_HOLDS_PER_CLIENT must be between 0" in result.stderr
