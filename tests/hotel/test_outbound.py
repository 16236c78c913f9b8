"""Outbound GET/POST to staff-registered URLs (hotel.outbound), against a real HTTP server on
the loopback. Nothing of urllib3 or sockets is mocked; only name resolution is faked, and in
the per-hop tests one seam counts 127.0.0.1 (only it) as public, since the test server can
live nowhere else."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest

from hotel import outbound
from hotel.outbound import OutboundFailed, OutboundRefused, check_url, http_get, http_post
from tests.helpers import fresh_python

FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        path, _, query = self.path.partition("?")
        stop = self.server.stop
        if path == "/feed.ics":
            self.answer(200, FEED, **{"Content-Type": "text/calendar"})
        elif path == "/host":
            self.answer(200, self.headers["Host"].encode())
        elif path.startswith("/hop/"):  # /hop/3 -> 2 -> 1 -> 0, relative Locations
            left = int(path.rsplit("/", 1)[1])
            if left:
                self.answer(302, Location=str(left - 1))
            else:
                self.answer(200, b"arrived")
        elif path == "/to":
            self.answer(302, Location=unquote(query))
        elif path.startswith("/status/"):
            self.answer(int(path.rsplit("/", 1)[1]), b"oops")
        elif path == "/slow":  # no answer at all for 5 s
            stop.wait(5)
            self.answer(200, b"late")
        elif path == "/drip":  # headers at once, then a byte every 0.1 s for 5 s
            self.send_response(200)
            self.end_headers()
            for _ in range(50):
                if stop.wait(0.1):
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
        elif path == "/drip-headers":  # the status line, then a header byte every 0.1 s
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(50):
                if stop.wait(0.1):
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
            self.wfile.write(b"\r\nContent-Length: 4\r\n\r\nlate")
        elif path == "/endless":  # no Content-Length, up to 200 MB
            self.send_response(200)
            self.end_headers()
            for _ in range(200 * 16):
                if stop.is_set():
                    break
                self.wfile.write(b"x" * 65536)
        elif path == "/declared":  # says 1 GB, sends nothing
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        else:
            self.answer(404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.path, body, dict(self.headers)))
        if self.path == "/hook":
            self.answer(202, b"y" * 5000)
        elif self.path == "/drip-headers":  # "200", then its headers a byte every 0.1 s
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(50):
                if self.server.stop.wait(0.1):
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
        elif self.path == "/drip-hook":  # 200 at once, then a byte of body every 0.1 s
            self.send_response(200)
            self.send_header("Content-Length", "50")
            self.end_headers()
            for _ in range(50):
                if self.server.stop.wait(0.1):
                    break
                self.wfile.write(b"y")
                self.wfile.flush()
        else:
            self.answer(302, Location="/hook")


class Server(ThreadingHTTPServer):
    seen: list
    stop: threading.Event
    ca: str

    def handle_error(self, request, client_address):
        pass  # a client that hangs up early (the point of several tests) is no error

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        scheme = "https" if isinstance(self.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{host}:{self.server_port}{path}"


def serving(tls: ssl.SSLContext | None = None):
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.seen, httpd.stop = [], threading.Event()
    if tls:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def server():
    yield from serving()


@pytest.fixture
def tls_server(tmp_path):
    """An https server with a certificate for calendar.example from a CA made here; the CA's
    file is `tls_server.ca`."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    (tmp_path / "leaf.ext").write_text(
        "subjectAltName=DNS:calendar.example\nbasicConstraints=CA:FALSE\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
    )
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for command in (
        ["req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]
        + ["-subj", "/CN=Outbound test CA", "-addext", "keyUsage=critical,keyCertSign"],
        ["req", *key, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=calendar.example"],
        ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key"]
        + ["-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext"],
    ):
        subprocess.run(["openssl", *command], cwd=tmp_path, check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    for httpd in serving(context):
        httpd.ca = str(tmp_path / "ca.pem")
        yield httpd


class FakeDns:
    """Names to fake, each with its addresses (or a function giving them, asked at each
    look-up); every other name resolves for real. `asked` lists the faked look-ups."""

    def __init__(self):
        self.names: dict = {}
        self.asked: list[str] = []

    def __setitem__(self, name: str, addresses) -> None:
        self.names[name] = addresses

    def getaddrinfo(self, real, host, port, *args, **kwargs):
        if host not in self.names:
            return real(host, port, *args, **kwargs)
        self.asked.append(host)
        addresses = self.names[host]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in (addresses() if callable(addresses) else addresses)
        ]


@pytest.fixture
def dns(monkeypatch):
    fake, real = FakeDns(), socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **kw: fake.getaddrinfo(real, *a, **kw))
    return fake


@pytest.fixture
def loopback_is_public(monkeypatch):
    """The one seam besides names: 127.0.0.1, where the test server is, counts as public, so a
    first hop can succeed with the guard on and the next be judged by the real rule."""
    real = outbound._is_public
    monkeypatch.setattr(outbound, "_is_public", lambda ip: str(ip) == "127.0.0.1" or real(ip))


def test_a_200_answer_returns_the_body_and_sends_a_user_agent(server):
    assert http_get(server.url("/feed.ics"), allow_private=True) == FEED
    assert server.seen[0][1]["User-Agent"] == "hotel-calendar-sync/1"


def test_private_addresses_are_allowed_by_the_settings_default_in_the_test_stage(server, settings):
    assert http_get(server.url("/feed.ics")) == FEED
    settings.HOTEL_OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(OutboundRefused):
        http_get(server.url("/feed.ics"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/calendar.ics",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:a9fe:a9fe::]/",  # 6to4 of 169.254.169.254
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "http://[fd00::1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://2130706433/",  # 127.0.0.1 written as one number
    ],
)
def test_addresses_that_are_not_public_are_refused(url):
    with pytest.raises(OutboundRefused, match="not a public address") as caught:
        http_get(url, allow_private=False)
    assert "\n" not in str(caught.value)
    with pytest.raises(OutboundRefused):
        check_url(url, allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "Only http:// and https://"),
        ("ftp://example.com/feed.ics", "Only http:// and https://"),
        ("gopher://example.com/", "Only http:// and https://"),
        ("http://user:secret@example.com/feed.ics", "user name or password"),
        ("https://token@example.com/feed.ics", "user name or password"),
        ("http:///feed.ics", "no host"),
        ("http://example.com/" + "a" * 2000, "longer than 2000"),
        ("http://example.com/a b", "spaces"),
        ("http://example.com:99999/", "not valid"),
        ("", "No URL"),
    ],
)
def test_urls_of_the_wrong_form_are_refused_even_with_private_addresses_allowed(url, reason):
    with pytest.raises(OutboundRefused, match=reason):
        check_url(url, allow_private=True)


