"""The address of the client behind a request, for per-client limits (holds, lookups).

REMOTE_ADDR by default: under Zappa it is already the viewer's address (Zappa takes the
last-but-one X-Forwarded-For hop, the one API Gateway saw before CloudFront's), and under
`make run` it is the socket's peer. Behind your own proxies set HOTEL_TRUSTED_PROXY_HOPS to
how many of them append to X-Forwarded-For: the address is then the hop that many places
from the right, the one the outermost trusted proxy saw. Hops further left are whatever the
client wrote and are never believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's address as a string ("unknown" when there is none)."""
    hops = settings.HOTEL_TRUSTED_PROXY_HOPS
    address = request.META.get("REMOTE_ADDR") or ""
    if hops > 0:
        forwarded = [
            h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address or "unknown"


def client_network(address: str) -> str:
    """The unit a limit counts: the address itself for IPv4, its /64 for IPv6 (one
    subscriber usually has a whole /64, so counting single IPv6 addresses counts nothing)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
