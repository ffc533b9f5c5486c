"""Every letter to a complainant prints the reference, the case code and a single-use link, with a sentence
each in the letter's language; the sender makes the code and link when it renders the letter."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.cases.tables import Case
from engine.complaints import credentials, tracking
from engine.letters import LANGUAGES, send_due
from engine.letters.render import COMPLAINANT_TEMPLATES, STAFF_TEMPLATES, render
from tests.support.mail import FULL_PARAMS
from tests.support.paths import Desk
from tests.support.tracking import CODE, PUBLIC_URL, MemoryTransport, file, links_in, settings

LINK = f"{PUBLIC_URL}/track/open/TOKEN-abc_123"
PRINTED = {"case_code": "7K3Q-9D2X", "tracking_url": f"{PUBLIC_URL}/track", "tracking_link": LINK}
# Words of the three sentences, per language: the reference, the code (and the page), the link.
SENTENCES = {
    "en": ("Your complaint reference is", "Your case code is", "works once"),
    "vi": ("Mã số khiếu nại của Quý khách là", "Mã tra cứu của Quý khách là", "chỉ dùng được một lần"),
    "fa": ("شماره پیگیری شکایت شما", "کد پرونده شما", "فقط یک بار کار می‌کند"),
    "zh-Hans": ("您的投诉编号为", "您的查询码为", "仅限使用一次"),
    "zh-Hant": ("您的投訴編號為", "您的查詢碼為", "僅限使用一次"),
    "pl": ("Numer Państwa reklamacji to", "Państwa kod sprawy to", "działa jednorazowo"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", COMPLAINANT_TEMPLATES)
def test_every_complainant_letter_prints_reference_code_and_link(template, language):
    params = {**FULL_PARAMS, **PRINTED, "new_due": "2027-02-01", "reason": "More records to check."}
    body = render(template, language, params).body
    reference, code, link = SENTENCES[language]
    for words in (reference, code, link, "CMP-2026-000123", "7K3Q-9D2X", LINK):
        assert words in body, (template, language, words)
    # The page's address is never followed by a full stop a mail program would take into the link.
    assert re.search(re.escape(f"{PUBLIC_URL}/track") + r"(\s|$)", body, re.MULTILINE)
    # The block stands before the signature, not after it.
    assert body.index(LINK) < len(body) - 1 and body.rstrip().splitlines()[-1] not in (LINK, "")


@pytest.mark.parametrize("template", COMPLAINANT_TEMPLATES)
def test_without_a_link_the_letter_still_prints_the_code(template):
    body = render(template, "en", {**FULL_PARAMS, **PRINTED, "tracking_link": None}).body
    assert "7K3Q-9D2X" in body and "works once" not in body


@pytest.mark.parametrize("template", STAFF_TEMPLATES)
def test_staff_mails_print_no_tracking_block(template):
    body = render(template, "en", {**FULL_PARAMS, **PRINTED}).body
    assert "7K3Q-9D2X" not in body and LINK not in body


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sent_acknowledgement_carries_the_intake_code_and_a_working_link(desk, language):
    keys = settings()
    filed = file(
        desk.service,
        keys,
        complainant={"name": "An", "email": "an@example.org", "language": language},
    )
    desk.complete(filed["reference"], "acknowledgement")
    transport = MemoryTransport()
    assert send_due(desk.service.db, desk.clock, transport, tracking=keys) == 1
    [mail] = transport.sent
    assert mail.language == language
    assert filed["reference"] in mail.body and filed["case_code"] in mail.body
    for words in SENTENCES[language]:
        assert words in mail.body
    [token] = links_in(mail.body)
    with desk.service.db.reading() as conn:
        case_id = conn.scalar(select(Case.id).where(Case.reference == filed["reference"]))
    assert credentials.redeem_link(desk.service.db, desk.clock, token) == case_id


def test_a_complaint_logged_by_staff_gets_its_code_in_the_acknowledgement(desk):
    keys = settings()
    reference = desk.file()  # a phone complaint started by staff: no intake token at all
    desk.complete(reference, "acknowledgement")
    transport = MemoryTransport()
    assert send_due(desk.service.db, desk.clock, transport, tracking=keys) == 1
    [code] = CODE.findall(transport.sent[0].body)
    with desk.service.db.reading() as conn:
        case_id = conn.scalar(select(Case.id).where(Case.reference == reference))
    assert tracking.open_by_code(desk.service.db, desk.clock, keys, reference, code) == case_id


def test_every_letter_of_a_case_prints_the_same_code_and_a_link_of_its_own(desk):
    keys = settings()
    filed = file(desk.service, keys)
    reference = filed["reference"]
    desk.complete(reference, "acknowledgement")
    desk.complete(reference, "assessment")
    desk.complete(reference, "investigation")
    desk.complete(reference, "response")
    desk.complete(reference, "decision_letter")
    transport = MemoryTransport()
    send_due(desk.service.db, desk.clock, transport, tracking=keys)
    letters = [m for m in transport.sent if m.recipient == "ana@example.org"]
    assert len(letters) >= 2
    assert {tuple(CODE.findall(m.body)) for m in letters} == {(filed["case_code"],)}
    tokens = [t for m in letters for t in links_in(m.body)]
    assert len(tokens) == len(set(tokens)) == len(letters)
    staff = [m for m in transport.sent if m.recipient.endswith("@staff.example")]
    assert all(not links_in(m.body) and filed["case_code"] not in m.body for m in staff)
