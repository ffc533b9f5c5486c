"""The case page in a browser: the diagram marks where the case waits and the path it took; the page
passes axe in English and Persian; without JavaScript the list of current tasks stands in for the diagram."""

from __future__ import annotations

import pytest

from tests.support.browser import serious_violations, shoot
from tests.support.staff_pages import sign_in_browser

pytestmark = pytest.mark.browser

MARKED = "g.djs-element[data-element-id={}]"


def _open(page, site, desk, ref, lang="en", errors=None):
    sign_in_browser(page, site, desk.service, "hana")
    if errors is not None:  # from here on: the sign-in page's missing favicon is not the case page's
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{site}/staff/cases/{ref}?lang={lang}")
    page.wait_for_selector("#case-diagram[data-ready=true]", timeout=15000)


def test_the_diagram_marks_the_current_task_and_the_path_taken(site, new_page, desk):
    ref = desk.acknowledged()
    desk.complete(ref, "assessment")  # now waiting at 'investigate'
    page = new_page(width=1366)
    errors: list[str] = []
    _open(page, site, desk, ref, errors=errors)
    assert "current" in page.locator(MARKED.format("investigate")).get_attribute("class").split()
    for done in ("start", "acknowledgement", "assess"):
        assert "done" in page.locator(MARKED.format(done)).get_attribute("class").split(), done
    assert "done" not in page.locator(MARKED.format("response")).get_attribute("class").split()
    # the flow out of 'acknowledge' that the case took is marked too
    done_flows = page.locator("g.djs-connection.done").count()
    assert done_flows >= 5
    # the deadline the investigation waits for is shown with its due time
    assert page.locator(".diagram-timer").count() >= 1
    assert page.locator(".bjs-powered-by").is_visible()
    assert page.locator("#case-diagram").get_attribute("dir") == "ltr"
    assert not errors, errors
    shoot(page, "staff-case-diagram")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_case_page_passes_axe(site, new_page, desk, lang):
    ref, _dispute = desk.escalated()
    page = new_page(locale=lang, width=1366)
    _open(page, site, desk, ref, lang)
    assert page.locator("html").get_attribute("lang") == lang
    found = serious_violations(page)
    shoot(page, f"staff-case-{lang}")
    assert not found, found


def test_without_javascript_the_list_of_current_tasks_remains(site, new_page, desk):
    ref = desk.acknowledged()
    page = new_page(javascript=False)
    sign_in_browser(page, site, desk.service, "hana")
    page.goto(f"{site}/staff/cases/{ref}")
    assert "Initial assessment" in page.locator("#current-tasks").inner_text()
    assert page.locator("#case-diagram").is_hidden()
