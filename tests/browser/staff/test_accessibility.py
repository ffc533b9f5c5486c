"""The staff pages in English and Persian: no serious or critical axe-core violation, and a screenshot each.

Screenshots land in var/screenshots/ as staff-<page>-<language>.png.
"""

from __future__ import annotations

import pytest

from tests.support.browser import serious_violations, shoot
from tests.support.staff_pages import browser_sign_in, with_password

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_staff_pages_pass_axe(site, new_page, desk, lang):
    with_password(desk, "hana")
    refs = [desk.file(), desk.file(subject="Card declined abroad")]
    desk.wait(days=2)  # the first acknowledgement is overdue by now
    task_id = desk.task(refs[0], "acknowledgement").id
    desk.service.claim_task(task_id, desk.handler)
    page = new_page(locale=lang, width=1100)
    browser_sign_in(page, site, "hana")
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, name
        found[name] = serious_violations(page)
        shoot(page, f"staff-{name}-{lang}")

    page.goto(f"{site}/staff/inbox?lang={lang}")
    check("inbox")
    page.goto(f"{site}/staff/tasks/{task_id}")
    check("task")
    page.click("#task-form button[type=submit]")
    check("task-errors")
    page.goto(f"{site}/staff/complaints/new")
    check("log-complaint")
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_inbox_on_a_phone(site, new_page, desk):
    with_password(desk, "hana")
    desk.file()
    page = new_page(locale="fa", width=390)
    browser_sign_in(page, site, "hana")
    page.goto(f"{site}/staff/inbox?lang=fa")
    shoot(page, "staff-inbox-fa-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox scrolls sideways on a phone: {width}px"
