"""Three user tasks took the name of their form in a new process version; cases already running keep theirs.

`acknowledge` became `acknowledgement`, `request_information` became `information_request` and `decide` became
`dispute_decision` (docs/ARCHITECTURE.md, "One name per concept"). A database deployed before the rename holds
the old versions (tests/fixtures/processes/before_task_renames/ is a copy of them); a case started on one runs
on it to the end, under the old task ids, while new cases start on the new version.
"""

from __future__ import annotations

from tests.support.builders import FIXTURES, ROOT, deploy
from tests.support.paths import COMPLAINT, DISPUTE, Desk

BEFORE = FIXTURES / "processes" / "before_task_renames"
DECISIONS = tuple(sorted((ROOT / "processes").glob("*.dmn")))


def completed_steps(desk: Desk, ref: str) -> list[str | None]:
    return [element for action, element, *_ in desk.history(ref) if action == "complete_task"]


def test_cases_started_before_the_renames_complete_on_their_own_version(service, clock):
    desk = Desk(service, clock, processes=(BEFORE, *DECISIONS))
    waiting = desk.file()
    asking = desk.acknowledged()
    desk.complete(asking, "assessment")
    desk.complete(asking, "investigation", information_needed=True)
    escalated, dispute = desk.escalated()
    desk.complete(dispute, "dispute_referral")
    desk.tell(
        dispute, "provider_notice", {"provider_reference": "FOS-1", "reply_by": "2026-12-21"}, desk.provider
    )
    desk.complete(dispute, "dispute_evaluation")
    desk.tell(
        dispute,
        "provider_outcome",
        {"method": "advisory", "binding": False, "recommendation": "Refund both fees."},
        as_=desk.provider,
    )

    deployed = deploy(service, ROOT / "processes", forms=ROOT / "forms")
    assert sorted((r.process_id, r.version, r.created) for r in deployed) == [
        (COMPLAINT, 2, True),
        (DISPUTE, 2, True),
    ]
    old_cases = (waiting, asking, escalated, dispute)
    assert [desk.case(ref).process_version for ref in old_cases] == [1, 1, 1, 1]
    assert desk.state(waiting) == ("open", "acknowledgement", ["acknowledge"])
    assert desk.state(asking) == ("open", "investigation", ["request_information"])
    assert desk.state(dispute) == ("open", "decision", ["decide"])

    # The old complaint is acknowledged and answered on version 1, under the old task id.
    desk.complete(waiting, "acknowledgement")
    for form_id in ("assessment", "investigation", "response", "decision_letter"):
        desk.complete(waiting, form_id)
    desk.tell(waiting, "complainant_accept")
    desk.complete(waiting, "closing")
    assert desk.state(waiting) == ("closed", "closing", [])
    assert completed_steps(desk, waiting) == [
        "acknowledge", "assess", "investigate", "response", "decision_letter", "closing",
    ]  # fmt: skip

    # The old information request goes out, the complainant answers, and the complaint closes.
    desk.complete(asking, "information_request")
    assert desk.state(asking) == ("awaiting_complainant", "awaiting_information", [])
    assert desk.letters(asking) == ["acknowledgement_letter", "information_request_letter"]
    desk.tell(asking, "complainant_information", {"documents": ["statement.pdf"]})
    for form_id in ("investigation", "response", "decision_letter"):
        desk.complete(asking, form_id)
    desk.tell(asking, "complainant_accept")
    desk.complete(asking, "closing")
    assert desk.state(asking) == ("closed", "closing", [])
    assert "request_information" in completed_steps(desk, asking)

    # The old dispute is decided under `decide`, implemented and closed; its complaint closes with it.
    desk.complete(dispute, "dispute_decision")
    desk.complete(dispute, "implementation_proof")
    desk.complete(dispute, "dispute_closing", outcome="upheld")
    assert desk.state(dispute) == ("closed", "closing", [])
    assert "decide" in completed_steps(desk, dispute)
    assert (desk.case(escalated).status, desk.case(escalated).outcome) == ("closed", "upheld")
    assert [desk.case(ref).process_version for ref in old_cases] == [1, 1, 1, 1]

    # A complaint filed now starts on version 2, where the task has its form's name.
    new = desk.file()
    assert desk.case(new).process_version == 2
    assert desk.state(new) == ("open", "acknowledgement", ["acknowledgement"])
    desk.complete(new, "acknowledgement")
    assert completed_steps(desk, new) == ["acknowledgement"]
