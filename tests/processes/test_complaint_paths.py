"""Every path of processes/complaint_handling.bpmn, driven through the engine services on both databases.

Each test reads like the desk's day: a complaint is filed, people complete the task that shows a form,
the complainant answers by message, time passes and the timer worker fires what is due. At each waiting
point the test checks what staff would see (status, stage, open tasks), and at the end the outcome, the
letters queued for the complainant, the SLA deadlines and the audit trail.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.core.errors import FormInvalid, MessageNotExpected, PermissionDenied
from tests.support.builders import START
from tests.support.paths import COMPLAINT, DISPUTE, FORM_DATA, Desk, intake

FINAL_RESPONSE = START + dt.timedelta(weeks=8)  # P8W from receipt, in every profile used here


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def deadline_names(case) -> set[str]:
    """The deadlines the engine watches and that are still open."""
    return {d.name for d in case.deadlines if d.status == "open"}


def test_resolved_at_first_contact_closes_within_the_summary_deadline(desk):
    """Scenario 1: a fee refunded on the call; summary resolution by business day 3 meets every deadline."""
    ref = desk.file()
    assert desk.state(ref) == ("open", "acknowledgement", ["acknowledgement"])
    desk.complete(ref, "acknowledgement")
    assert desk.state(ref) == ("open", "assessment", ["assess"])
    desk.complete(ref, "assessment", resolved_at_first_contact=True, assessment_notes="Refunded on the call.")
    assert desk.state(ref) == ("open", "decision", ["summary_resolution"])
    case = desk.case(ref)
    assert case.data["sla_profile"] == "uk_fca"
    assert deadline_names(case) == {"summary_resolution", "holding_reply", "final_response"}
    assert desk.timers(ref) == {}  # the diagram draws no timer: the engine watches the deadlines
    due = desk.due(ref)["summary_resolution"]
    assert due == dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC)  # close of business, 3rd business day

    desk.clock.advance(days=1)
    desk.complete(ref, "summary_resolution")
    case = desk.case(ref)
    assert (case.status, case.stage, case.outcome) == ("closed", "closing", "upheld")
    assert case.closed_at < due
    assert case.tasks == () and case.timers == ()
    deadlines = desk.deadlines(ref)
    assert set(deadlines) == {"acknowledge", "summary_resolution", "holding_reply", "final_response"}
    summary = deadlines["summary_resolution"]
    assert summary.regulatory and summary.met_at is not None and summary.breached_at is None
    assert all(d.met_at is not None for d in deadlines.values())  # the summary resolution met them all
    assert desk.letters(ref) == ["acknowledgement_letter", "decision_letter"]
    assert desk.history(ref) == [
        ("start", None, None, "open"),
        ("complete_task", "acknowledgement", "open", "open"),
        ("notification_queued", "acknowledgement", "open", "open"),
        ("complete_task", "assess", "open", "open"),
        ("complete_task", "summary_resolution", "open", "closed"),
        ("notification_queued", "summary_resolution", "open", "closed"),
    ]


def test_summary_resolution_missed_is_investigated_in_full(desk):
    ref = desk.acknowledged()
    desk.complete(ref, "assessment", resolved_at_first_contact=True)
    due = desk.due(ref)["summary_resolution"]

    assert desk.wait_until(due + dt.timedelta(minutes=1)) >= 1
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    assert set(desk.due(ref)) == {"final_response", "holding_reply"}
    assert desk.deadlines(ref)["summary_resolution"].breached_at is not None
    assert ("message", "deadline_passed", "open", "open") in desk.history(ref)
    assert ("staff_escalation", "sam@staff.example") in desk.staff_mails(ref)


def test_standard_path_accepted(desk):
    ref = desk.acknowledged()
    desk.complete(ref, "assessment")
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    assert deadline_names(desk.case(ref)) == {"final_response", "holding_reply", "summary_resolution"}
    assert desk.due(ref)["final_response"] == FINAL_RESPONSE
    desk.complete(ref, "investigation")
    assert desk.state(ref) == ("open", "response", ["response"])
    desk.complete(ref, "response")
    assert desk.state(ref) == ("open", "decision", ["decision_letter"])  # low severity, 12 GBP: no approval
    desk.complete(ref, "decision_letter")
    assert desk.state(ref) == ("awaiting_complainant", "awaiting_complainant_answer", [])
    assert desk.case(ref).waiting_for == ("complainant_accept", "complainant_reject", "withdraw")
    assert set(desk.timers(ref)) == {"wait_answer_no_reply"}
    assert set(desk.due(ref)) == {"complainant_reply"}

    desk.clock.advance(days=2)
    desk.tell(ref, "complainant_accept", {"comment": "Thank you."})
    assert desk.state(ref) == ("open", "closing", ["closing"])
    desk.complete(ref, "closing", survey_opt_out=True)

    case = desk.case(ref)
    assert (case.status, case.stage, case.outcome) == ("closed", "closing", "partly_upheld")
    assert case.data["complainant_accept"] == {"comment": "Thank you."}
    assert (case.data["severity"], case.data["priority"], case.data["routing_group"]) == (
        "low",
        "p4",
        "handlers",
    )
    assert case.linked_cases == () and case.timers == ()
    assert desk.letters(ref) == ["acknowledgement_letter", "decision_letter"]
    deadlines = desk.deadlines(ref)
    assert deadlines["final_response"].met_at is not None and deadlines["final_response"].breached_at is None
    assert deadlines["final_response"].regulatory
    assert desk.history(ref) == [
        ("start", None, None, "open"),
        ("complete_task", "acknowledgement", "open", "open"),
        ("notification_queued", "acknowledgement", "open", "open"),
        ("complete_task", "assess", "open", "open"),
        ("complete_task", "investigate", "open", "open"),
        ("complete_task", "response", "open", "open"),
        ("complete_task", "decision_letter", "open", "awaiting_complainant"),
        ("notification_queued", "decision_letter", "open", "awaiting_complainant"),
        ("message", "complainant_accept", "awaiting_complainant", "open"),
        ("complete_task", "closing", "open", "closed"),
    ]


def test_safety_complaint_takes_immediate_action_and_needs_a_corrective_action(desk):
    """Scenario 3: an overheating kettle. Safety acts first; no closing without a corrective action."""
    ref = desk.acknowledged(
        category="product_safety",
        product="Kettle KT-200",
        subject="Kettle handle burns",
        description="The kettle's handle got hot enough to burn my hand.",
    )
    desk.complete(ref, "assessment", category="product_safety", impact="high", safety_risk=True)
    assert desk.state(ref) == ("open", "immediate_action", ["immediate_action"])
    assert desk.task(ref, "immediate_action").group_id == "safety"
    with pytest.raises(PermissionDenied):
        desk.complete(ref, "immediate_action", as_=desk.handler)
    desk.complete(
        ref,
        "immediate_action",
        immediate_actions=["customer_warned", "stop_sale"],
        risk_assessment="Burn risk on the handle of batch 42.",
    )
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    desk.complete(ref, "investigation", findings="Handle insulation missing in batch 42.")
    desk.complete(
        ref, "response", proposed_outcome="upheld", redress_amount=40, root_cause_code="product_defect"
    )
    assert desk.state(ref) == ("open", "approval", ["approve"])  # critical severity
    with pytest.raises(PermissionDenied):
        desk.complete(ref, "approval", as_=desk.safety)
    desk.complete(ref, "approval")
    desk.complete(ref, "decision_letter")
    desk.tell(ref, "complainant_accept")

    desk.complete(ref, "closing", outcome="upheld", root_cause_code="product_defect")
    assert desk.state(ref) == ("open", "closing", ["closing"])  # no corrective action yet: not closed
    desk.complete(
        ref,
        "closing",
        outcome="upheld",
        root_cause_code="product_defect",
        corrective_action_reference="CA-77",
    )

    case = desk.case(ref)
    assert (case.status, case.outcome) == ("closed", "upheld")
    data = case.data
    assert (data["severity"], data["priority"], data["routing_group"]) == ("critical", "p1", "safety")
    assert data["corrective_action_reference"] == "CA-77"
    closings = [h for h in desk.history(ref) if h[:2] == ("complete_task", "closing")]
    assert closings == [
        ("complete_task", "closing", "open", "open"),
        ("complete_task", "closing", "open", "closed"),
    ]
    assert [e.actor for e in case.history if e.element == "immediate_action"] == ["sia"]


def test_high_severity_needs_approval_sent_back_once_then_approved(desk):
    ref = desk.acknowledged(category="lending", product="Mortgage 0042")
    desk.complete(ref, "assessment", category="lending", impact="high", complexity="complex")
    desk.complete(ref, "investigation")
    desk.complete(ref, "response", redress_amount=100)
    assert desk.state(ref) == ("open", "approval", ["approve"])
    task = desk.task(ref, "approval")
    assert task.group_id == "supervisors"
    with pytest.raises(PermissionDenied):
        desk.service.claim_task(task.id, desk.handler)
    with pytest.raises(PermissionDenied):
        desk.complete(ref, "approval", as_=desk.handler)

    desk.complete(ref, "approval", approved=False, approval_comments="Explain the fee history first.")
    assert desk.state(ref) == ("open", "response", ["response"])
    desk.complete(ref, "response", redress_amount=100, reasons="The fee history shows two wrong charges.")
    assert desk.state(ref) == ("open", "approval", ["approve"])
    desk.complete(ref, "approval", approved=True)
    assert desk.state(ref) == ("open", "decision", ["decision_letter"])
    desk.complete(ref, "decision_letter")
    desk.tell(ref, "complainant_accept")
    desk.complete(ref, "closing")

    case = desk.case(ref)
    assert (case.status, case.outcome) == ("closed", "partly_upheld")
    assert case.data["severity"] == "high" and case.data["send_back_count"] == 1
    steps = [h[1] for h in desk.history(ref) if h[0] == "complete_task"]
    assert steps == [
        "acknowledgement", "assess", "investigate", "response", "approve", "response", "approve",
        "decision_letter", "closing",
    ]  # fmt: skip
    assert [e.actor for e in case.history if e.element == "approve"] == ["sam", "sam"]


@pytest.mark.parametrize(
    ("jurisdiction", "profile", "final_response_moves"),
    [("other", "default", True), ("GB-ENG", "uk_fca", False)],
)
def test_information_requested_and_supplied_pauses_the_internal_clock(
    desk, jurisdiction, profile, final_response_moves
):
    """Scenario 10: waiting for documents pauses internal deadlines; a regulatory one does not move."""
    ref = desk.acknowledged(jurisdiction=jurisdiction)
    desk.complete(ref, "assessment")
    assert desk.case(ref).data["sla_profile"] == profile
    holding_before = desk.due(ref)["holding_reply"]
    desk.complete(ref, "investigation", information_needed=True)
    assert desk.state(ref) == ("open", "investigation", ["information_request"])
    desk.complete(ref, "information_request")
    assert desk.state(ref) == ("awaiting_complainant", "awaiting_information", [])
    assert desk.letters(ref) == ["acknowledgement_letter", "information_request_letter"]
    assert desk.due(ref)["final_response"] == FINAL_RESPONSE
    assert desk.pauses(ref)[0] == 0
    assert [p.ended_at for p in desk.pauses(ref)[1]] == [None]

    desk.wait(days=5)  # the summary resolution lapses on day 3: breached, the case stays where it waits
    assert desk.state(ref) == ("awaiting_complainant", "awaiting_information", [])
    desk.tell(ref, "complainant_information", {"documents": ["statement-2026-10.pdf"]})
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    paused, pauses = desk.pauses(ref)
    assert paused == dt.timedelta(days=5).total_seconds()
    assert [(p.started_at, p.ended_at) for p in pauses] == [(START, START + dt.timedelta(days=5))]
    shift = dt.timedelta(days=5) if final_response_moves else dt.timedelta(0)
    due = desk.due(ref)
    assert due["final_response"] == FINAL_RESPONSE + shift
    assert due["holding_reply"] == holding_before + shift
    deadline = desk.deadlines(ref)["final_response"]
    assert (deadline.due_at, deadline.regulatory) == (FINAL_RESPONSE + shift, not final_response_moves)
    history = desk.history(ref)
    assert ("message", "complainant_information", "awaiting_complainant", "open") in history
    assert [h[0] for h in history if h[0].startswith("sla_")] == ["sla_paused", "sla_resumed"]
    assert desk.case(ref).data["complainant_information"] == {"documents": ["statement-2026-10.pdf"]}

    desk.complete(ref, "investigation", findings="The statement shows both fees.")
    desk.complete(ref, "response")
    desk.complete(ref, "decision_letter")
    desk.tell(ref, "complainant_accept")
    desk.complete(ref, "closing")
    assert desk.state(ref) == ("closed", "closing", [])
    assert desk.pauses(ref)[0] == dt.timedelta(days=5).total_seconds()


def test_no_answer_by_the_reply_deadline_closes_it(desk):
    ref = desk.decided()
    assert desk.timers(ref) == {"wait_answer_no_reply": START + dt.timedelta(days=14)}
    assert desk.due(ref) == {"complainant_reply": START + dt.timedelta(days=14)}

    desk.wait(days=10, hours=12, minutes=1)  # three quarters of the span: the engine warns staff
    assert desk.state(ref) == ("awaiting_complainant", "awaiting_complainant_answer", [])
    assert "deadline_reminder" in desk.actions(ref)
    assert ("deadline_warning", "sam@staff.example") in desk.staff_mails(ref)

    desk.wait(days=3, hours=12)
    assert desk.state(ref) == ("open", "closing", ["closing"])
    case = desk.case(ref)
    assert case.data["closed_without_answer"] is True
    assert case.data["outcome"] == "partly_upheld"  # the proposed outcome stands
    assert ("timer", "wait_answer_no_reply", "awaiting_complainant", "open") in desk.history(ref)
    desk.complete(ref, "closing", closing_notes="No answer within 14 days.")
    case = desk.case(ref)
    assert (case.status, case.outcome) == ("closed", "partly_upheld")
    assert case.timers == ()


@pytest.mark.parametrize("waiting_for", ["information", "answer"])
def test_withdrawal_while_waiting(desk, waiting_for):
    """Scenario 8: withdrawn on day 10; timers cancelled, outcome withdrawn, still a case; no survey."""
    if waiting_for == "information":
        ref = desk.acknowledged()
        desk.complete(ref, "assessment")
        desk.complete(ref, "investigation", information_needed=True)
        desk.complete(ref, "information_request")
        stage = "awaiting_information"
    else:
        ref = desk.decided()
        stage = "awaiting_complainant_answer"
    assert desk.state(ref) == ("awaiting_complainant", stage, [])
    desk.wait(days=10)
    assert desk.state(ref)[:2] == ("awaiting_complainant", stage)

    desk.withdraw(ref)
    case = desk.case(ref)
    assert (case.status, case.stage, case.outcome) == ("withdrawn", "closing", "withdrawn")
    assert case.tasks == () and case.timers == () and case.waiting_for == ()
    assert case.closed_at == START + dt.timedelta(days=10)
    assert ("message", "withdraw", "awaiting_complainant", "withdrawn") in desk.history(ref)
    assert all(p.ended_at is not None for p in desk.pauses(ref)[1])  # a clock pause ends with the case
    (message,) = [e for e in case.history if e.action == "message"]
    # The audit event names the fields and keeps a digest; the reason itself stays in the case's data.
    assert (message.actor, message.detail["fields"]) == ("hana", ["by", "reason"])
    assert "Sorted it out" not in str(message.detail)
    assert "survey_invitation" not in desk.letters(ref)
    with pytest.raises(MessageNotExpected):
        desk.withdraw(ref)


def test_no_contact_details_closes_as_uncontactable_after_the_deadline(desk):
    """Scenario 9: an anonymous web form; acknowledgement impossible; uncontactable after the deadline."""
    ref = desk.file(complainant={"language": "en"}, channel="anonymous")
    assert desk.state(ref) == ("open", "acknowledgement", ["obtain_contact"])
    case = desk.case(ref)
    assert case.data["acknowledgement_impossible"] is True and case.data["has_contact"] is False
    assert desk.timers(ref) == {"obtain_contact_deadline": START + dt.timedelta(days=14)}

    desk.wait(days=13)
    assert desk.state(ref) == ("open", "acknowledgement", ["obtain_contact"])
    desk.wait(days=1, minutes=1)
    case = desk.case(ref)
    assert (case.status, case.stage, case.outcome) == ("closed", "closing", "uncontactable")
    assert case.tasks == () and case.timers == ()
    assert desk.letters(ref) == []
    assert desk.history(ref)[-1] == ("timer", "obtain_contact_deadline", "open", "closed")


def test_contact_details_found_then_acknowledged(desk):
    ref = desk.file(complainant={"name": "Ada Lovelace"}, channel="letter")
    assert desk.state(ref) == ("open", "acknowledgement", ["obtain_contact"])
    desk.complete(
        ref, "obtain_contact", contact_attempts="Found on the account.", contact_email="ada@example.org"
    )
    assert desk.state(ref) == ("open", "acknowledgement", ["acknowledgement"])
    assert desk.case(ref).data["complainant"]["email"] == "ada@example.org"
    desk.complete(ref, "acknowledgement")
    assert desk.letters(ref) == ["acknowledgement_letter"]
    assert desk.state(ref) == ("open", "assessment", ["assess"])


def test_contact_search_without_result_closes_as_uncontactable(desk):
    ref = desk.file(complainant={}, channel="anonymous")
    desk.complete(ref, "obtain_contact")
    case = desk.case(ref)
    assert (case.status, case.outcome) == ("closed", "uncontactable")


def test_not_a_complaint_and_duplicate_close_at_assessment(desk):
    not_a_complaint = desk.acknowledged()
    desk.complete(not_a_complaint, "assessment", is_complaint=False)
    case = desk.case(not_a_complaint)
    assert (case.status, case.outcome) == ("closed", "not_upheld")
    assert case.data["closure_reason"] == "not_a_complaint"

    duplicate = desk.acknowledged()
    desk.complete(duplicate, "assessment", is_duplicate=True, possible_duplicate_of=not_a_complaint)
    case = desk.case(duplicate)
    assert (case.status, case.outcome) == ("closed", "merged")


def test_immediate_action_by_the_handler_and_a_profile_change_at_assessment(desk):
    """Scenario 7: hardship flagged at assessment moves the case to RG 271 hardship (21 days)."""
    ref = desk.acknowledged(category="lending", jurisdiction="AU", product="Personal loan 7781")
    assert desk.case(ref).data["sla_profile"] == "au_asic_standard"
    desk.complete(
        ref,
        "assessment",
        category="lending",
        impact="medium",
        immediate_action_needed=True,
        hardship_or_vulnerability=True,
    )
    assert desk.state(ref) == ("open", "immediate_action", ["handler_immediate_action"])
    assert desk.task(ref, "immediate_action").group_id == "handlers"
    history = desk.case(ref).history
    changed = [e.detail for e in history if e.action == "sla_profile_changed"]
    assert changed == [{"from": "au_asic_standard", "to": "au_asic_hardship"}]
    desk.complete(
        ref,
        "immediate_action",
        immediate_actions=["account_frozen"],
        immediate_action_taken="Collections paused for 60 days.",
    )
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    assert desk.due(ref)["final_response"] == START + dt.timedelta(days=21)
    (rearmed,) = [e.detail for e in desk.case(ref).history if e.action == "deadlines_rearmed"]
    assert {m["deadline"] for m in rearmed["moved"]} >= {"final_response", "holding_reply"}


@pytest.mark.parametrize(
    ("jurisdiction", "category", "profile", "final_response"),
    [
        ("GB-SCT", "fees_and_charges", "uk_fca_scotland", dt.timedelta(weeks=8)),
        ("AU", "superannuation", "au_asic_superannuation", dt.timedelta(days=45)),  # scenario 6
        ("US", "billing", "us_cfpb", dt.timedelta(days=60)),
        ("VN", "delivery", "vn_consumer", dt.timedelta(weeks=8)),
    ],
)
def test_the_decision_table_picks_the_profile_at_receipt(
    desk, jurisdiction, category, profile, final_response
):
    ref = desk.acknowledged(jurisdiction=jurisdiction, category=category)
    desk.complete(ref, "assessment", category=category)
    assert desk.case(ref).data["sla_profile"] == profile
    assert desk.due(ref)["final_response"] == START + final_response


def test_payment_complaint_gets_a_holding_reply_then_the_final_response(desk):
    """Scenario 2: an unauthorised card payment received the day before a bank holiday (England): holding
    reply by business day 15, final response by business day 35 (DISP 1.6.2A)."""
    desk.clock.set(dt.datetime(2026, 12, 24, 10, 0, tzinfo=dt.UTC))  # 25 and 28 December are bank holidays
    ref = desk.acknowledged(
        category="payment_services",
        product="Debit card ending 4421",
        description="A card payment of 249 GBP that I did not make.",
    )
    desk.complete(ref, "assessment", category="payment_services", impact="medium")
    assert desk.case(ref).data["sla_profile"] == "uk_payment_services"
    holding = dt.datetime(2027, 1, 19, 17, 0, tzinfo=dt.UTC)  # close of business day 15
    final = dt.datetime(2027, 2, 16, 17, 0, tzinfo=dt.UTC)  # close of business day 35
    due = desk.due(ref)
    assert (due["holding_reply"], due["final_response"]) == (holding, final)
    assert desk.timers(ref) == {}

    desk.wait_until(holding + dt.timedelta(minutes=1))
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    assert desk.letters(ref) == ["acknowledgement_letter", "holding_letter"]
    desk.complete(ref, "investigation")
    desk.complete(ref, "response", proposed_outcome="upheld", redress_amount=249, root_cause_code="fraud")
    desk.complete(ref, "decision_letter")
    assert desk.letters(ref) == ["acknowledgement_letter", "holding_letter", "decision_letter"]
    deadline = desk.deadlines(ref)["final_response"]
    assert deadline.met_at is not None and deadline.breached_at is None and deadline.met_at < final


def test_holding_letter_goes_once_even_when_the_investigation_resumes_after_its_deadline(desk):
    ref = desk.acknowledged(jurisdiction="other")
    desk.complete(ref, "assessment")
    desk.wait_until(START + dt.timedelta(weeks=4, minutes=1))
    assert desk.letters(ref) == ["acknowledgement_letter", "holding_letter"]
    desk.complete(ref, "investigation", information_needed=True)
    desk.complete(ref, "information_request")
    desk.wait(days=2)
    desk.tell(ref, "complainant_information", {"documents": ["statement.pdf"]})  # holding timer armed late
    desk.wait(minutes=1)
    assert desk.state(ref) == ("open", "investigation", ["investigate"])
    assert desk.letters(ref) == ["acknowledgement_letter", "holding_letter", "information_request_letter"]
    queued = [h[1] for h in desk.history(ref) if h[0] == "notification_queued"]
    assert queued == ["acknowledgement", "send_holding_letter", "information_request"]


# --------------------------------------------------------------------------------------------- forms
def test_every_task_names_a_deployed_form(desk):
    with desk.service.db.reading() as conn:
        versions = [desk.service.specs.latest(conn, pid) for pid in (COMPLAINT, DISPUTE)]
    for version in versions:
        tasks = {k: m for k, m in version.elements.items() if m["type"] == "userTask"}
        assert tasks
        for element, meta in tasks.items():
            assert meta["form_id"] in version.forms, (version.process_id, element, meta["form_id"])
            groups = {"handlers", "supervisors", "safety", "disputes"}
            assert meta["group_id"] in groups, (element, meta["group_id"])
        assert all(form in FORM_DATA for form in (m["form_id"] for m in tasks.values()))
    starts = [m for m in versions[0].elements.values() if m["type"] == "startEvent"]
    assert [m["form_id"] for m in starts] == ["complaint_intake"]


def test_every_required_field_is_enforced(desk):
    """Each form's required fields, left out one at a time, come back FormInvalid naming the field."""
    checked: dict[str, list[str]] = {}

    def check(ref: str, form_id: str, **data) -> None:
        checked[form_id] = desk.refused_without_each_required_field(ref, form_id, **data)
        desk.complete(ref, form_id, **data)

    for key in ["description"]:  # with a way to reply (the API checks that), all intake requires
        data = intake()
        del data[key]
        with pytest.raises(FormInvalid) as exc:
            desk.service.start_case(COMPLAINT, data, desk.handler)
        assert key in exc.value.errors
    with pytest.raises(FormInvalid) as exc:
        desk.service.start_case(COMPLAINT, intake(description="short"), desk.handler)
    assert "description" in exc.value.errors
    with pytest.raises(FormInvalid) as exc:
        desk.service.start_case(COMPLAINT, intake(**{"complainant.email": "not-an-email"}), desk.handler)
    assert "complainant.email" in exc.value.errors

    ref = desk.file(complainant={"name": "Ada"}, channel="letter")
    check(ref, "obtain_contact", contact_email="ada@example.org")
    check(ref, "acknowledgement")
    check(ref, "assessment", immediate_action_needed=True)
    check(ref, "immediate_action")
    check(ref, "investigation", information_needed=True)
    check(ref, "information_request")
    desk.tell(ref, "complainant_information", {"documents": ["statement.pdf"]})
    desk.complete(ref, "investigation")
    check(ref, "response", redress_amount=600)
    check(ref, "approval")
    check(ref, "decision_letter")
    desk.tell(ref, "complainant_reject", {"reason": "No."})
    dispute = desk.child(ref)
    check(dispute, "dispute_referral")
    desk.tell(dispute, "provider_notice", {"provider_reference": "FOS-1"}, as_=desk.provider)
    check(dispute, "dispute_evaluation")
    desk.tell(dispute, "provider_outcome", {"method": "advisory", "binding": False}, as_=desk.provider)
    check(dispute, "dispute_decision")
    check(dispute, "implementation_proof")
    check(dispute, "dispute_closing")
    assert desk.state(ref)[0] == "closed"

    summary = desk.acknowledged()
    desk.complete(summary, "assessment", resolved_at_first_contact=True)
    check(summary, "summary_resolution")
    standard = desk.decided()
    desk.tell(standard, "complainant_accept")
    check(standard, "closing")

    with desk.service.db.reading() as conn:
        forms = {
            meta["form_id"]
            for pid in (COMPLAINT, DISPUTE)
            for meta in desk.service.specs.latest(conn, pid).elements.values()
            if meta["type"] == "userTask"
        }
    assert set(checked) == forms
    assert checked["approval"] == []  # approving is one tick box; leaving it empty sends the response back
    assert all(checked[f] for f in forms - {"approval"})


