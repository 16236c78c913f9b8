"""Browser tier: the app served on loopback, driven by Playwright in Debian's chromium.

The app is served by tests/conftest.py's `live_app` from a thread of the test process, so it
shares the run's DynamoDB Local, localstripe and settings; tables are emptied before every test.
Screenshots go to artifacts/screenshots/<test name>/ (git-ignored): look at them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop on this thread; nothing here uses the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOTEL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def page_width(page) -> int:
    """The page's scroll width once it has loaded: layout forced while a stylesheet is still
    on its way (after a redirect, a JS navigation) is unstyled, 808 px on a 360 px phone.

    Measured inside one evaluate that first checks the document is complete and styled, and
    tried again when it is not, or when a navigation (the confirmation page refreshes itself
    while a payment settles) replaced the document mid-measure."""
    from playwright.sync_api import Error as PlaywrightError

    for _attempt in range(50):
        page.wait_for_load_state("load")
        try:
            width = page.evaluate(
                "document.readyState === 'complete' && document.styleSheets.length"
                " ? document.documentElement.scrollWidth : -1"
            )
        except PlaywrightError:  # the document went away under the measure
            width = -1
        if width >= 0:
            return width
        page.wait_for_timeout(100)
    raise AssertionError("the page never finished loading with its stylesheet")


def _new_page(browser, live_app, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_app)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return context, page


@pytest.fixture
def page(browser, live_app):
    """A desktop-sized page in a fresh browser context (own cookies); `page.js_errors` collects
    uncaught script errors."""
    context, page = _new_page(browser, live_app, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_app):
    """A phone-sized page (390 × 844) in a fresh browser context."""
    context, page = _new_page(browser, live_app, PHONE)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "01-home")` saves a full-page PNG under artifacts/screenshots/<test>/."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, step: str) -> Path:
        path = folder / f"{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
