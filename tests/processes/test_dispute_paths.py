"""Escalation from a complaint to processes/dispute_resolution.bpmn and back, through the engine services.

A rejected decision, or a final response deadline that passes, throws `dispute_start`: the engine starts a
separate dispute case (its own DSP reference, linked both ways) and the complaint waits `escalated` until
the dispute's `dispute_closed` message closes it with the dispute's outcome. Providers answer by message.
"""

from __future__ import annotations

import datetime as dt

import pytest

from engine.core.errors import PermissionDenied
from tests.support.builders import START
from tests.support.paths import COMPLAINT, DISPUTE, Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def consent_and_notice(desk: Desk, dispute: str) -> None:
    desk.complete(dispute, "dispute_referral")
    assert desk.state(dispute) == ("open", "notice", [])
    assert "provider_notice" in desk.case(dispute).waiting_for
    desk.tell(
        dispute,
        "provider_notice",
        {"provider_reference": "FOS-2026-1234", "reply_by": "2026-12-21"},
        as_=desk.provider,
    )
    assert desk.state(dispute) == ("open", "evaluation", ["evaluate"])


def test_rejected_outcome_settled_by_an_accepted_recommendation(desk):
    """Scenario 5: the complainant rejects the outcome; the ombudsman recommends; we accept and implement."""
    ref = desk.decided()
    desk.clock.advance(days=3)
    desk.tell(ref, "complainant_reject", {"reason": "Refunding one fee is not enough."})
    assert desk.state(ref) == ("escalated", "escalated", [])
    dispute = desk.child(ref)
    assert dispute.startswith("DSP-") and ref.startswith("CMP-")
    assert desk.linked(ref) == [("child", DISPUTE, dispute)]
    assert desk.linked(dispute) == [("parent", COMPLAINT, ref)]
    assert desk.letters(ref) == ["acknowledgement_letter", "decision_letter", "dispute_referral_letter"]
    assert desk.history(ref)[-3:] == [
        ("message", "complainant_reject", "awaiting_complainant", "escalated"),
        ("linked_case_started", "dispute_start", "awaiting_complainant", "escalated"),
        ("notification_queued", "throw_dispute_start", "awaiting_complainant", "escalated"),
    ]
    assert desk.case(ref).data["escalation_reason"] == "complainant_rejected"

    assert desk.state(dispute) == ("open", "referral", ["record_referral"])
    data = desk.case(dispute).data
    assert (data["complaint_reference"], data["escalation_reason"]) == (ref, "complainant_rejected")
    assert desk.history(dispute)[0] == ("start", "dispute_start", None, "open")
    with pytest.raises(PermissionDenied):
        desk.complete(dispute, "dispute_referral", as_=desk.handler)  # the dispute team's lane
    consent_and_notice(desk, dispute)
    desk.complete(dispute, "dispute_evaluation")
    assert desk.state(dispute) == ("open", "resolution", [])
    desk.tell(
        dispute,
        "provider_outcome",
        {"method": "advisory", "binding": False, "recommendation": "Refund both fees and pay 50 GBP."},
        as_=desk.provider,
    )
    assert desk.state(dispute) == ("open", "decision", ["dispute_decision"])
    desk.complete(dispute, "dispute_decision")
    assert desk.state(dispute) == ("open", "implementation", ["implement"])
    assert set(desk.due(dispute)) == {"implementation"}  # from the acceptance, met by the implementation
    desk.complete(dispute, "implementation_proof")
    assert desk.state(dispute) == ("open", "closing", ["close_dispute"])
    assert desk.state(ref) == ("escalated", "escalated", [])

    desk.complete(dispute, "dispute_closing", outcome="upheld")
    closed_dispute = desk.case(dispute)
    assert (closed_dispute.status, closed_dispute.outcome) == ("closed", "upheld")
    complaint = desk.case(ref)
    assert (complaint.status, complaint.stage, complaint.outcome) == ("closed", "closing", "upheld")
    assert complaint.data["dispute_outcome"] == "recommendation_accepted"
    assert complaint.data["lessons_learned"] == "Fee batches need a guard against running twice."
    assert [(c.relation, c.status) for c in complaint.linked_cases] == [("child", "closed")]
    assert [(c.relation, c.status) for c in closed_dispute.linked_cases] == [("parent", "closed")]
    assert sorted(desk.history(ref)[-2:]) == [
        ("linked_case_closed", None, "escalated", "closed"),
        ("message", "dispute_closed", "escalated", "closed"),
    ]
    assert [h[:2] for h in desk.history(dispute) if h[0] in ("complete_task", "message")] == [
        ("complete_task", "record_referral"),
        ("message", "provider_notice"),
        ("complete_task", "evaluate"),
        ("message", "provider_outcome"),
        ("complete_task", "dispute_decision"),
        ("complete_task", "implement"),
        ("complete_task", "close_dispute"),
    ]
    assert [e.actor for e in closed_dispute.history if e.action == "message"] == ["fos", "fos"]


