"""A real HTTP server for channel calendars: tests put an answer at a path (a body, a
status, a delay) and change it between syncs, as an OTA's export changes."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from bookings.clock import hotel_today


@dataclass
class Answer:
    body: bytes
    status: int = 200
    delay: float = 0.0
    content_type: str = "text/calendar; charset=utf-8"


class CalendarServer:
    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                answer = server.answers.get(self.path, Answer(b"not found", 404))
                time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def put(self, path: str, body: bytes | str, **answer) -> str:
        self.answers[path] = Answer(body.encode() if isinstance(body, str) else body, **answer)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def calendars():
    server = CalendarServer()
    yield server
    server.close()


def day(offset: int) -> date:
    """Today (the hotel's) plus `offset` days."""
    return hotel_today(timezone.now()) + timedelta(days=offset)


def ics(*events: tuple, prodid: str = "-//Airbnb Inc//Hosting Calendar 1.0//EN") -> str:
    """A calendar of (uid, first night offset, nights, summary[, description]) events, in
    all-day dates like Airbnb's export."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN"]
    for uid, start, nights, summary, *rest in events:
        first, last = day(start), day(start + nights)
        lines += [
            "BEGIN:VEVENT",
            "DTSTAMP:20261201T000000Z",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last:%Y%m%d}",
            f"SUMMARY:{summary}",
            f"UID:{uid}",
        ]
        if rest:
            lines.append(f"DESCRIPTION:{rest[0]}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
