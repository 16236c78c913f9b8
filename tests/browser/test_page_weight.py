"""What a phone downloads for the first view of the home, results and payment pages (HTML, CSS,
JS, images; lazy images below the fold are not fetched until scrolled to), with the demo
hotel's page and galleries: printed by kind, uncompressed and with the text gzipped as
CloudFront serves it. The check is a byte budget, never a time.

    make test ARGS="tests/browser/test_page_weight.py -s"   (or pytest … -s) prints the table.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from hotel.demo_profile import seed_demo_profile

from .conftest import _new_page
from .test_guest_flow import hotel_rooms, serve_media, stay  # noqa: F401  (a fixture)
from .test_guest_site_narrow import a_booking

PHONE_360 = {"width": 360, "height": 780}
BUDGET_KB = 250  # the first view of a page, uncompressed; a 3G phone fetches it in ~2 s
KINDS = {"document": "HTML", "stylesheet": "CSS", "script": "JS", "image": "images"}


def first_view(page, url: str) -> dict[str, tuple[int, int]]:
    """{kind: (bytes, gzipped bytes)} of what loading `url` fetched."""
    fetched: list = []

    def record(response):
        fetched.append(response)

    page.on("response", record)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    sizes: dict[str, tuple[int, int]] = {}
    for response in fetched:
        kind = KINDS.get(response.request.resource_type)
        if kind is None or response.status != 200:
            continue
        body = response.body()
        packed = len(gzip.compress(body)) if kind != "images" else len(body)
        raw, gz = sizes.get(kind, (0, 0))
        sizes[kind] = (raw + len(body), gz + packed)
    return sizes


@pytest.mark.usefixtures("hotel_rooms")
def test_first_views_on_a_phone_stay_in_budget(browser, live_app, capsys):
    seed_demo_profile(now=datetime.now(UTC), log=lambda _msg: None)
    context, page = _new_page(browser, live_app, PHONE_360)
    serve_media(page)
    check_in, check_out = stay()
    pages = {
        "home": "/",
        "results": f"/search?check_in={check_in}&check_out={check_out}&guests=2",
        "pay": a_booking().rstrip("/") + "/pay",
    }
    rows = []
    for name, url in pages.items():
        sizes = first_view(page, url)
        total = sum(raw for raw, _ in sizes.values())
        packed = sum(gz for _, gz in sizes.values())
        cells = [f"{sizes.get(k, (0, 0))[0] / 1024:.1f}" for k in KINDS.values()]
        rows.append(f"| {name} | {' | '.join(cells)} | {total / 1024:.1f} | {packed / 1024:.1f} |")
        assert sizes.get("HTML") and sizes.get("CSS"), f"{name}: the page did not load"
        assert total <= BUDGET_KB * 1024, f"{name}: {total / 1024:.1f} KB > {BUDGET_KB} KB"
    context.close()
    with capsys.disabled():
        print("\nfirst view on a 360 x 780 phone, KB (gzip: text compressed as served)")
        print("| page | HTML | CSS | JS | images | total | gzip |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        print("\n".join(rows))
