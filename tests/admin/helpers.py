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
