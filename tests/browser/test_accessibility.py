"""WCAG 2.2 AA on the guest site, checked by axe-core (the npm package, run inside chromium):
every guest page, in every language, on a desktop and on a 360 px phone, has no violation.

axe is injected into each page after it loaded; the context bypasses the site's
Content-Security-Policy for that one inline script only (the pages themselves are served
as guests get them). Each failure names the rule, its impact, the page and the elements.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from hotel.demo_profile import seed_demo_profile

from .conftest import DESKTOP
from .test_guest_flow import hotel_rooms, serve_media  # noqa: F401  (a fixture)
from .test_guest_site_narrow import a_booking, guest_pages

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE_360 = {"width": 360, "height": 780}
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }""",
        TAGS,
    )


@pytest.mark.usefixtures("hotel_rooms")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_360], ids=["desktop", "phone-360"])
def test_every_guest_page_in_every_language_has_no_wcag_violation(browser, live_app, viewport):
    assert AXE.exists(), "npm ci installs axe-core (package.json)"
    context = browser.new_context(viewport=viewport, base_url=live_app, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    serve_media(page)
    seed_demo_profile(now=datetime.now(UTC), log=lambda _msg: None)  # its photos and map too
    manage = a_booking()
    found = []
    for language in LANGUAGES:
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        for step, url in guest_pages(manage).items():
            page.goto(prefix + url)
            page.wait_for_load_state("load")
            for v in violations(page):
                found.append(
                    f"{language} {step} {v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
                )
    context.close()
    assert found == [], "\n".join(found)
