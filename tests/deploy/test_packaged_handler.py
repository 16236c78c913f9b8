"""The zip `make package` builds, run by its own handler with recorded API Gateway events.

Every request goes through the packaged `hotel.awslambda.handler` in an isolated interpreter
(tests/deploy/conftest.py) against this test run's DynamoDB Local; what the handler writes
is checked here through the models, from the test process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings

from bookings.models import Booking
from bookings.services import booking_create
from infra.lambda_local import LambdaFunction
from payments.models import ProcessedWebhookEvent
from tests.conftest import PASSWORD

from .conftest import SITE_HOST, cookie_names, header, load_event, set_cookies

VERSIONS = ["v1", "v2"]


def body_of(response: dict) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def json_of(response: dict) -> dict:
    return json.loads(body_of(response))


def with_body(event: dict, body: bytes, *, content_type: str | None = None) -> dict:
    """Put `body` in the event the way each API Gateway version delivers it."""
    if event.get("version") == "2.0":
        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True
        event["headers"]["content-length"] = str(len(body))
        if content_type:
            event["headers"]["content-type"] = content_type
    else:
        event["body"] = body.decode()
        event["isBase64Encoded"] = False
        set_header(event, "Content-Length", str(len(body)))
        if content_type:
            set_header(event, "Content-Type", content_type)
    return event


def set_header(event: dict, name: str, value: str) -> None:
    if event.get("version") == "2.0":
        event["headers"][name.lower()] = value
    else:
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]


def with_cookies(event: dict, cookies: dict[str, str]) -> dict:
    pairs = [f"{name}={value}" for name, value in cookies.items()]
    if event.get("version") == "2.0":
        event["cookies"] = pairs  # HTTP APIs deliver cookies apart from the headers
    else:
        set_header(event, "Cookie", "; ".join(pairs))
    return event


def cookie_values(cookies: list[str]) -> dict[str, str]:
    return {
        name: cookie.split("=", 1)[1].split(";", 1)[0]
        for name, cookie in zip(cookie_names(cookies), cookies, strict=True)
    }


# --- the package itself ----------------------------------------------------------------------


def test_the_package_holds_the_runtime_only_and_fits_lambda(lambda_zip):
    with zipfile.ZipFile(lambda_zip) as archive:
        names = archive.namelist()
        generated = archive.read("zappa_settings.py").decode()
    tops = {name.split("/", 1)[0] for name in names}
    for unwanted in (
        "pytest",
        "_pytest",
        "localstripe",
        "playwright",
        "pip",
        "setuptools",
        "troposphere",
        "coverage",
        "ruff",
        "tests",
        "devtools",
        "bench",
        "infra",
        "node_modules",
        ".venv",
        "build",
    ):
        assert unwanted not in tops, unwanted
    assert not [n for n in names if n.endswith(".map") or "/tests/" in n]
    # The demo hotel's pictures: seed_demo runs on the local stage only, never in Lambda.
    assert not [n for n in names if "demo_photos/" in n and not n.endswith(".json")]
    assert "rooms/demo_photos/galleries.json" in names  # rooms.demo reads it at import
    for needed in (
        "handler.py",
        "zappa_settings.py",
        "hotel/awslambda.py",
        "hotel/lambda_http.py",
        "apig_wsgi/__init__.py",
        "hotel/jobs.py",
        "zappa/handler.py",
        "staticfiles/staticfiles.json",
        "botocore/data/dynamodb/2012-08-10/service-2.json.gz",
    ):
        assert needed in names, needed
    assert "DEBUG=False" in generated
    assert "LOG_LEVEL='DEBUG'" not in generated
    assert "WEBSOCKET_HANDLER_MODULE" not in generated
    tag = sys.implementation.cache_tag
    init = ("hotel/awslambda", "hotel/settings", "django/urls/resolvers", "rest_framework/views")
    for module in init:
        head, _, name = module.rpartition("/")
        assert f"{head}/__pycache__/{name}.{tag}.pyc" in names, module  # compiled for init
    assert f"__pycache__/six.{tag}.pyc" in names  # single-file modules too (dateutil's six)
    assert f"__pycache__/typing_extensions.{tag}.pyc" not in names  # the schema generator's: lazy
    assert f"__pycache__/zappa_settings.{tag}.pyc" not in names  # rewritten by tests: source
    assert f"payments/providers/__pycache__/stripe.{tag}.pyc" in names  # ours: all compiled
    assert "fpdf/fpdf.py" in names
    assert f"fpdf/__pycache__/fpdf.{tag}.pyc" not in names  # a library the init never imports
    # Pruned (infra.package): Pillow's unused extensions, other languages' catalogues,
    # Django's unused batteries, C sources.
    assert "PIL/_imaging.cpython-313-x86_64-linux-gnu.so".replace("313", tag[-3:]) in names
    assert not [
        n for n in names if n.startswith(("PIL/_avif", "PIL/_imagingft", "pillow.libs/libavif"))
    ]
    assert "django/conf/locale/de/LC_MESSAGES/django.mo" in names
    assert "django/conf/locale/ja/LC_MESSAGES/django.mo" not in names
    assert not [n for n in names if n.startswith(("django/contrib/gis/", ".hypothesis/"))]
    assert not [n for n in names if n.endswith((".c", ".pyx"))]
    assert "stripe/_stripe_client.py" in names
    assert not [n for n in names if n.startswith("stripe/params/")]  # for type checkers only
    zipped = lambda_zip.stat().st_size
    # 15 MB of code and data plus about 6 MB of bytecode for the ~1,070 modules the init
    # imports (infra.package.add_bytecode: the cold start's import 3.7 s -> 1.2 s here).
    assert zipped < 22 * 1024 * 1024, f"{zipped / 1e6:.1f} MB"


# --- HTTP through API Gateway v1 and v2 --------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_rooms_are_listed_through_the_packaged_handler(lambda_fn, make_room, version):
    make_room(roomId="R-201", roomType="Suite")
    make_room(roomId="R-202", roomType="Deluxe")

    response = lambda_fn.invoke(load_event(f"apigw_{version}_get_rooms"))

    assert response["statusCode"] == 200
    body = json_of(response)
    assert {room["roomId"] for room in body["rooms"]} == {"R-201", "R-202"}
    assert header(response, "Content-Type") == "application/json"
    assert header(response, "Cache-Control") == "private, no-cache"
    assert re.fullmatch(r"[0-9a-f]{32}", header(response, "X-Request-Id"))


@pytest.mark.parametrize("version", VERSIONS)
def test_a_booking_is_created_through_the_packaged_handler(lambda_fn, make_room, version):
    make_room(roomId="R-DEPLOY", capacity=2, pricePerNight=8000)
    check_in = date.today() + timedelta(days=30)
    event = load_event(f"apigw_{version}_post_booking")
    payload = json.loads(event["body"])
    payload.update(checkIn=check_in.isoformat(), checkOut=(check_in + timedelta(2)).isoformat())
    with_body(event, json.dumps(payload).encode())

    response = lambda_fn.invoke(event)

    assert response["statusCode"] == 201, body_of(response)
    created = json_of(response)
    booking = Booking.get(created["bookingId"], consistent_read=True)
    assert booking.status == "pending"
    assert booking.roomId == "R-DEPLOY"
    assert created["guestToken"]
    assert header(response, "Cache-Control") == "private, no-cache"


def test_a_booking_is_paid_with_stripe_through_the_packaged_handler(lambda_fn, make_room):
    """The packaged Stripe client (stripe.params pruned, infra.package.prune_stripe) charges
    a card at localstripe and the booking is confirmed."""
    make_room(roomId="R-PAY", capacity=2, pricePerNight=8000)
    check_in = date.today() + timedelta(days=40)
    event = load_event("apigw_v2_post_booking")
    payload = json.loads(event["body"])
    payload.update(
        roomId="R-PAY",
        checkIn=check_in.isoformat(),
        checkOut=(check_in + timedelta(2)).isoformat(),
    )
    event["headers"]["idempotency-key"] = "deploy-test-paid-booking"
    created = json_of(lambda_fn.invoke(with_body(event, json.dumps(payload).encode())))

    pay = load_event("apigw_v2_post_booking")
    pay["rawPath"] = pay["requestContext"]["http"]["path"] = "/api/payments"
    pay["headers"].pop("idempotency-key")
    pay["headers"]["x-booking-token"] = created["guestToken"]
    charge = {
        "bookingId": created["bookingId"],
        "amount": created["totalPrice"],
        "currency": created["currency"],
        "paymentMethodId": "pm_card_visa",
    }
    response = lambda_fn.invoke(with_body(pay, json.dumps(charge).encode()))

    assert response["statusCode"] == 201, body_of(response)
    assert json_of(response)["status"] == "completed"
    assert Booking.get(created["bookingId"], consistent_read=True).status == "confirmed"


@pytest.mark.parametrize("version", VERSIONS)
def test_admin_login_sets_each_cookie_once_and_signs_in(lambda_fn, make_staff, version):
    staff = make_staff(email=f"desk-{version}@staff.test")

    page = lambda_fn.invoke(load_event(f"apigw_{version}_admin_login"))

    assert page["statusCode"] == 200
    first = set_cookies(page)
    assert cookie_names(first) == ["csrftoken"]
    html = body_of(page).decode()
    # Pages link static files by their hashed names, on the static domain (S3 via CloudFront).
    hashed_css = rf'href="https://{SITE_HOST}/static/admin/css/base\.[0-9a-f]{{12}}\.css"'
    assert re.search(hashed_css, html)
    csrf_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf_cookie = cookie_values(first)["csrftoken"]

    login = load_event(f"apigw_{version}_admin_login")
    if version == "v2":
        login["requestContext"]["http"]["method"] = "POST"
    else:
        login["httpMethod"] = login["requestContext"]["httpMethod"] = "POST"
    set_header(login, "Referer", f"https://{SITE_HOST}/admin/login/")
    set_header(login, "Origin", f"https://{SITE_HOST}")
    form = urlencode(
        {
            "csrfmiddlewaretoken": csrf_form,
            "username": staff.email,
            "password": PASSWORD,
            "next": "/admin/",
        }
    ).encode()
    with_body(login, form, content_type="application/x-www-form-urlencoded")
    with_cookies(login, {"csrftoken": csrf_cookie})

    signed_in = lambda_fn.invoke(login)

    assert signed_in["statusCode"] == 302, body_of(signed_in)[:500]
    assert header(signed_in, "Location") == "/admin/dashboard/"  # a manager's landing page
    cookies = set_cookies(signed_in)
    names = cookie_names(cookies)
    assert sorted(names) == sorted(set(names)), cookies  # each cookie once
    assert {"sessionid", "csrftoken"} <= set(names)
    session = cookie_values(cookies)["sessionid"]
    assert all("HttpOnly" in c for c in cookies if c.startswith("sessionid="))

    index = load_event(f"apigw_{version}_admin_login")
    if version == "v2":
        index["rawPath"] = index["requestContext"]["http"]["path"] = "/admin/"
        index["rawQueryString"] = ""
        index.pop("queryStringParameters", None)
    else:
        index["path"] = "/admin/"
        index["queryStringParameters"] = index["multiValueQueryStringParameters"] = None
    with_cookies(index, {"sessionid": session, "csrftoken": csrf_cookie})
    admin = lambda_fn.invoke(index)
    assert admin["statusCode"] == 200, body_of(admin)[:300]
    html = body_of(admin).decode()
    assert 'name="password"' not in html  # the index, not the login form again
    assert "/admin/logout/" in html


@pytest.mark.parametrize("version", VERSIONS)
def test_a_hashed_static_asset_is_served_byte_for_byte_and_cached_for_a_year(
    lambda_fn, lambda_dir, version
):
    manifest = json.loads((lambda_dir / "staticfiles/staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/img/icon-yes.svg"]
    event = load_event(f"apigw_{version}_static")
    path = f"/static/{hashed}"
    if version == "v2":
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
    else:
        event["path"] = path
        event["pathParameters"] = {"proxy": path.lstrip("/")}

    response = lambda_fn.invoke(event)

    assert response["statusCode"] == 200
    assert body_of(response) == (lambda_dir / "staticfiles" / hashed).read_bytes()
    cache = header(response, "Cache-Control")
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 31536000


@pytest.mark.parametrize("version", VERSIONS)
def test_a_signed_stripe_webhook_is_accepted_with_its_exact_bytes(lambda_fn, version):
    event_id = f"evt_deploy_{version}_{time.time_ns()}"
    # Non-ASCII text, escaped slashes and uneven spacing: any re-encoding between API
    # Gateway and the view would change the bytes and break the signature.
    raw = (
        (
            '{\n  "id": "EVENT_ID",\n  "object": "event",  "type": "customer.updated",\n'
            '  "data": {"object": {"id": "cus_1", "name": "Zoë Ñandú — 東京",'
            ' "url": "https:\\/\\/hotel.example\\/x"}}\n}\n'
        )
        .replace("EVENT_ID", event_id)
        .encode()
    )
    timestamp = int(time.time())
    mac = hmac.new(
        settings.STRIPE_WEBHOOK_SECRET.encode(), b"%d." % timestamp + raw, hashlib.sha256
    ).hexdigest()
    event = with_body(load_event(f"apigw_{version}_stripe_webhook"), raw)
    set_header(event, "Stripe-Signature", f"t={timestamp},v1={mac}")

    response = lambda_fn.invoke(event)

    assert response["statusCode"] == 200, body_of(response)
    assert json_of(response) == {"received": True, "outcome": "ignored"}
    assert ProcessedWebhookEvent.get(event_id, consistent_read=True).type == "customer.updated"
    assert header(response, "Cache-Control") == "private, no-cache"

    tampered = with_body(load_event(f"apigw_{version}_stripe_webhook"), raw.replace(b"1", b"2"))
    set_header(tampered, "Stripe-Signature", f"t={timestamp},v1={mac}")
    assert lambda_fn.invoke(tampered)["statusCode"] == 400


# --- non-HTTP invocations ----------------------------------------------------------------------


def test_the_scheduled_sweeper_expires_a_hold_whose_time_is_up(lambda_fn, make_room):
    make_room(roomId="R-SWEEP")
    long_ago = datetime.now(UTC) - timedelta(minutes=settings.HOTEL_HOLD_MINUTES + 5)
    check_in = long_ago.date() + timedelta(days=20)
    hold = booking_create(
        room_id="R-SWEEP",
        check_in=check_in,
        check_out=check_in + timedelta(days=1),
        guests=1,
        guest_name="Late Payer",
        guest_email="late@guest.test",
        actor="test",
        now=long_ago,
    ).booking
    assert hold.status == "pending"

    result = lambda_fn.invoke(load_event("scheduled_expire_holds"))

    assert result["command"] == "expire_holds"
    assert "expired 1 hold(s)" in result["output"]
    assert Booking.get(hold.bookingId, consistent_read=True).status == "expired"


def test_an_eventbridge_domain_event_runs_the_subscribers(lambda_fn, make_room):
    make_room(roomId="R-EVENT")
    check_in = date.today() + timedelta(days=40)
    booking = booking_create(
        room_id="R-EVENT",
        check_in=check_in,
        check_out=check_in + timedelta(days=1),
        guests=1,
        guest_name="Mail Reader",
        guest_email="reader@guest.test",
        actor="test",
        now=datetime.now(UTC),
    ).booking
    event = load_event("eventbridge_booking_confirmed")
    event["detail"]["bookingId"] = booking.bookingId

    assert lambda_fn.invoke(event) == {"dispatched": "BookingConfirmed"}
    assert f"Subject: Booking {booking.bookingId} confirmed" in lambda_fn.log()


# --- logs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_logs_are_json_lines_with_context_and_without_secrets(lambda_fn, version):
    token = f"hk_{version}SecretBearerToken0123456789"
    guest_token = f"guest{version}Token0123456789abcdef"
    card = "4242424242424242"
    signature = "t=1772443800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
    event = load_event(f"apigw_{version}_get_rooms")
    path = f"/api/no-such-thing/{card}"
    query = f"token={guest_token}&card={card}"
    if version == "v2":
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["rawQueryString"] = query
        event["queryStringParameters"] = {"token": guest_token, "card": card}
    else:
        event["path"] = path
        event["queryStringParameters"] = {"token": guest_token, "card": card}
        event["multiValueQueryStringParameters"] = {"token": [guest_token], "card": [card]}
    set_header(event, "Authorization", f"Bearer {token}")
    set_header(event, "Stripe-Signature", signature)
    before = len(lambda_fn.log())

    response = lambda_fn.invoke(event)

    assert response["statusCode"] == 404
    request_id = header(response, "X-Request-Id")
    written = lambda_fn.log()[before:]
    for secret in (token, guest_token, card, signature, signature.split("v1=")[1]):
        assert secret not in written
    records = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    assert records, written
    for record in records:
        assert {"time", "level", "logger", "message", "requestId", "stage", "function"} <= set(
            record
        )
        assert record["stage"] == "test"
        assert record["function"] == "hotel-dev"
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert not_found and not_found[0]["level"] == "WARNING"
    assert not_found[0]["requestId"] == request_id
    assert "[CARD]" in not_found[0]["message"]


def test_a_bookings_stream_record_runs_the_stats_projector(lambda_fn, make_room):
    stats = pytest.importorskip("bookings.stats")
    if not hasattr(stats, "handle_stream"):
        pytest.skip("no stream consumer for the bookings table")
    from bookings.models import BookingStatsLedger, DailyStat
    from bookings.services import booking_transition
    from hotel import dynamo

    make_room(roomId="R-STREAM")
    check_in = date.today() + timedelta(days=50)
    now = datetime.now(UTC)
    booking = booking_create(
        room_id="R-STREAM",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=1,
        guest_name="Stream Guest",
        guest_email="stream@guest.test",
        actor="test",
        now=now,
    ).booking
    booking_transition(booking_id=booking.bookingId, to_status="confirmed", actor="test", now=now)
    # As if the in-process projection after the write had failed: only the stream can help.
    dynamo.empty_tables([DailyStat, BookingStatsLedger])
    event = load_event("dynamodb_stream_bookings")
    event["Records"][0]["dynamodb"]["Keys"]["bookingId"]["S"] = booking.bookingId

    assert lambda_fn.invoke(event) == 1

    ledger = BookingStatsLedger.get(booking.bookingId, consistent_read=True)
    assert ledger.appliedVersion == Booking.get(booking.bookingId).version
    assert sum(day.roomsSold for day in DailyStat.scan()) == 2


# --- least privilege, observed -----------------------------------------------------------------


def test_every_aws_call_the_package_made_is_allowed_to_the_function_that_serves_it(lambda_fn):
    """Runs last in this module: checks the AWS calls of all the requests above (make test
    keeps a module on one worker: `--dist loadfile`).

    Each call (recorded in the runner as IAM action + table + index) must be allowed by the
    policy of the function CloudFront routes its path to (infra/functions.py), and by "all".
    """
    from infra.functions import FUNCTIONS, function_for_path
    from infra.iam import template_path

    lambda_fn.invoke(load_event("apigw_v2_get_rooms"))  # at least one call, even run alone
    prefix, stage = os.environ["HOTEL_TABLE_PREFIX"], "test"
    calls = [
        json.loads(line)
        for line in (lambda_fn.log_path.parent / "aws-calls.jsonl").read_text().splitlines()
    ]
    assert calls

    def allowed(policy_name: str) -> set[tuple[str, str]]:
        pairs = set()
        for statement in json.loads(template_path(policy_name).read_text())["Statement"]:
            for action in statement["Action"]:
                for resource in statement["Resource"]:
                    pairs.add((action, resource))
        return pairs

    def resource(call) -> str:
        entity = call["table"][len(prefix) + 1 : -(len(stage) + 1)]
        arn = f"arn:aws:dynamodb:${{region}}:${{account}}:table/${{prefix}}-{entity}-${{stage}}"
        return f"{arn}/index/{call['index']}" if call["index"] else arn

    policies = {name: allowed(name) for name in [*FUNCTIONS, "all"]}
    denied, served = [], set()
    for call in calls:
        assert call["action"].startswith("dynamodb:"), call  # the test stage calls nothing else
        needed = (call["action"], resource(call))
        # Paths go where CloudFront routes them; jobs, events and streams run in bookings.
        function = function_for_path(call["path"]).name if call["path"] else "bookings"
        served.add(function)
        for name in ("all", function):
            if needed not in policies[name]:
                denied.append((name, call))
    assert not denied, denied
    assert served == set(FUNCTIONS)  # the requests above exercised every function


def test_a_keep_warm_ping_is_answered_without_work(lambda_fn):
    ping = load_event("scheduled_expire_holds")
    ping["resources"] = [
        "arn:aws:events:us-east-1:123456789012:rule/hotel-dev-handler.keep_warm_callback"
    ]
    assert lambda_fn.invoke(ping) is None


# --- SnapStart: a snap-start init, then restored copies (forks: infra/lambda_runner) -------------


def test_restored_copies_of_a_snapstart_init_answer_and_draw_their_own_random_numbers(
    lambda_dir, tmp_path, _tables, make_room
):
    make_room(roomId="R-SNAP")
    function = LambdaFunction(
        lambda_dir,
        tmp_path / "stderr.log",
        {
            "DYNAMODB_ENDPOINT": os.environ["DYNAMODB_ENDPOINT"],
            "HOTEL_TABLE_PREFIX": os.environ["HOTEL_TABLE_PREFIX"],
            "STRIPE_API_BASE": os.environ["STRIPE_API_BASE"],
            "HOTEL_DATA_DIR": str(tmp_path / "data"),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start",
        },
    )
    try:
        event = load_event("apigw_v2_get_rooms")
        answers = [function.fork_call(event) for _ in range(3)]
        log = function.log()
    finally:
        function.stop()
    for answer in answers:
        assert answer["error"] is None, log[-3000:]
        assert answer["response"]["statusCode"] == 200
        assert "R-SNAP" in answer["response"]["body"]
        assert answer["restore_ms"] <= answer["fork_ms"]
    # Forks of one process draw the same numbers unless reseeded (hotel.snapstart.refresh):
    # three copies of one snapshot, three sequences.
    assert len({answer["random"] for answer in answers}) == 3
