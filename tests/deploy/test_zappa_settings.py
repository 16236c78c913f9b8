"""zappa_settings.json and the pieces the Lambda entry point adds to Zappa."""

from __future__ import annotations

import importlib
import json
import re

import boto3
import pytest
from botocore.stub import Stubber
from django.core.exceptions import ImproperlyConfigured

from hotel.secrets import secrets_load
from infra import iam
from infra.functions import FUNCTIONS

SETTINGS = json.loads((iam.REPO / "zappa_settings.json").read_text())
DEPLOYED = sorted(SETTINGS)


@pytest.mark.parametrize("stage", DEPLOYED)
def test_every_stage_is_safe_to_deploy(stage):
    config = iam.zappa_stage(stage)
    assert config["runtime"] == "python3.13"
    assert config["debug"] is False
    assert config["log_level"] in ("INFO", "WARNING", "ERROR")
    assert config["lambda_handler"] == "hotel.awslambda.handler"
    assert config["use_precompiled_packages"] is False  # packaging never downloads
    assert not config.get("slim_handler")
    # hotel.awslambda.load reads Zappa's settings as Zappa's handler does for a WSGI app
    # without a remote environment or archive; it would ignore either.
    assert config["app_function"] == "hotel.wsgi.application"
    assert not config.get("remote_env") and not config.get("archive_path")
    assert config["binary_support"] is True
    env = config["environment_variables"]
    assert env["HOTEL_STAGE"] in ("dev", "prod")
    for name in ("DJANGO_SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        assert name not in env, "secrets come from Secrets Manager, never from this file"
    assert env["HOTEL_SECRETS_ID"]
    for excluded in ("tests", "devtools", "node_modules", ".venv"):
        assert excluded in config["exclude"]
    for excluded in ("bench", "build", "infra"):
        assert excluded in config["exclude_glob"]


def test_prod_starts_from_snapshots_and_the_split_functions_share_its_environment():
    """SnapStart on every prod function, on a runtime that has it (3.12+), without keep_warm
    (it would warm $LATEST, which API Gateway no longer calls: Zappa routes it to the
    `snapstart` alias) and with few versions kept (each active version's snapshot is billed):
    5, since a SnapStart deploy publishes two (the code, then its configuration), so that a
    rollback two versions back reaches the previous deploy, and the one before it."""
    for stage in ("prod", *(s for f in FUNCTIONS.values() for s in f.stages)):
        config = iam.zappa_stage(stage)
        assert config["snap_start"] == "PublishedVersions", stage
        assert config["keep_warm"] is False, stage
        assert not config.get("provisioned_concurrency"), stage  # Lambda refuses both
        assert config["num_retained_versions"] == 5, stage
        assert not config.get("apigateway_lambda_qualifier"), stage  # Zappa's alias, not ours
        major, minor = map(int, config["runtime"].removeprefix("python").split("."))
        assert (major, minor) >= (3, 12), stage
    assert "snap_start" not in iam.zappa_stage("dev")  # dev deploys often: $LATEST, no cost
    # Bytecode only where cold starts import (infra.package.build): a snapshot imports once.
    from infra.package import snap_start

    assert [s for s in DEPLOYED if snap_start(s)] == [s for s in DEPLOYED if s != "dev"]
    prod = iam.zappa_stage("prod")
    for function in FUNCTIONS.values():
        for stage in function.stages:
            config = iam.zappa_stage(stage)
            env = dict(config["environment_variables"])
            # Each split function says which it is: its URL conf (hotel/function_urls.py).
            assert env.pop("HOTEL_FUNCTION") == function.name, stage
            assert env == prod["environment_variables"], stage
    assert "HOTEL_FUNCTION" not in prod["environment_variables"]  # one function: every route


@pytest.mark.parametrize("stage", DEPLOYED)
def test_scheduled_events_name_importable_functions_without_hyphens(stage):
    for event in iam.zappa_stage(stage).get("events", []):
        function = event["function"]
        assert "-" not in function
        module, _, name = function.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))
        assert event["expression"].startswith(("rate(", "cron("))


def test_the_jobs_call_commands_that_exist():
    from django.core.management import get_commands

    source = (iam.REPO / "hotel/jobs.py").read_text()
    for name in re.findall(r'_command\("([a-z_]+)"', source):
        assert name in get_commands(), name


def test_the_jobs_run_on_one_function_only():
    jobs = {
        stage: [e["function"] for e in iam.zappa_stage(stage).get("events", [])]
        for stage in ("prod_rooms", "prod_payments", "prod_bookings")
    }
    assert jobs["prod_rooms"] == jobs["prod_payments"] == []
    assert "hotel.jobs.expire_holds" in jobs["prod_bookings"]
    assert "hotel.jobs.send_pending_emails" in jobs["prod_bookings"]


# --- secrets -----------------------------------------------------------------------------------


def stubbed(secret: dict | str | None):
    client = boto3.client(
        "secretsmanager",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    stub = Stubber(client)
    if secret is None:
        stub.add_client_error("get_secret_value", "AccessDeniedException")
    else:
        body = secret if isinstance(secret, str) else json.dumps(secret)
        stub.add_response(
            "get_secret_value",
            {"SecretString": body, "Name": "hotel/prod"},
            {"SecretId": "hotel/prod"},
        )
    stub.activate()
    return client


def test_secrets_fill_the_environment_without_overriding_it():
    environ = {"STRIPE_WEBHOOK_SECRET": "whsec_from_env"}
    loaded = secrets_load(
        "hotel/prod",
        environ=environ,
        client=stubbed(
            {"DJANGO_SECRET_KEY": "k" * 50, "STRIPE_WEBHOOK_SECRET": "whsec_from_secret"}
        ),
    )
    assert loaded == ["DJANGO_SECRET_KEY"]
    assert environ == {"STRIPE_WEBHOOK_SECRET": "whsec_from_env", "DJANGO_SECRET_KEY": "k" * 50}


@pytest.mark.parametrize("secret", [None, "not json", '["a list"]', '{"N": 1}'])
def test_an_unreadable_secret_stops_the_function_without_showing_it(secret):
    with pytest.raises(ImproperlyConfigured) as error:
        secrets_load("hotel/prod", environ={}, client=stubbed(secret))
    assert "not json" not in str(error.value)
