"""Small helpers for admin tests: test images and reading list pages."""

from __future__ import annotations

import html
import io
import re

from PIL import Image


def png_bytes(size=(8, 6), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def next_link(content: bytes) -> str | None:
    match = re.search(rb'<a href="([^"]*)" class="showall" rel="next">', content)
    return html.unescape(match.group(1).decode()) if match else None


def room_ids(content: bytes) -> list[str]:
    return [
        html.unescape(m.decode())
        for m in re.findall(rb'name="_selected_action" value="([^"]*)"', content)
    ]


def record_reads(monkeypatch, model) -> list[tuple[str, str | None]]:
    """Spy on `model.query` / `model.scan`: record (kind, index name) and still run them."""
    calls: list[tuple[str, str | None]] = []
    real_query, real_scan = model.query, model.scan

    def query(hash_key, *args, **kwargs):
        calls.append(("query", kwargs.get("index_name")))
        return real_query(hash_key, *args, **kwargs)

    def scan(*args, **kwargs):
        calls.append(("scan", kwargs.get("index_name")))
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(model, "query", query)
    monkeypatch.setattr(model, "scan", scan)
    return calls


def settle_bill(booking_id: str, *, method: str = "cash") -> int:
    """Pay what the booking's bill says the guest owes (a desk payment), as the front desk
    does before a check-out; returns the amount paid (0 when nothing was owed)."""
    from django.utils import timezone

    from payments.folio.desk import folio_payment
    from payments.folio.services import folio_sync

    now = timezone.now()
    balance = folio_sync(booking_id=booking_id, now=now).balance
    if balance > 0:
        folio_payment(
            booking_id=booking_id,
            amount=balance,
            method=method,
            reference="test",
            actor="desk@staff.test",
            now=now,
        )
    return max(balance, 0)


def fresh_python(code: str, *args: str, **env: str):
    """Run `code` in a new interpreter of this venv, from the repository, with `env` added to
    this process's environment; the CompletedProcess (text output, not checked). For what
    only a fresh process shows: what start-up imports, settings read at import."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "PYTHONPATH": str(repo), **env},
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
