"""A handler's day in the browser: claim from the inbox with htmx, complete a task, see the next one."""

from __future__ import annotations

import re

import pytest

from tests.support.builders import make_user
from tests.support.staff_pages import browser_sign_in, with_password

pytestmark = pytest.mark.browser


def _fill_acknowledgement(page, channel: str = "email") -> None:
    if channel:
        page.select_option("#f-acknowledgement_channel", channel)
    page.fill("#f-acknowledged_at", "2026-11-23T10:00")
    page.fill("#f-handler_contact", "Hana Ito, 0300 123 4567")
    page.fill("#f-acknowledgement_notes", "Sent with the leaflet.\nCalled as well.")


def test_a_handler_claims_in_the_inbox_completes_the_acknowledgement_and_sees_the_next_task(
    site, new_page, desk
):
    with_password(desk, "hana")
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    page = new_page(locale="en-GB")
    browser_sign_in(page, site, "hana")
    assert page.url.endswith("/staff/inbox")
    row = page.locator(f"#task-{task_id}")
    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name=re.compile("^Claim")).click()
    page.locator(f"#task-{task_id} .row-notice").wait_for()
    assert page.evaluate("window.notReloaded === true")  # htmx swapped the row; the page stayed
    assert "You hold it" in row.inner_text()
    assert desk.task(ref, "acknowledgement").assignee == "hana"

    row.get_by_role("link", name="Acknowledge complaint").click()
    page.wait_for_url(re.compile(f"/staff/tasks/{task_id}$"))
    assert "You hold this task." in page.inner_text("#task-holder")
    _fill_acknowledgement(page)
    page.click("#task-form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/tasks/(?!" + task_id + ")[^/]+$"))
    assert f"is done for {ref}" in page.inner_text(".flashes")
    next_task = next(t for t in desk.case(ref).tasks if t.id != task_id)
    assert page.url.endswith(f"/staff/tasks/{next_task.id}")
    assert next_task.name in page.inner_text("h1")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_task_form_keeps_every_value(site, new_page, desk, javascript):
    with_password(desk, "hana")
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    page = new_page(locale="en-GB", javascript=javascript)
    browser_sign_in(page, site, "hana")
    page.goto(f"{site}/staff/tasks/{task_id}")
    _fill_acknowledgement(page, channel="")
    page.click("#task-form button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a").get_attribute("href") == "#f-acknowledgement_channel"
    channel = page.locator("#f-acknowledgement_channel")
    assert channel.get_attribute("aria-invalid") == "true"
    assert "f-acknowledgement_channel-error" in channel.get_attribute("aria-describedby")
    assert page.input_value("#f-acknowledged_at") == "2026-11-23T10:00"
    assert page.input_value("#f-handler_contact") == "Hana Ito, 0300 123 4567"
    assert page.input_value("#f-acknowledgement_notes") == "Sent with the leaflet.\nCalled as well."
    if javascript:
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        # a field checked on leaving it does not pull the focus back to the summary
        page.fill("#f-handler_contact", "Hana Ito")
        with page.expect_response(lambda answer: answer.url.endswith("/check")):
            page.press("#f-handler_contact", "Tab")
        page.wait_for_timeout(100)
        assert page.evaluate("document.activeElement.id") == "f-acknowledgement_notes"


def test_two_handlers_claim_the_same_task_one_wins_the_other_is_told(site, new_page, desk):
    with_password(desk, "hana")
    make_user(desk.service, "hugo", "handlers")
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    hana, hugo = new_page(locale="en-GB"), new_page(locale="en-GB")
    browser_sign_in(hana, site, "hana")
    browser_sign_in(hugo, site, "hugo")
    claim = re.compile("^Claim")
    hana.locator(f"#task-{task_id}").get_by_role("button", name=claim).click()
    hana.locator(f"#task-{task_id} .row-notice").wait_for()
    hugo.locator(f"#task-{task_id}").get_by_role("button", name=claim).click()  # his page is out of date
    notice = hugo.locator(f"#task-{task_id} .row-notice")
    notice.wait_for()
    assert notice.inner_text() == "hana claimed this task first; it is theirs now."
    assert notice.get_attribute("role") == "alert"
    assert "Held by hana" in hugo.locator(f"#task-{task_id}").inner_text()
    assert desk.task(ref, "acknowledgement").assignee == "hana"


def test_leaving_an_emptied_field_shows_its_error_at_once(site, new_page, desk):
    with_password(desk, "hana")
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    page = new_page(locale="en-GB")
    browser_sign_in(page, site, "hana")
    page.goto(f"{site}/staff/tasks/{task_id}")
    page.fill("#f-handler_contact", "Hana")
    with page.expect_response(lambda answer: answer.url.endswith("/check")):
        page.press("#f-handler_contact", "Tab")
    page.wait_for_timeout(100)  # htmx settles the swapped field
    assert page.locator(".field-error").count() == 0
    page.fill("#f-handler_contact", "")
    page.press("#f-handler_contact", "Tab")
    error = page.locator("#f-handler_contact-error")
    error.wait_for()
    assert "Enter this information; it is needed." in error.inner_text()
    assert "f-handler_contact-error" in page.get_attribute("#f-handler_contact", "aria-describedby")
    assert page.locator(".field-error").count() == 1  # the fields not yet reached stay quiet
