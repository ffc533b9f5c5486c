"""The tracking page's read model: the API's summary plus the letters sent (readable), the complainant's
own files and their case code; and what the complainant can do from the page."""

from __future__ import annotations

import dataclasses
import io

import pytest
from sqlalchemy import select

from engine.cases.tables import Case
from engine.complaints import tracking as track
from engine.complaints import tracking_view
from engine.core.errors import FormInvalid, NotFound
from engine.evidence import attachments
from engine.evidence.attachments import AttachmentPolicy
from engine.letters import send_due
from engine.letters.render import COMPLAINANT_TEMPLATES
from tests.support.mail import queue
from tests.support.tracking import MemoryTransport, file, links_in

PDF = b"%PDF-1.7 a statement"


@pytest.fixture
def policy(tmp_path) -> AttachmentPolicy:
    return AttachmentPolicy(folder=tmp_path / "files")


def _case_id(db, reference: str) -> int:
    with db.reading() as conn:
        return conn.scalar(select(Case.id).where(Case.reference == reference))


def _decided(desk, keys) -> dict:
    """A public complaint answered with a decision letter; every letter sent."""
    filed = file(desk.service, keys)
    ref = filed["reference"]
    for form in ("acknowledgement", "assessment", "investigation", "response", "decision_letter"):
        desk.complete(ref, form)
    send_due(desk.service.db, desk.clock, MemoryTransport(), tracking=keys)
    return filed


def test_the_page_model_holds_the_api_summary_letters_evidence_and_code(desk, tracking, policy):
    filed = _decided(desk, tracking)
    ref, db = filed["reference"], desk.service.db
    case_id = _case_id(db, ref)
    mine = track.add_evidence(
        desk.service, policy, case_id, "statement.pdf", "application/pdf", io.BytesIO(PDF)
    )
    attachments.save(
        db, desk.clock, policy, case_id, "note.txt", "text/plain", io.BytesIO(b"staff note"), "hana"
    )

    # A staff mail about the case, sent: it must not reach the complainant's page.
    queue(
        db,
        desk.clock.now(),
        template="staff_reminder",
        recipient="hana@staff.example",
        case_id=case_id,
        status="sent",
        sent_at=desk.clock.now(),
    )

    page = tracking_view.read(desk.service, ref, settings=tracking, contact="complaints@bank.example")
    api = track.view(desk.service, ref)
    assert page.api_summary() == api  # the API's answer, unchanged, is a part of the page's
    assert page.status == "awaiting_complainant" and page.allowed_messages == ("accept", "reject", "withdraw")
    assert page.case_code == filed["case_code"] and page.can_add_evidence

    kinds = [letter.kind for letter in page.letters]
    assert "staff_reminder" not in kinds and set(kinds) <= set(COMPLAINANT_TEMPLATES)
    assert kinds[0] == "acknowledgement_letter" and "decision_letter" in kinds
    decision = page.letters[kinds.index("decision_letter")]
    assert decision.language == "en" and decision.sent_at == desk.clock.now()
    assert ref in decision.subject and "We refund the second fee." in decision.body
    assert filed["case_code"] in decision.body and "complaints@bank.example" in decision.body
    assert not links_in(decision.body)  # the link was the letter's alone
    assert [(f.name, f.size, f.media_type) for f in page.evidence] == [
        ("statement.pdf", len(PDF), "application/pdf")
    ]
    assert page.evidence[0].id == mine.id
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.status = "closed"  # type: ignore[misc]


def test_without_settings_the_page_model_shows_no_code(desk, tracking):
    filed = _decided(desk, tracking)
    page = tracking_view.read(desk.service, filed["reference"])
    assert page.case_code is None
    assert all(filed["case_code"] not in letter.body for letter in page.letters)


def test_letters_not_sent_yet_are_not_shown(desk, tracking):
    filed = file(desk.service, tracking)
    desk.complete(filed["reference"], "acknowledgement")  # queued, not sent
    assert tracking_view.read(desk.service, filed["reference"], settings=tracking).letters == ()


def test_an_unknown_reference_is_not_found(desk):
    with pytest.raises(NotFound):
        tracking_view.read(desk.service, "CMP-2026-ZZZZZZZZ")


def test_a_rejection_needs_reasons_and_then_moves_the_case(desk, tracking):
    filed = _decided(desk, tracking)
    ref = filed["reference"]
    with pytest.raises(FormInvalid) as exc:
        track.reject(desk.service, ref, "  ", desk.clock.now())
    assert list(exc.value.errors) == ["text"]
    assert track.view(desk.service, ref)["status"] == "awaiting_complainant"  # nothing happened
    track.reject(desk.service, ref, "Refunding one fee is not enough.", desk.clock.now())
    page = tracking_view.read(desk.service, ref, settings=tracking)
    assert page.status == "escalated" and "reject" not in page.allowed_messages


def test_a_withdrawn_case_takes_no_more_files(desk, tracking):
    filed = file(desk.service, tracking)
    track.send(desk.service, filed["reference"], "withdraw", "Sorted out.", desk.clock.now())
    page = tracking_view.read(desk.service, filed["reference"], settings=tracking)
    assert page.status == "withdrawn" and not page.can_add_evidence and page.allowed_messages == ()
