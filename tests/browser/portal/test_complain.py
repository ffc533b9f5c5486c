"""A complainant files a complaint through the pages in Persian and Vietnamese, JavaScript on and off."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.cases.tables import Case
from tests.support.browser import shoot

pytestmark = pytest.mark.browser

WORDS = {
    "fa": ("مریم احمدی", "کارمزد ماهانه دو بار از حساب من کسر شد."),
    "vi": ("Nguyễn Thị Lan", "Phí tài khoản hàng tháng bị trừ hai lần trong tháng Mười."),
}
REFERENCE = re.compile(r"[A-Z]+-\d{4}-[0-9A-Z]+")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["fa", "vi"])
def test_a_complaint_filed_in_the_complainants_language_gets_its_reference_and_code(
    site, new_page, desk, lang, javascript
):
    page = new_page(locale={"fa": "fa-IR", "vi": "vi-VN"}[lang], javascript=javascript)
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
    page.click("a[href='/complain']")
    name, description = WORDS[lang]
    page.fill("#f-complainant-name", name)
    page.fill("#f-complainant-email", "lan@example.org")
    page.fill("#f-description", description)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/complain/done$"))
    reference = page.inner_text("#reference").strip()
    assert REFERENCE.fullmatch(reference), reference
    assert page.inner_text("#case-code").strip()
    shoot(page, f"portal-complaint-made-{lang}-{'js' if javascript else 'nojs'}")

    case = desk.case(reference)
    assert case.status == "open"
    assert case.data["complainant"]["name"] == name
    assert case.data["complainant"]["language"] == lang  # chosen from the page's language
    assert case.data["channel"] == "web"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_submission_keeps_every_value_and_names_each_problem(site, new_page, desk, javascript):
    page = new_page(locale="en-GB", javascript=javascript)
    page.goto(site + "/complain")
    page.fill("#f-complainant-name", "Ada Lovelace")
    page.fill("#f-complainant-email", "ada-at-example")
    page.select_option("#f-category", "fees_and_charges")
    page.check("#f-agreements-contact_by-1")
    page.fill("#f-description", "Too short")
    page.fill("#f-remedy_sought", "Refund the fee.\nAnd an apology.")
    page.click("button[type=submit]")

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    links = summary.locator("a")
    assert links.count() == 2
    assert {links.nth(i).get_attribute("href") for i in range(2)} == {
        "#f-complainant-email",
        "#f-description",
    }
    if javascript:  # the summary takes the focus, so a screen reader announces it
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    email = page.locator("#f-complainant-email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "f-complainant-email-error" in email.get_attribute("aria-describedby")
    assert page.input_value("#f-complainant-name") == "Ada Lovelace"
    assert page.input_value("#f-complainant-email") == "ada-at-example"
    assert page.input_value("#f-category") == "fees_and_charges"
    assert page.is_checked("#f-agreements-contact_by-1")
    assert page.input_value("#f-remedy_sought") == "Refund the fee.\nAnd an apology."
    shoot(page, f"portal-complain-errors-en-{'js' if javascript else 'nojs'}")

    page.fill("#f-complainant-email", "ada@example.org")
    page.fill("#f-description", "The monthly fee was taken twice in October.")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/complain/done$"))
    case = desk.case(page.inner_text("#reference").strip())
    assert case.data["category"] == "fees_and_charges"
    assert case.data["agreements"]["contact_by"] == ["email"]
    assert case.data["remedy_sought"] == "Refund the fee.\nAnd an apology."


def test_a_refused_evidence_file_is_named_and_nothing_typed_is_lost(site, new_page, desk, tmp_path):
    program = tmp_path / "statement.exe"
    program.write_bytes(b"MZ\x90\x00 not a statement")
    page = new_page()
    page.goto(site + "/complain")
    page.fill("#f-complainant-email", "ada@example.org")
    page.fill("#f-description", "The monthly fee was taken twice in October.")
    page.set_input_files("#f-evidence", str(program))
    page.click("button[type=submit]")

    error = page.locator("#f-evidence-error")
    assert "statement.exe" in error.inner_text()
    assert page.input_value("#f-description") == "The monthly fee was taken twice in October."
    assert page.input_value("#f-complainant-email") == "ada@example.org"
    assert case_count(desk) == 0  # nothing was started
    shoot(page, "portal-complain-refused-file-en")

    statement = tmp_path / "statement.pdf"
    statement.write_bytes(b"%PDF-1.4\n% a bank statement\n")
    page.set_input_files("#f-evidence", str(statement))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/complain/done$"))
    reference = page.inner_text("#reference").strip()
    assert [a.name for a in desk.case(reference).attachments] == ["statement.pdf"]


def case_count(desk) -> int:
    with desk.service.db.reading() as conn:
        return conn.scalar(select(func.count()).select_from(Case))


def test_the_complaint_form_works_by_keyboard_alone(site, new_page, desk):
    page = new_page(locale="fa-IR")
    page.goto(site + "/complain")
    typed = {"f-complainant-email": "maryam@example.org", "f-description": "کارمزد ماهانه دو بار کسر شد."}
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.type")
        if focused in typed:
            page.keyboard.type(typed.pop(focused))
        elif focused == "f-agreements-contact_by-1":
            page.keyboard.press("Space")  # tick "Email"
        elif focused == "submit" and not typed:
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError(f"the send button was never reached by Tab; still to type: {list(typed)}")
    page.wait_for_url(re.compile(r"/complain/done$"))
    case = desk.case(page.inner_text("#reference").strip())
    assert case.data["agreements"]["contact_by"] == ["email"]
    assert case.data["complainant"]["email"] == "maryam@example.org"
