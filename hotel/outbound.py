"""Outbound HTTP to addresses staff register: iCalendar feeds (GET) and webhooks (POST).

A URL typed by staff is fetched from inside our network, so it must not reach what only that
network can: the metadata service (169.254.169.254), the VPC's private addresses, loopback.
Each hop's host is resolved once, every address must be public, and the connection goes to
the checked address (Host header, TLS SNI and certificate check carry the original name), so
DNS rebinding between check and connection cannot move us. Redirects are followed here, hop
by hop, never by urllib3; credential headers are dropped when the origin changes.
HOTEL_OUTBOUND_ALLOW_PRIVATE (on in local/test only) lets a calendar server on the machine in.

Each hop has one deadline for connect, headers and body: every read waits at most what is
left, and a watchdog shuts the sockets when it passes (a server dripping its headers byte by
byte would otherwise stretch the hop: urllib3 times each read, not the header block).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError, SSLError
from urllib3.exceptions import TimeoutError as UrllibTimeout

MAX_URL_LENGTH = 2000
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
GET_USER_AGENT = "hotel-calendar-sync/1"
POST_USER_AGENT = "hotel-webhooks/1"
POST_SNIPPET_BYTES = 1000
_CHUNK = 64 * 1024
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_PATH_SAFE = "!$%&'()*+,/:;=?@[]~"  # keeps %-escapes as they are; encodes non-ASCII


class OutboundRefused(Exception):
    """The URL may not be fetched: its form, its scheme, or an address its host resolves to."""


class OutboundFailed(Exception):
    """The fetch went wrong: network, timeout, HTTP status, size, or too many redirects."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII name or IP literal, without brackets
    port: int
    host_header: str
    path: str  # path and query as sent
    addresses: tuple[str, ...]  # every one checked


def check_url(url: str, *, allow_private: bool | None = None) -> str:
    """Return `url` if it may be fetched: http(s), a host, no credentials, at most 2000
    characters, and (unless private addresses are allowed) a host whose every address is
    public. Raise OutboundRefused, also when the host does not resolve."""
    try:
        _target(url, _allowed(allow_private))
    except OutboundFailed as exc:
        raise OutboundRefused(str(exc)) from exc
    return url


def http_get(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 2_000_000,
    allow_private: bool | None = None,
    headers: dict | None = None,
) -> bytes:
    """GET `url`, following at most 3 redirects (each hop checked), and return the body.
    Raise OutboundRefused for a URL that may not be fetched, OutboundFailed for a network
    error, no answer within `timeout` seconds (per hop), HTTP status >= 400, a body over
    `max_bytes`, or too many redirects."""
    allow = _allowed(allow_private)
    sent = {"User-Agent": GET_USER_AGENT, **(headers or {})}
    for _hop in range(MAX_REDIRECTS + 1):
        target = _target(url, allow)
        deadline = time.monotonic() + timeout
        with _exchange(target, "GET", headers=sent, body=None, timeout=timeout) as (
            response,
            watchdog,
        ):
            status = response.status
            if status in REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise OutboundFailed(f"HTTP {status} from {target.host} without a Location")
            elif status >= 400:
                raise OutboundFailed(f"HTTP {status} from {target.host}")
            else:
                return _read_body(response, target, max_bytes, timeout, deadline, watchdog)
        next_url = urljoin(url, location.strip())
        if urlsplit(next_url)[:2] != urlsplit(url)[:2]:
            sent = {k: v for k, v in sent.items() if k.lower() not in _CREDENTIAL_HEADERS}
        url = next_url
    raise OutboundFailed(f"More than {MAX_REDIRECTS} redirects, the last from {target.host}")


def http_post(
    url: str,
    *,
    body: bytes,
    headers: dict,
    timeout: float = 10.0,
    allow_private: bool | None = None,
) -> tuple[int, bytes]:
    """POST `body` to `url` once (no retry, no redirect followed: a 3xx is returned as is)
    and return (status, the first 1,000 bytes of the answer's body). A body cut short does
    not fail the call: the status is the answer. Raise OutboundRefused for a URL that may not
    be fetched, OutboundFailed for a network error or no answer within `timeout` seconds."""
    target = _target(url, _allowed(allow_private))
    deadline = time.monotonic() + timeout
    sent = {"User-Agent": POST_USER_AGENT, **headers}
    with _exchange(target, "POST", headers=sent, body=body, timeout=timeout) as (
        response,
        watchdog,
    ):
        if watchdog.fired:  # headers ended by the watchdog, not by the server: no answer
            raise _failure(TimeoutError(), target, timeout)
        snippet = b""
        with suppress(HTTPError, OSError, ValueError):  # each read waits until the deadline
            while len(snippet) < POST_SNIPPET_BYTES and (
                chunk := _wait_until(response, deadline).read1(POST_SNIPPET_BYTES - len(snippet))
            ):
                snippet += chunk
        return response.status, snippet


def _allowed(allow_private: bool | None) -> bool:
    if allow_private is not None:
        return allow_private
    return bool(getattr(settings, "HOTEL_OUTBOUND_ALLOW_PRIVATE", False))


