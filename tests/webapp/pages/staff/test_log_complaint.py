"""Log a complaint for a complainant: every intake field, staff-only ones too, through the intake service."""

from __future__ import annotations

import re

from tests.support.builders import make_user
from tests.support.staff_pages import sign_in

FILLED = {
    "complainant.name": "Ada Lovelace",
    "complainant.email": "ada@example.org",
    "complainant.language": "en",
    "subject": "Monthly fee charged twice",
    "description": "The monthly account fee was taken twice in October.",
    "category": "fees_and_charges",
    "channel": "phone",
    "received_at": "2026-11-23T08:30",
    "received_by": "hana",
    "jurisdiction": "GB-ENG",
    "consent_to_process": "true",
}


def test_the_form_offers_the_staff_only_fields_filled_with_who_and_when(desk, client):
    sign_in(client, "hana")
    page = client.get("/staff/complaints/new").get_data(as_text=True)
    for name in ("channel", "received_at", "received_by", "complainant.name", "description"):
        assert f'name="{name}"' in page, name
    assert 'name="received_by" value="hana"' in page
    assert 'name="received_at" value="2026-11-23T09:00"' in page  # the clock's now


def test_logging_a_complaint_shows_its_reference_and_case_code(desk, client):
    token = sign_in(client, "hana")
    logged = client.post("/staff/complaints/new", data={**FILLED, "csrf_token": token}, follow_redirects=True)
    body = logged.get_data(as_text=True)
    assert logged.status_code == 200 and "The complaint is logged" in body
    reference = re.search(r'id="reference"[^>]*>([^<]+)<', body).group(1)
    assert re.search(r'id="case-code"[^>]*>[^<]+<', body)
    case = desk.case(reference)
    assert case.data["channel"] == "phone" and case.data["received_by"] == "hana"
    assert case.data["received_at"].startswith("2026-11-23T08:30")
    assert case.history[0].actor == "hana"


def test_a_refused_complaint_keeps_what_was_typed(desk, client):
    token = sign_in(client, "hana")
    typed = {**FILLED, "description": "", "complainant.email": "ada-at-example", "channel": "letter"}
    refused = client.post("/staff/complaints/new", data={**typed, "csrf_token": token})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="f-description-error"' in body and 'id="f-complainant-email-error"' in body
    assert 'value="ada-at-example"' in body and 'value="Ada Lovelace"' in body
    assert '<option value="letter" selected>' in body


def test_read_only_roles_cannot_log_complaints(desk, client):
    make_user(desk.service, "audrey", roles=("auditor",))
    token = sign_in(client, "audrey")
    assert client.get("/staff/complaints/new").status_code == 403
    assert client.post("/staff/complaints/new", data={**FILLED, "csrf_token": token}).status_code == 403


def test_logging_without_the_csrf_token_is_refused(desk, client):
    sign_in(client, "hana")
    assert client.post("/staff/complaints/new", data=FILLED).status_code == 400