def test_final_response_deadline_missed_goes_to_a_binding_determination(desk):
    """Scenario 4: open at 8 weeks. Holding letter first, then referral, determination, implementation."""
    ref = desk.acknowledged(jurisdiction="other", category="lending", product="Mortgage 0042")
    desk.complete(ref, "assessment", category="lending", complexity="complex")
    assert desk.case(ref).data["sla_profile"] == "default"
    due = desk.due(ref)
    assert (due["final_response"], due["holding_reply"]) == (
        START + dt.timedelta(weeks=8),
        START + dt.timedelta(weeks=4),
    )

    desk.wait_until(START + dt.timedelta(weeks=4, minutes=1))
    # the holding reply does not interrupt the investigation
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    assert desk.letters(ref) == ["acknowledgement_letter", "holding_letter"]
    assert set(desk.due(ref)) == {"final_response"}
    history = desk.history(ref)
    assert ("message", "deadline_passed", "open", "open") in history
    assert ("notification_queued", "send_holding_letter", "open", "open") in history

    desk.wait_until(START + dt.timedelta(weeks=8, minutes=1))
    assert desk.state(ref) == ("escalated", "escalated", [])
    assert desk.letters(ref) == ["acknowledgement_letter", "holding_letter", "dispute_referral_letter"]
    assert desk.case(ref).data["escalation_reason"] == "final_response_deadline_missed"
    assert desk.deadlines(ref)["final_response"].breached_at == START + dt.timedelta(weeks=8, minutes=1)
    assert ("staff_escalation", "sam@staff.example") in desk.staff_mails(ref)
    assert ("message", "deadline_passed", "open", "escalated") in desk.history(ref)
    dispute = desk.child(ref)
    assert desk.linked(dispute) == [("parent", COMPLAINT, ref)]

    consent_and_notice(desk, dispute)
    desk.complete(dispute, "dispute_evaluation", position="The delay was ours; the rate was correct.")
    desk.tell(
        dispute,
        "provider_outcome",
        {"method": "determinative", "binding": True, "recommendation": "Pay 250 GBP for the delay."},
        as_=desk.provider,
    )
    assert desk.state(dispute) == ("open", "implementation", ["implement"])  # binding: no decision to take
    desk.complete(dispute, "implementation_proof", proof_reference="PAY-1207")
    desk.complete(
        dispute, "dispute_closing", dispute_outcome="determination_implemented", outcome="partly_upheld"
    )

    complaint = desk.case(ref)
    assert (complaint.status, complaint.outcome) == ("closed", "partly_upheld")
    assert complaint.data["dispute_outcome"] == "determination_implemented"
    assert desk.case(dispute).data["resolution_method"] == "determinative"


def test_settlement_offer_needs_a_supervisor_and_can_be_sent_back(desk):
    ref, dispute = desk.escalated()
    consent_and_notice(desk, dispute)
    desk.complete(
        dispute, "dispute_evaluation", settlement_offer=150, settlement_terms="150 GBP, full settlement."
    )
    assert desk.state(dispute) == ("open", "evaluation", ["approve_offer"])
    assert desk.task(dispute, "approval").group_id == "supervisors"
    with pytest.raises(PermissionDenied):
        desk.complete(dispute, "approval", as_=desk.disputes)
    desk.complete(dispute, "approval", approved=False, approval_comments="Offer 100.")
    assert desk.state(dispute) == ("open", "evaluation", ["evaluate"])
    desk.complete(
        dispute, "dispute_evaluation", settlement_offer=100, settlement_terms="100 GBP, full settlement."
    )
    desk.complete(dispute, "approval", approved=True)
    assert desk.state(dispute) == ("open", "resolution", [])
    desk.tell(
        dispute,
        "provider_outcome",
        {"method": "facilitative", "binding": False, "recommendation": "Settle at 100 GBP."},
        as_=desk.provider,
    )
    desk.complete(dispute, "dispute_decision")
    desk.complete(dispute, "implementation_proof")
    desk.complete(dispute, "dispute_closing", dispute_outcome="settled", outcome="partly_upheld")
    assert desk.case(dispute).data["settlement_offer"] == 100
    complaint = desk.case(ref)
    assert (complaint.status, complaint.outcome) == ("closed", "partly_upheld")
    assert complaint.data["dispute_outcome"] == "settled"


def test_rejected_recommendation_is_closed_with_reasons(desk):
    ref, dispute = desk.escalated()
    consent_and_notice(desk, dispute)
    desk.complete(dispute, "dispute_evaluation")
    desk.tell(
        dispute,
        "provider_outcome",
        {"method": "advisory", "binding": False, "recommendation": "Refund all fees since 2020."},
        as_=desk.provider,
    )
    desk.complete(
        dispute, "dispute_decision", decision="reject", decision_reasons="Fees before October were correct."
    )
    assert desk.state(dispute) == ("open", "closing", ["close_dispute"])
    desk.complete(dispute, "dispute_closing", dispute_outcome="recommendation_rejected", outcome="not_upheld")
    complaint = desk.case(ref)
    assert (complaint.status, complaint.outcome) == ("closed", "not_upheld")
    assert complaint.data["dispute_outcome"] == "recommendation_rejected"


def test_no_consent_closes_the_dispute_and_the_complaint(desk):
    ref, dispute = desk.escalated()
    desk.complete(dispute, "dispute_referral", consent_given=False)
    assert desk.state(dispute) == ("open", "closing", ["close_dispute"])
    desk.complete(dispute, "dispute_closing", dispute_outcome="no_consent", outcome="partly_upheld")
    assert desk.state(dispute)[0] == "closed"
    complaint = desk.case(ref)
    assert (complaint.status, complaint.outcome) == ("closed", "partly_upheld")
    assert complaint.data["dispute_outcome"] == "no_consent"


def test_withdrawn_dispute_withdraws_the_complaint(desk):
    ref, dispute = desk.escalated()
    desk.complete(dispute, "dispute_referral")
    desk.withdraw(dispute, reason="The complainant no longer wants to pursue it.")
    dispute_case = desk.case(dispute)
    assert (dispute_case.status, dispute_case.outcome) == ("withdrawn", "withdrawn")
    complaint = desk.case(ref)
    assert (complaint.status, complaint.outcome) == ("withdrawn", "withdrawn")
    assert ("message", "dispute_closed", "escalated", "withdrawn") in desk.history(ref)
    assert complaint.timers == () and dispute_case.timers == ()
