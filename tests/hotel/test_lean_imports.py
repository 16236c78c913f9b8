"""A cold start imports what a request needs: not PyYAML and requests for DRF's unused
extras (hotel.lazy_imports), drf-spectacular's generator only when the schema is made
(hotel.api.schema_hints), icalendar only when a channel's feed is read, and nothing of
either is lost."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from hotel.api import schema_hints
from tests.helpers import fresh_python

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
at_start = {m: m in sys.modules for m in ("yaml", "requests", "charset_normalizer",
            "drf_spectacular.openapi", "rest_framework.test", "django.test",
            "icalendar")}
from rest_framework import compat
import yaml
import requests.adapters
print(json.dumps({"atStart": at_start, "dumped": yaml.safe_dump({"a": [1, 2]}),
                  "adapter": requests.Session().get_adapter("https://x").__class__
                  is requests.adapters.HTTPAdapter,
                  "drfSees": [compat.yaml is None, compat.requests is None],
                  "pending": len(__import__("hotel.api.schema_hints").api.schema_hints._pending)}))
"""


def test_a_fresh_process_defers_yaml_requests_and_the_schema_generator():
    done = fresh_python(PROBE, HOTEL_STAGE="test")
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["atStart"] == dict.fromkeys(seen["atStart"], False)
    assert seen["dumped"] == "a:\n- 1\n- 2\n" and seen["adapter"] is True  # imported as usual
    assert seen["drfSees"] == [True, True]  # DRF records them as absent (hotel.lazy_imports)
    assert seen["pending"] > 50  # every view's decorations, noted and not yet applied


def test_the_schema_generator_applies_every_noted_decoration():
    generator = import_string(settings.SPECTACULAR_SETTINGS["DEFAULT_GENERATOR_CLASS"])
    schema = generator().get_schema(request=None, public=True)
    assert schema_hints._pending == []
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    # From extend_schema on a method, on a view class, and through extend_schema_view.
    assert {"reservations_create", "bookings_online_check_in", "reservations_folio_payment"} <= (
        operations
    )


LAMBDA_INIT = """
import json, sys, tempfile, pathlib
settings = pathlib.Path(tempfile.mkdtemp()) / "zappa_settings.py"
settings.write_text(
    "APP_MODULE='hotel.wsgi'\\nAPP_FUNCTION='application'\\nDJANGO_SETTINGS='hotel.settings'\\n"
    "PROJECT_NAME='hotel'\\nAPI_STAGE='dev'\\nENVIRONMENT_VARIABLES={'HOTEL_STAGE': 'test'}\\n"
)
sys.path.insert(0, str(settings.parent))
import hotel.awslambda  # inside "Lambda": the init runs
found = {m: m in sys.modules for m in ("zappa.handler", "werkzeug", "boto3", "s3transfer",
                                        "django.urls")}
found["routes"] = hotel.awslambda._http is not None
print(json.dumps(found))
"""


def test_the_lambda_init_imports_nothing_of_zappas_request_path():
    """API Gateway requests go through hotel.lambda_http: the init imports neither Zappa's
    handler nor what it brings (werkzeug, boto3 and s3transfer); schedules and
    commands import it when they come (tests/deploy/test_packaged_handler.py)."""
    done = fresh_python(LAMBDA_INIT, AWS_LAMBDA_FUNCTION_NAME="hotel-test", HOTEL_STAGE="test")
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "zappa.handler": False,
        "werkzeug": False,
        "boto3": False,
        "s3transfer": False,
        "django.urls": True,
        "routes": True,
    }
