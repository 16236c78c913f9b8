"""The IAM policies in infra/iam/: least privilege, checked against what the code uses.

Which tables a function may touch is derived from the code (infra/functions.py: the
registered PynamoDB models reachable from the function's entry modules and the request
stack). These tests parse the committed policy files on their own terms — no wildcard
actions or resources, only the tables (and named indexes) the function uses — and fail when
a registered table is in no policy at all.
"""

from __future__ import annotations

import json
import re

import pytest

from infra import iam
from infra.functions import FUNCTIONS, all_functions, app_models, entity, tables_of

POLICIES = sorted(all_functions())
# The only wildcards AWS resource names force on us (see infra/iam.py's docstring).
ALLOWED_WILDCARDS = [
    re.compile(
        r"^arn:aws:logs:\$\{region\}:\$\{account\}:log-group:/aws/lambda/\$\{function_name\}"
        r":log-stream:\*$"
    ),
    re.compile(r"^arn:aws:s3:::\$\{media_bucket\}/media/\*$"),
]
TABLE = re.compile(
    r"^arn:aws:dynamodb:\$\{region\}:\$\{account\}:table/\$\{prefix\}-(?P<entity>[a-z0-9-]+)"
    r"-\$\{stage\}(?:/index/(?P<index>[A-Za-z0-9._-]+))?$"
)


def load(name: str) -> dict:
    return json.loads(iam.template_path(name).read_text())


def statements(name: str) -> list[dict]:
    return load(name)["Statement"]


def listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("name", POLICIES)
def test_policy_files_are_the_generated_ones(name):
    generated = iam.policy(all_functions()[name])
    assert load(name) == generated, (
        f"infra/iam/{name}.json is out of date with the code: run "
        "`.venv/bin/python -m infra.iam write` and review the diff"
    )


@pytest.mark.parametrize("name", POLICIES)
def test_no_wildcard_actions_or_resources(name):
    for statement in statements(name):
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement and "NotResource" not in statement
        for action in listed(statement["Action"]):
            assert "*" not in action and "?" not in action, action
            assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z]+", action), action
        for resource in listed(statement["Resource"]):
            assert resource != "*"
            if "*" in resource or "?" in resource:
                assert any(p.match(resource) for p in ALLOWED_WILDCARDS), resource
            if resource.startswith("arn:"):
                _, _, _service, region, account, _ = resource.split(":", 5)
                assert region in ("", "${region}") and account in ("", "${account}"), resource


@pytest.mark.parametrize("name", POLICIES)
def test_tables_are_exactly_those_the_function_uses(name):
    used = tables_of(all_functions()[name])
    tables: set[str] = set()
    indexes: dict[str, set[str]] = {}
    for statement in statements(name):
        for resource in listed(statement["Resource"]):
            if ":dynamodb:" not in resource:
                continue
            assert all(a.startswith("dynamodb:") for a in listed(statement["Action"]))
            match = TABLE.match(resource)
            assert match, f"not a table of this project: {resource}"
            if match["index"]:
                indexes.setdefault(match["entity"], set()).add(match["index"])
            else:
                tables.add(match["entity"])
    assert tables == set(used), (
        f"{name}: extra {sorted(tables - set(used))}, missing {sorted(set(used) - tables)}"
    )
    for table, names in used.items():
        assert indexes.get(table, set()) == set(names), table
    assert set(indexes) <= tables


def test_every_registered_table_is_in_some_function_policy():
    covered = set()
    for name in FUNCTIONS:
        covered |= set(tables_of(FUNCTIONS[name]))
        text = iam.template_path(name).read_text()
        for table in tables_of(FUNCTIONS[name]):
            assert f"-{table}-${{stage}}" in text
    registered = {entity(model) for model in app_models()}
    assert registered - covered == set(), "tables no function may reach"
    assert set(tables_of(all_functions()["all"])) == registered


def test_only_the_bookings_and_payments_functions_send_email_and_nobody_gets_every_table_but_all():
    # bookings: confirmations, cancellations; payments: invoices (with their PDF) and the
    # "your booking changed" email its money-moving changes send.
    assert [n for n in POLICIES if "GuestEmail" in {s["Sid"] for s in statements(n)}] == [
        "all",
        "bookings",
        "payments",
    ]
    # The rooms function may publish domain events (a room taken out of sale expires the
    # lapsed holds that still count on its nights: bookings.capacity) but never sends mail.
    for statement in statements("rooms"):
        assert not any(a.startswith("ses:") for a in listed(statement["Action"]))


def test_every_zappa_stage_attaches_its_function_policy():
    settings = json.loads((iam.REPO / "zappa_settings.json").read_text())
    for function in all_functions().values():
        for stage in function.stages:
            assert stage in settings, stage
            config = iam.zappa_stage(stage)
            env_stage = config["environment_variables"]["HOTEL_STAGE"]
            assert config["attach_policy"] == f"build/iam/{env_stage}/{function.name}.json"
            assert config.get("manage_roles", True) is True
            assert not config.get("extra_permissions"), "X-Ray only, and only when enabled"


def test_rendered_policy_names_the_account_and_no_placeholder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTEL_AWS_ACCOUNT_ID", "210987654321")
    monkeypatch.delenv("HOTEL_SECRETS_ARN", raising=False)
    path = iam.render_stage("prod_payments", tmp_path / "payments.json")
    text = path.read_text()
    assert "${" not in text
    document = json.loads(text)
    resources = [r for s in document["Statement"] for r in listed(s["Resource"])]
    assert "arn:aws:dynamodb:us-east-1:210987654321:table/hotel-payments-prod" in resources
    assert (
        "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/hotel-prod-payments" in resources
    )
    assert "arn:aws:events:us-east-1:210987654321:event-bus/hotel-prod" in resources
    secrets = [r for r in resources if ":secretsmanager:" in r]
    assert secrets == ["arn:aws:secretsmanager:us-east-1:210987654321:secret:hotel/prod-??????"]
