"""A complainant follows a complaint: opens it with the typed code, reads it, sends information, answers the
decision (accepts, or rejects with reasons) or withdraws it."""

from __future__ import annotations

import re

import pytest

from engine.complaints import intake, tracking
from engine.complaints.settings import TrackingSettings
from engine.letters.sender import send_due
from engine.letters.transport import SmtpTransport
from tests.support.browser import shoot

pytestmark = pytest.mark.browser


def filed(desk, language: str = "en") -> tuple[str, str]:
    """A complaint made by the public (as the portal and the API make it): its reference and case code."""
    made = intake.submit(
        desk.service,
        {
            "complainant": {"name": "Ada Lovelace", "email": "ada@example.org", "language": language},
            "description": "The monthly account fee was taken twice in October.",
            "category": "fees_and_charges",
            "jurisdiction": "GB-ENG",
        },
        None,
    )
    return made["reference"], made["case_code"]


def open_case(page, site: str, reference: str, code: str) -> None:
    page.goto(site + "/track")
    page.fill("#f-reference", reference.lower())  # typed from a letter: case does not matter
    page.fill("#f-code", code)
    page.click("button[type=submit]")
    page.wait_for_url(site + "/track/case")


def test_a_wrong_code_and_an_unknown_reference_look_the_same(site, new_page, desk):
    reference, code = filed(desk)
    page = new_page()
    answers = []
    for typed_reference, typed_code in ((reference, "WRONG-CODE"), ("CMP-2026-NOSUCH00", code)):
        page.goto(site + "/track")
        page.fill("#f-reference", typed_reference)
        page.fill("#f-code", typed_code)
        page.click("button[type=submit]")
        answers.append(page.locator(".error-summary").inner_text())
        assert page.input_value("#f-reference") == typed_reference
    assert answers[0] == answers[1]
    shoot(page, "portal-track-refused-en")


def test_the_complainant_sees_status_and_sends_information(site, new_page, desk):
    reference, code = filed(desk, "fa")
    desk.complete(reference, "acknowledgement")
    page = new_page(locale="fa-IR")
    open_case(page, site, reference, code)
    assert reference in page.inner_text("h1")
    assert page.locator("#status").is_visible()
    # the session cookie carries the case: no secret in the address
    assert code not in page.url and reference not in page.url
    cookie = next(c for c in page.context.cookies() if c["name"] == "redressal_session")
    assert cookie["httpOnly"] and cookie["secure"]
    shoot(page, "portal-tracked-case-fa")

    page.set_input_files(
        "#f-evidence",
        files=[
            {"name": "receipt.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}
        ],
    )
    page.click("form[action='/track/case/evidence'] button")
    assert "receipt.png" in page.locator("#evidence + ul").inner_text()


def test_the_complainant_accepts_the_decision(site, new_page, desk):
    reference, code = filed(desk)
    decided(desk, reference)
    page = new_page()
    open_case(page, site, reference, code)
    assert page.locator("#decision").is_visible()
    assert page.locator("#status").inner_text().strip() == "Waiting for you"
    shoot(page, "portal-decision-en")
    page.click("text=Yes, I accept the decision")
    assert page.locator(".notice--success").is_visible()
    assert desk.state(reference)[0] == "open"  # no longer waiting for the complainant: being closed
    assert tracking.view(desk.service, reference)["allowed_messages"] == ["withdraw"]
    assert page.locator("#answer").count() == 0  # nothing left to answer


def test_the_complainant_rejects_with_reasons_and_an_empty_reason_is_refused(site, new_page, desk):
    reference, code = filed(desk)
    decided(desk, reference)
    page = new_page(javascript=False)
    open_case(page, site, reference, code)
    page.click("text=I do not accept the decision")
    assert page.locator(".error-summary").is_visible()
    page.fill("#f-text-reject", "One refund is not enough: the fee was taken twice for three months.")
    page.click("text=I do not accept the decision")
    assert page.locator(".notice--success").is_visible()
    assert desk.case(reference).status == "escalated"


def test_the_complainant_withdraws_after_confirming(site, new_page, desk):
    reference, code = filed(desk)
    page = new_page()
    open_case(page, site, reference, code)
    page.click("text=Withdraw my complaint")
    shoot(page, "portal-withdraw-en")
    page.fill("#f-text-withdraw", "The branch refunded the fee.")
    page.click("button:has-text('Yes, withdraw my complaint')")
    assert page.locator(".notice--success").is_visible()
    assert desk.case(reference).status == "withdrawn"
    assert page.locator("#status").inner_text().strip() == "Withdrawn"


def decided(desk, reference: str) -> None:
    desk.complete(reference, "acknowledgement")
    desk.complete(reference, "assessment")
    desk.complete(reference, "investigation")
    desk.complete(reference, "response")
    desk.complete(reference, "decision_letter")


def test_a_letters_link_opens_the_complaint_once_and_the_letter_reads_on_the_page(site, new_page, desk, smtp):
    reference, _code = filed(desk, "vi")
    desk.complete(reference, "acknowledgement")
    collector, port = smtp
    transport = SmtpTransport("127.0.0.1", port, from_addr="Complaints <complaints@bank.example>", timeout=5)
    assert send_due(desk.service.db, desk.clock, transport, tracking=TrackingSettings.from_env()) == 1
    [mail] = collector.messages
    [token] = re.findall(r"/track/open/([A-Za-z0-9_-]+)", mail.get_content())

    page = new_page(locale="vi-VN")
    page.goto(f"{site}/track/open/{token}")
    assert page.url == f"{site}/track/case"  # the token is gone from the address
    assert reference in page.inner_text("h1")
    letter = page.locator("details.panel").first
    letter.locator("summary").click()
    assert reference in letter.locator(".letter").inner_text()
    assert letter.locator(".letter").get_attribute("lang") == "vi"
    shoot(page, "portal-tracked-case-letter-vi")

    again = new_page(locale="vi-VN")
    again.goto(f"{site}/track/open/{token}")
    assert again.url == f"{site}/track"
    assert again.locator(".notice--warning").is_visible()