def test_a_name_is_refused_when_any_of_its_addresses_is_not_public(dns):
    nat64 = "64:ff9b::5db8:d70e"  # 93.184.215.14 through NAT64 (an IPv6-only network)
    dns["public.example"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", nat64]
    dns["mixed.example"] = ["93.184.215.14", "10.0.0.7"]
    assert check_url("https://public.example/a.ics", allow_private=False).endswith("/a.ics")
    with pytest.raises(OutboundRefused, match="mixed.example resolves to 10.0.0.7"):
        check_url("https://mixed.example/a.ics", allow_private=False)


def test_a_name_that_does_not_resolve_is_refused_by_check_and_fails_a_fetch():
    with pytest.raises(OutboundRefused, match="cannot be found"):
        check_url("http://no-such-host.invalid/", allow_private=False)
    with pytest.raises(OutboundFailed, match="cannot be found"):
        http_get("http://no-such-host.invalid/", allow_private=False)


def test_three_redirects_are_followed_and_a_fourth_is_not(server):
    assert http_get(server.url("/hop/3"), allow_private=True) == b"arrived"
    assert [p for p, _ in server.seen] == ["/hop/3", "/hop/2", "/hop/1", "/hop/0"]
    with pytest.raises(OutboundFailed, match="More than 3 redirects"):
        http_get(server.url("/hop/4"), allow_private=True)


def test_the_connection_goes_to_the_checked_address_with_the_original_host_name(
    server, dns, loopback_is_public
):
    # The name answers 127.0.0.1 when checked and a private address at any later look-up
    # (DNS rebinding): the fetch must connect to what it checked, not look the name up again.
    answers = iter([["127.0.0.1"]])
    dns["calendar.example"] = lambda: next(answers, ["10.0.0.9"])

    body = http_get(server.url("/host", "calendar.example"), timeout=2, allow_private=False)

    assert body == f"calendar.example:{server.server_port}".encode()
    assert dns.asked == ["calendar.example"]


def test_https_connects_to_the_checked_address_and_verifies_the_original_name(
    tls_server, dns, loopback_is_public, monkeypatch
):
    dns["calendar.example"] = ["127.0.0.1"]
    dns["other.example"] = ["127.0.0.1"]
    url = tls_server.url("/host", "calendar.example")
    with pytest.raises(OutboundFailed, match="secure connection to calendar.example failed"):
        http_get(url, timeout=2, allow_private=False)  # our CA is not among certifi's

    monkeypatch.setattr(outbound.certifi, "where", lambda: tls_server.ca)
    assert http_get(url, timeout=2, allow_private=False) == b"calendar.example:%d" % (
        tls_server.server_port
    )
    with pytest.raises(OutboundFailed, match="secure connection to other.example failed"):
        http_get(tls_server.url("/host", "other.example"), timeout=2, allow_private=False)


@pytest.mark.parametrize(
    "redirect_to",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.example/latest/meta-data/",  # a name for the same address
        "http://10.0.0.1/",
        "http://127.0.0.2:{port}/feed.ics",
    ],
)
def test_every_redirect_hop_is_checked(server, dns, loopback_is_public, redirect_to):
    dns["calendar.example"] = ["127.0.0.1"]
    dns["metadata.example"] = ["169.254.169.254"]
    target = redirect_to.format(port=server.server_port)
    assert http_get(server.url("/feed.ics", "calendar.example"), allow_private=False) == FEED

    with pytest.raises(OutboundRefused, match="not a public address"):
        http_get(server.url(f"/to?{target}", "calendar.example"), timeout=2, allow_private=False)
    assert [p for p, _ in server.seen] == ["/feed.ics", f"/to?{target}"]