def _target(url: str, allow_private: bool) -> _Target:
    """Parse, resolve and check one hop. Raise OutboundRefused, or OutboundFailed when the
    host does not resolve (that may pass)."""
    if not url:
        raise OutboundRefused("No URL given.")
    if len(url) > MAX_URL_LENGTH:
        raise OutboundRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise OutboundRefused("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(f"The URL is not valid ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise OutboundRefused(f"Only http:// and https:// URLs are allowed, not {scheme!r}.")
    if "@" in parts.netloc:
        raise OutboundRefused("The URL must not contain a user name or password (user:pass@).")
    if not parts.hostname:
        raise OutboundRefused("The URL has no host name.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise OutboundRefused(f"The host name {parts.hostname} is not valid.") from exc
    default_port = 443 if scheme == "https" else 80
    host_header = f"[{host}]" if ":" in host else host
    if port and port != default_port:
        host_header += f":{port}"
    port = port or default_port
    addresses = _resolve(host, port)
    if not allow_private:
        for address in addresses:
            if not _is_public(ipaddress.ip_address(address)):
                where = host if address == host else f"{host} resolves to {address}, which"
                raise OutboundRefused(f"{where} is not a public address.")
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE)
    return _Target(scheme, host, port, host_header, path, addresses)


def _resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise OutboundFailed(f"The host {host} cannot be found.") from exc
    addresses: list[str] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # connect over IPv4 to the address that is checked
        if str(ip) not in addresses:
            addresses.append(str(ip))
    return tuple(addresses)


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable and not special. `is_global` already leaves out CGNAT 100.64/10 and
    6to4 and (Python 3.13) judges an IPv4-mapped address by its IPv4 one; NAT64 (all of it
    "reserved") is judged by its IPv4 address, so an IPv6-only network still reaches feeds."""
    if ip.version == 6 and ip in _NAT64:
        return _is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    special = ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
    return ip.is_global and not (special or ip.is_reserved or ip.is_unspecified)


class _Watchdog:
    """Shuts the call's sockets when its time is up. urllib3 times each read, not the whole
    answer, so a server dripping its headers byte by byte could hold a call for as long as it
    likes; this ends it at `seconds`, and `fired` says why it ended (an answer cut short by it
    is a timeout, never a complete answer)."""

    def __init__(self, seconds: float):
        self.fired = False
        self._connections: list = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def watch(self, pool: urllib3.HTTPConnectionPool) -> urllib3.HTTPConnectionPool:
        make = pool._new_conn  # every connection the pool opens for this call

        def tracked():
            connection = make()
            self._connections.append(connection)
            return connection

        pool._new_conn = tracked  # type: ignore[method-assign]
        return pool

    def _fire(self) -> None:
        self.fired = True
        for connection in self._connections:
            if (sock := getattr(connection, "sock", None)) is not None:
                with suppress(OSError):
                    # The plain socket's shutdown: an SSLSocket's own would unwrap it under
                    # a read in progress (ValueError there instead of a clean end).
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


@contextmanager
def _exchange(
    target: _Target, method: str, *, headers: dict, body: bytes | None, timeout: float
) -> Iterator[tuple[urllib3.BaseHTTPResponse, _Watchdog]]:
    """Send one request to the checked addresses in turn (the next only when one refuses the
    connection); yield the response, its headers read, and the call's watchdog (all of it,
    connect, headers and body, ends at `timeout`); close everything after."""
    refused: Exception | None = None
    with _Watchdog(timeout) as watchdog:
        for address in target.addresses:
            if watchdog.fired:
                break
            pool = watchdog.watch(_pool(target, address, timeout))
            sent = {**headers, "Host": target.host_header}
            try:
                response = pool.urlopen(
                    method,
                    target.path,
                    body=body,
                    headers=sent,
                    redirect=False,
                    preload_content=False,
                )
            except NewConnectionError as exc:
                pool.close()
                refused = exc
                continue
            except HTTPError as exc:
                pool.close()
                raise _failure(TimeoutError() if watchdog.fired else exc, target, timeout) from exc
            try:
                yield response, watchdog
            finally:
                response.close()
                pool.close()
            return
        raise _failure(TimeoutError() if watchdog.fired else refused, target, timeout)


def _pool(target: _Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
    options = {"timeout": timeout, "maxsize": 1, "retries": False}
    if target.scheme == "http":
        return urllib3.HTTPConnectionPool(address, target.port, **options)
    tls = {"server_hostname": target.host, "assert_hostname": target.host}
    return urllib3.HTTPSConnectionPool(
        address, target.port, ca_certs=certifi.where(), **tls, **options
    )


def _read_body(
    response, target: _Target, max_bytes: int, timeout: float, deadline: float, watchdog
) -> bytes:
    too_big = OutboundFailed(f"The answer from {target.host} is larger than {_size(max_bytes)}")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_big
    body = bytearray()
    try:
        while chunk := _wait_until(response, deadline).read1(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise too_big
    except (HTTPError, OSError) as exc:
        raise _failure(TimeoutError() if watchdog.fired else exc, target, timeout) from exc
    if watchdog.fired:  # the end of the body may be the watchdog's doing: not an answer
        raise _failure(TimeoutError(), target, timeout)
    return bytes(body)


def _wait_until(response, deadline: float):
    """Let the next read of `response` wait only until `deadline` (urllib3 gives the socket a
    timeout per read); raise TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if (sock := getattr(response.connection, "sock", None)) is not None:
        sock.settimeout(left)
    return response


def _failure(exc: Exception | None, target: _Target, timeout: float) -> OutboundFailed:
    host = target.host
    if isinstance(exc, NewConnectionError):  # before timeouts: urllib3 makes it a subclass
        return OutboundFailed(f"{host} refused the connection or cannot be reached")
    if isinstance(exc, (UrllibTimeout, TimeoutError)):
        return OutboundFailed(f"No answer from {host} within {timeout:g} s")
    if isinstance(exc, SSLError):
        return OutboundFailed(f"The secure connection to {host} failed (certificate or TLS)")
    if isinstance(exc, ProtocolError):
        return OutboundFailed(f"The connection to {host} broke off")
    return OutboundFailed(f"Could not fetch from {host} ({type(exc).__name__})")


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 100_000 else f"{n:,} bytes"
