"""The complain page: only public fields, CSRF required, values kept on refusal, evidence in the case's
transaction, a strict content security policy."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from engine.cases import queries
from engine.cases.tables import Case
from engine.evidence.tables import Attachment
from tests.webapp.pages.conftest import csrf_of

FORM = {
    "complainant.name": "Ada Lovelace",
    "complainant.email": "ada@example.org",
    "description": "The monthly account fee was taken twice in October.",
    "category": "fees_and_charges",
}


def count(service, table) -> int:
    with service.db.reading() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_the_page_shows_the_public_fields_and_none_only_staff_may_set(client, deployed):
    page = client.get("/complain")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("complainant.name", "complainant.email", "description", "remedy_sought", "jurisdiction"):
        assert f'name="{name}"' in html
    for staff_only in ("channel", "received_at", "received_by"):
        assert f'name="{staff_only}"' not in html
    assert 'name="description"' in html and 'required aria-required="true"' in html


def test_pages_carry_a_strict_policy_and_no_inline_script_or_style(client, deployed):
    for path in ("/", "/complain", "/track"):
        page = client.get(path)
        policy = page.headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        )
        html = page.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert " on" + "click=" not in html


def test_a_post_without_the_csrf_token_is_refused_and_starts_nothing(client, deployed):
    refused = client.post("/complain", data=FORM)
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert count(deployed, Case) == 0


def test_a_refused_submission_keeps_what_was_typed(client, deployed):
    token = csrf_of(client.get("/complain"))
    page = client.post("/complain", data={**FORM, "complainant.email": "ada-at-example", "csrf_token": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'value="ada-at-example"' in html and 'value="Ada Lovelace"' in html
    assert '<option value="fees_and_charges" selected>' in html
    assert 'id="f-complainant-email-error"' in html and 'href="#f-complainant-email"' in html
    assert count(deployed, Case) == 0


def test_evidence_is_stored_with_the_complaint_and_a_refused_file_stores_nothing(client, deployed):
    token = csrf_of(client.get("/complain"))
    bad = client.post(
        "/complain",
        data={**FORM, "csrf_token": token, "evidence": (io.BytesIO(b"MZ\x90\x00"), "setup.exe")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "setup.exe" in bad.get_data(as_text=True)
    assert count(deployed, Case) == 0 and count(deployed, Attachment) == 0

    made = client.post(
        "/complain",
        data={
            **FORM,
            "csrf_token": token,
            "evidence": [
                (io.BytesIO(b"%PDF-1.4 statement"), "statement.pdf"),
                (io.BytesIO(b"notes"), "notes.txt"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert made.status_code == 303 and made.headers["Location"].endswith("/complain/done")
    with deployed.db.reading() as conn:
        reference = conn.scalar(select(Case.reference))
    stored = queries.case_detail(deployed, reference).attachments
    assert sorted(a.name for a in stored) == ["notes.txt", "statement.pdf"]
    assert {a.uploaded_by for a in stored} == {"complainant"}
    done = client.get("/complain/done").get_data(as_text=True)
    assert reference in done


def test_the_confirmation_page_needs_the_complaint_just_made(client, deployed):
    assert client.get("/complain/done").status_code == 302