def test_a_relative_redirect_is_resolved_against_the_current_url(server):
    assert http_get(server.url("/to?/hop/1"), allow_private=True) == b"arrived"
    assert [p for p, _ in server.seen] == ["/to?/hop/1", "/hop/1", "/hop/0"]


def test_credentials_are_not_sent_on_to_another_origin(server):
    other_origin = server.url("/hop/0", "localhost")  # localhost may try ::1 first: refused
    headers = {"Authorization": "Bearer feed-token", "Accept": "text/calendar"}
    http_get(server.url("/hop/1"), headers=headers, allow_private=True)
    http_get(server.url(f"/to?{other_origin}"), headers=headers, allow_private=True)

    sent = [(path, h.get("Authorization"), h.get("Accept")) for path, h in server.seen]
    assert sent == [
        ("/hop/1", "Bearer feed-token", "text/calendar"),
        ("/hop/0", "Bearer feed-token", "text/calendar"),
        (f"/to?{other_origin}", "Bearer feed-token", "text/calendar"),
        ("/hop/0", None, "text/calendar"),
    ]


@pytest.mark.parametrize("path", ["/slow", "/drip", "/drip-headers"])
def test_a_slow_server_fails_within_about_the_timeout(server, path):
    started = time.monotonic()
    with pytest.raises(OutboundFailed, match=r"No answer from 127\.0\.0\.1 within 0\.5 s"):
        http_get(server.url(path), timeout=0.5, allow_private=True)
    assert time.monotonic() - started < 3  # the server would take 5 s