@pytest.mark.parametrize(("jurisdiction", "escalates"), [("other", False), ("GB-ENG", True)])
def test_an_internal_deadline_does_not_fire_while_the_clock_is_paused(desk, jurisdiction, escalates):
    """Asked for documents in week 7, answer in week 9: internal final response waits, FCA's does not."""
    ref = desk.acknowledged(jurisdiction=jurisdiction)
    desk.complete(ref, "assessment")
    desk.wait(weeks=7)
    desk.complete(ref, "investigation", information_needed=True)
    desk.complete(ref, "information_request")
    desk.wait(weeks=1, days=1)  # past the unpaused week-8 deadline, still waiting for the complainant
    if escalates:
        assert desk.state(ref)[0] == "escalated"  # regulatory: the deadline passed, the dispute started
        assert desk.deadlines(ref)["final_response"].breached_at is not None
        return
    assert desk.state(ref) == ("awaiting_complainant", "awaiting_information", [])
    assert "deadline_deferred" in desk.actions(ref)
    assert desk.deadlines(ref)["final_response"].breached_at is None
    desk.tell(ref, "complainant_information", {"documents": ["statement.pdf"]})
    paused = desk.pauses(ref)[0]
    assert desk.due(ref)["final_response"] == FINAL_RESPONSE + dt.timedelta(seconds=paused)


def test_withdrawing_a_complaint_withdraws_its_running_dispute(desk):
    ref, dispute = desk.escalated()
    desk.withdraw(ref)
    assert desk.case(ref).status == "withdrawn"
    assert (desk.case(dispute).status, desk.case(dispute).outcome) == ("withdrawn", "withdrawn")


def test_letters_go_to_a_representative_when_there_is_one(desk, service):
    ref = desk.file(
        representative={
            "name": "Grace Hopper",
            "relationship": "family",
            "authority": "power_of_attorney",
            "email": "grace@example.org",
        }
    )
    desk.complete(ref, "acknowledgement")
    with service.db.read() as session:
        from engine.letters.tables import Outbox

        recipients = session.scalars(select(Outbox.recipient)).all()
    assert recipients == ["grace@example.org"]


def test_the_reply_deadline_counts_from_when_the_decision_went_out(desk, clock):
    ref = desk.decided()
    sent_at = clock.now()
    assert desk.case(ref).data["sla_times"]["communicated"] == sent_at.isoformat()
    reply = desk.deadlines(ref)["complainant_reply"]
    assert reply.due_at == sent_at + dt.timedelta(days=14)  # default profile: P14D from communicated
