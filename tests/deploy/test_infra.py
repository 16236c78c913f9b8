"""The CloudFormation templates under infra/: generated where they can be, linted, consistent."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import yaml
from django.core.management import call_command

from infra.functions import FUNCTIONS, app_models, entity

INFRA = Path(__file__).resolve().parents[2] / "infra"


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub, …) as {"Ref": …} mappings."""


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _tag)


def template(name: str) -> dict:
    return yaml.load((INFRA / name).read_text(), Loader=CfnLoader)  # a SafeLoader subclass


def test_the_tables_template_is_generated_from_the_models():
    out = io.StringIO()
    call_command("export_cloudformation", stdout=out)
    assert (INFRA / "tables.yaml").read_text() == out.getvalue(), (
        "infra/tables.yaml is out of date: run "
        "`.venv/bin/python manage.py export_cloudformation > infra/tables.yaml`"
    )


def test_every_table_is_on_demand_recoverable_encrypted_and_kept():
    resources = template("tables.yaml")["Resources"]
    tables = {
        r["Properties"]["TableName"]["Fn::Sub"]: r
        for r in resources.values()
        if r["Type"] == "AWS::DynamoDB::Table"
    }
    expected = {f"${{TablePrefix}}-{entity(m)}-${{Stage}}" for m in app_models()}
    assert set(tables) == expected
    for table in tables.values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert props["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
    alarms = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == len(tables)  # one throttling alarm per table


def _behaviours(distribution: dict) -> dict[str, dict]:
    config = distribution["Properties"]["DistributionConfig"]
    return {b["PathPattern"]: b for b in config["CacheBehaviors"]}


def _origin(behaviour: dict) -> str:
    target = behaviour["TargetOriginId"]
    return target["Fn::If"][1] if isinstance(target, dict) else target


def test_cloudfront_routes_each_function_its_paths_and_caches_per_kind():
    resources = template("cloudfront.yaml")["Resources"]
    behaviours = _behaviours(resources["Distribution"])
    managed = template("cloudfront.yaml")["Mappings"]["Managed"]["CachePolicy"]

    def policy(behaviour):
        ref = behaviour["CachePolicyId"]
        return ref["Fn::FindInMap"][2] if "Fn::FindInMap" in ref else ref["Ref"]

    for name, origin in (("rooms", "rooms-api"), ("payments", "payments-api")):  # when split
        routed = {path for path, b in behaviours.items() if _origin(b) == origin}
        assert routed == set(FUNCTIONS[name].routes), name
    for path in FUNCTIONS["bookings"].routes:
        assert path == "*" or _origin(behaviours[path]) == "api", path
    default = resources["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "api"
    assert policy(default) == "PagesCachePolicy"
    assert _origin(behaviours["/static/*"]) == "static"
    assert policy(behaviours["/static/*"]) == "CachingOptimized"
    assert _origin(behaviours["/media/*"]) == "media"
    for path, behaviour in behaviours.items():
        if path.startswith(("/api/", "/webhooks/", "/calendars/")):
            assert policy(behaviour) == "CachingDisabled", path
    assert set(managed) == {"CachingOptimized", "CachingDisabled"}
    # More specific patterns first: availability is a bookings route under /api/rooms/.
    order = list(behaviours)
    assert order.index("/api/rooms/availability") < order.index("/api/rooms/*")
    assert order.index("/api/payments/*") < order.index("/api/*")
    assert behaviours["/webhooks/*"]["Compress"] is False


def test_buckets_are_private_and_waf_has_managed_rules_and_a_rate_limit():
    resources = template("cloudfront.yaml")["Resources"]
    for bucket in ("StaticBucket", "MediaBucket"):
        block = resources[bucket]["Properties"]["PublicAccessBlockConfiguration"]
        assert all(block.values())
    rules = resources["WebAcl"]["Properties"]["Rules"]
    groups = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in rules
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"} <= groups
    assert any("RateBasedStatement" in r["Statement"] for r in rules)


def test_cfn_lint_passes_on_every_template():
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    assert cfn_lint.exists(), "cfn-lint comes with requirements/dev.txt: run `make install`"
    templates = sorted(str(p) for p in INFRA.glob("*.yaml"))
    assert len(templates) >= 4
    result = subprocess.run(
        [str(cfn_lint), *templates], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