@pytest.mark.parametrize("path", ["/endless", "/declared"])
def test_a_body_over_the_limit_fails_without_reading_it_all(server, path):
    with pytest.raises(OutboundFailed, match=r"is larger than 0\.1 MB"):
        http_get(server.url(path), max_bytes=100_000, allow_private=True)


def test_a_closed_port_fails():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(OutboundFailed, match="refused the connection"):
        http_get(f"http://127.0.0.1:{port}/feed.ics", timeout=2, allow_private=True)
    with pytest.raises(OutboundFailed, match="refused the connection"):
        http_post(f"http://127.0.0.1:{port}/", body=b"{}", headers={}, allow_private=True)


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_status_fails_with_the_status_in_the_message(server, status):
    with pytest.raises(OutboundFailed) as caught:
        http_get(server.url(f"/status/{status}"), allow_private=True)
    assert str(caught.value) == f"HTTP {status} from 127.0.0.1"


def test_post_returns_the_status_and_the_start_of_the_body(server):
    status, snippet = http_post(
        server.url("/hook"),
        body=b'{"event": "booking.created"}',
        headers={"Content-Type": "application/json"},
        allow_private=True,
    )
    assert (status, snippet) == (202, b"y" * 1000)
    path, body, headers = server.seen[0]
    assert body == b'{"event": "booking.created"}'
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == outbound.POST_USER_AGENT


def test_post_reads_a_dripping_answer_only_until_its_deadline(server):
    started = time.monotonic()
    status, snippet = http_post(
        server.url("/drip-hook"), body=b"{}", headers={}, timeout=0.5, allow_private=True
    )
    assert status == 200 and 0 < len(snippet) < 50  # what came before the deadline
    assert time.monotonic() - started < 3  # the server would take 5 s


def test_a_post_whose_headers_drip_past_the_deadline_is_a_timeout_not_a_200(server):
    with pytest.raises(OutboundFailed, match=r"No answer from 127\.0\.0\.1 within 0\.5 s"):
        http_post(
            server.url("/drip-headers"), body=b"{}", headers={}, timeout=0.5, allow_private=True
        )


def test_post_returns_a_redirect_as_is_without_following_it(server):
    status, _ = http_post(server.url("/elsewhere"), body=b"{}", headers={}, allow_private=True)
    assert status == 302
    assert [entry[0] for entry in server.seen] == ["/elsewhere"]


def test_post_refuses_a_private_address():
    with pytest.raises(OutboundRefused):
        http_post("http://169.254.169.254/", body=b"{}", headers={}, allow_private=False)


CLOUD = {
    "HOTEL_STAGE": "prod",
    "DJANGO_SECRET_KEY": "s" * 50,
    "DJANGO_ALLOWED_HOSTS": "h.example",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
}
PRINT = "import hotel.settings as s; print(s.HOTEL_OUTBOUND_ALLOW_PRIVATE)"


def test_private_addresses_are_refused_by_the_cloud_settings_and_allowed_locally(monkeypatch):
    monkeypatch.delenv("HOTEL_OUTBOUND_ALLOW_PRIVATE", raising=False)
    turned_on = fresh_python(PRINT, **CLOUD, HOTEL_OUTBOUND_ALLOW_PRIVATE="1")
    assert turned_on.returncode != 0
    assert "HOTEL_OUTBOUND_ALLOW_PRIVATE must be off in the prod stage" in turned_on.stderr
    cloud = fresh_python(PRINT, **CLOUD)
    assert (cloud.returncode, cloud.stdout.strip()) == (0, "False"), cloud.stderr
    local = fresh_python(PRINT, HOTEL_STAGE="local")
    assert (local.returncode, local.stdout.strip()) == (0, "True"), local.stderr
