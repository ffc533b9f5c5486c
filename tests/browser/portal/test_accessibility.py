"""Every portal page in every language: no serious or critical axe-core violation, and a screenshot of each.

The screenshots land in var/screenshots/ (named portal-<page>-<language>.png); the README shows the main ones.
"""

from __future__ import annotations

import pytest

from tests.browser.portal.test_track import decided, filed
from tests.support.browser import serious_violations, shoot
from webapp.web.i18n import LANGUAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_portal_page_passes_axe_in_every_language(site, new_page, desk, lang):
    reference, code = filed(desk, lang)
    decided(desk, reference)
    page = new_page(locale=lang, width=1000)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, name
        assert page.locator("main h1").count() == 1, name
        if name != "not-found":
            assert page.locator(".error-page").count() == 0, name
        found[name] = serious_violations(page)
        shoot(page, f"portal-{name}-{lang}")

    assert page.goto(f"{site}/?lang={lang}").ok
    check("how-to-complain")
    assert page.locator(".steps li").count() == 5
    assert page.goto(f"{site}/complain").ok
    check("complain")
    page.fill("#f-complainant-email", "not-an-address")
    page.click("button[type=submit]")
    check("complain-errors")
    assert page.goto(f"{site}/track").ok
    check("track")
    page.fill("#f-reference", reference)
    page.fill("#f-code", "WRONG")
    page.click("button[type=submit]")
    check("track-refused")
    page.fill("#f-code", code)
    page.click("button[type=submit]")
    check("tracked-case")
    assert page.goto(f"{site}/track/case/withdraw").ok
    check("withdraw")
    page.goto(f"{site}/no-such-page")
    check("not-found")
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_portal_on_a_phone(site, new_page, desk):
    page = new_page(locale="fa", width=390)
    page.goto(f"{site}/?lang=fa")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
    shoot(page, "portal-how-to-complain-fa-phone")
    page.goto(f"{site}/complain")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "portal-complain-fa-phone")
