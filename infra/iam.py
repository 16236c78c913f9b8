"""Least-privilege IAM policies, one per Lambda function, generated from infra/functions.py.

    python -m infra.iam write             # regenerate infra/iam/<function>.json (committed)
    python -m infra.iam render prod_rooms # fill in account/region/…: build/iam/prod/rooms.json

The committed templates carry `${placeholders}` (region, account, prefix, stage,
function_name, event_bus, secret_arn, ses_identity, media_bucket); Zappa reads
`attach_policy` verbatim, so `render` writes the concrete file that zappa_settings.json
points at. Values come from the stage's Zappa settings and the environment
(HOTEL_AWS_ACCOUNT_ID, HOTEL_SECRETS_ARN, HOTEL_SES_IDENTITY).

No statement uses a wildcard action or a `*` resource. The only wildcards are the ones AWS
resource names need: the function's own log streams (`…:log-stream:*`), object keys in the
media bucket (`media-bucket/media/*`) and, when no full secret ARN is given, the six random
characters Secrets Manager appends to a secret's name (`-??????`). X-Ray, whose actions
accept no resource but `*`, is not in these files: a stage that enables tracing adds it
with Zappa's `extra_permissions` (docs/deployment.md).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from infra.functions import REPO, Function, all_functions, capabilities_of, tables_of

TEMPLATES = REPO / "infra" / "iam"
RENDERED = REPO / "build" / "iam"

DYNAMODB_ACTIONS = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
]
TABLE_ARN = "arn:aws:dynamodb:${region}:${account}:table/${prefix}-%s-${stage}"
LOG_GROUP = "arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${function_name}"


def policy(function: Function) -> dict:
    """The policy template of `function` (placeholders unrendered)."""
    tables = tables_of(function)
    resources = []
    for name, indexes in tables.items():
        resources.append(TABLE_ARN % name)
        resources += [f"{TABLE_ARN % name}/index/{index}" for index in indexes]
    caps = capabilities_of(function)
    statements = [
        {
            "Sid": "OwnLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup"],
            "Resource": [LOG_GROUP],
        },
        {
            "Sid": "OwnLogStreams",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{LOG_GROUP}:log-stream:*"],
        },
        {
            "Sid": "Tables",
            "Effect": "Allow",
            "Action": DYNAMODB_ACTIONS,
            "Resource": resources,
        },
        {
            "Sid": "Secrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": ["${secret_arn}"],
        },
    ]
    if caps["events"]:
        statements.append(
            {
                "Sid": "DomainEvents",
                "Effect": "Allow",
                "Action": ["events:PutEvents"],
                "Resource": ["arn:aws:events:${region}:${account}:event-bus/${event_bus}"],
            }
        )
    if caps.get("event_handler"):
        statements.append(
            {  # Lambda's on-failure destination for domain events (infra/events.yaml)
                "Sid": "DeadLetteredEvents",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": ["arn:aws:sqs:${region}:${account}:${event_bus}-events-dlq"],
            }
        )
    if caps["email"]:
        statements.append(
            {
                "Sid": "GuestEmail",
                "Effect": "Allow",
                "Action": ["ses:SendRawEmail", "ses:SendEmail"],
                "Resource": ["arn:aws:ses:${region}:${account}:identity/${ses_identity}"],
            }
        )
    if caps["media"]:
        statements += [
            {
                "Sid": "MediaObjects",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                "Resource": ["arn:aws:s3:::${media_bucket}/media/*"],
            },
            {
                "Sid": "MediaExists",  # HeadObject on a missing key answers 404, not 403
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": ["arn:aws:s3:::${media_bucket}"],
                "Condition": {"StringLike": {"s3:prefix": ["media/*"]}},
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def template_path(function_name: str) -> Path:
    return TEMPLATES / f"{function_name}.json"


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


def write() -> list[Path]:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    written = []
    for name, function in all_functions().items():
        path = template_path(name)
        path.write_text(dumps(policy(function)))
        written.append(path)
    return written


# --- rendering for a stage -----------------------------------------------------------------


def zappa_stage(stage: str) -> dict:
    """The stage's Zappa settings with `extends` resolved (Zappa's own shallow merge)."""
    settings = json.loads((REPO / "zappa_settings.json").read_text())
    config = dict(settings[stage])
    parent = config.get("extends")
    if parent:
        merged = zappa_stage(parent)
        merged.update(config)
        config = merged
    return config


def lambda_name(stage: str, config: dict) -> str:
    """Zappa's function name: slugified "<project_name>-<stage>"."""
    return re.sub(r"[^a-z0-9]+", "-", f"{config['project_name']}-{stage}".lower()).strip("-")


def values_for(stage: str) -> dict[str, str]:
    config = zappa_stage(stage)
    env = config.get("environment_variables", {})
    region = config.get("aws_region", "us-east-1")
    account = os.environ.get("HOTEL_AWS_ACCOUNT_ID") or os.environ.get("AWS_ACCOUNT_ID") or ""
    if not account:
        account = "000000000000"
        print(
            f"infra.iam: HOTEL_AWS_ACCOUNT_ID is not set; {stage}'s policy names account "
            "000000000000 (fine for packaging, set it before deploying)",
            file=sys.stderr,
        )
    secret_arn = os.environ.get("HOTEL_SECRETS_ARN") or (
        f"arn:aws:secretsmanager:{region}:{account}:secret:{env.get('HOTEL_SECRETS_ID', '')}-??????"
    )
    sender = env.get("HOTEL_FROM_EMAIL", "")
    identity = os.environ.get("HOTEL_SES_IDENTITY") or sender.rpartition("@")[2].rstrip(">")
    return {
        "region": region,
        "account": account,
        "prefix": env.get("HOTEL_TABLE_PREFIX", "hotel"),
        "stage": env.get("HOTEL_STAGE", stage),
        "function_name": lambda_name(stage, config),
        "event_bus": env.get("HOTEL_EVENT_BUS_NAME", "default"),
        "secret_arn": secret_arn,
        "ses_identity": identity,
        "media_bucket": env.get("HOTEL_MEDIA_BUCKET", ""),
    }


def render(template: str, values: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        return values[match.group(1)]

    return re.sub(r"\$\{([a-z_]+)\}", substitute, template)


def render_stage(stage: str, target: Path | None = None) -> Path:
    """Write the concrete policy (to the stage's `attach_policy` path unless `target` is
    given); return its path."""
    from infra.functions import function_for_stage

    config = zappa_stage(stage)
    function = function_for_stage(stage)
    target = target or REPO / config["attach_policy"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(template_path(function.name).read_text(), values_for(stage)))
    return target


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotel.settings")
    os.environ.setdefault("HOTEL_STAGE", "local")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    if argv[:1] == ["write"]:
        _setup_django()
        for path in write():
            print(path.relative_to(REPO))
        return 0
    if argv[:1] == ["render"] and len(argv) == 2:
        print(render_stage(argv[1]).relative_to(REPO))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
