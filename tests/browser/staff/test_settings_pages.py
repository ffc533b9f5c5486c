"""Your settings and Change your password in a browser: axe in English and Persian, with screenshots."""

from __future__ import annotations

import pytest

from tests.support.browser import serious_violations, shoot
from tests.support.staff_pages import sign_in_browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_settings_and_password_pages_pass_axe(site, new_page, desk, lang):
    page = new_page(locale=lang, width=1366)
    sign_in_browser(page, site, desk.service, "hana")
    page.goto(f"{site}/staff/settings?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    found = {"settings": serious_violations(page)}
    shoot(page, f"staff-settings-{lang}")
    page.goto(f"{site}/staff/password")
    page.fill("#f-current", "not my password")
    page.fill("#f-new", "short")
    page.click("form.panel button[type=submit]")
    assert page.locator("#f-current-error").is_visible()
    found["password-errors"] = serious_violations(page)
    shoot(page, f"staff-password-{lang}")
    assert not any(found.values()), found
