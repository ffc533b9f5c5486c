"""The README's REST walkthrough, on the real processes: intake to closure through the dispute path.

A complaint comes in through the public endpoint, staff work it through their inboxes, the complainant
rejects the decision by tracking call, the dispute case started from it is worked with the provider's
messages, and the dispute's end closes the complaint.
"""

from __future__ import annotations

from tests.support.builders import ROOT, deploy

TASK_DATA = {
    "acknowledgement": {
        "acknowledgement_channel": "email",
        "acknowledged_at": "2026-11-23T10:00:00+00:00",
        "handler_contact": "Hana, 0300 123 4567",
    },
    "assess": {
        "is_complaint": True,
        "category": "fees_and_charges",
        "product": "Current account",
        "impact": "low",
        "complexity": "simple",
    },
    "investigate": {"investigation_notes": "Fee was applied twice by a batch job."},
    "response": {
        "proposed_outcome": "partly_upheld",
        "remedy": ["refund", "apology"],
        "redress_amount": 12,
        "root_cause_code": "system_error",
        "reasons": "One fee was wrong; the other was due.",
    },
    "decision_letter": {
        "decision_summary": "We refund one fee.",
        "reasons": "One fee was wrong; the other was due.",
        "recourse": "You may refer this to the Financial Ombudsman within six months.",
        "letter_channel": "email",
        "letter_sent_at": "2026-11-24T09:00:00+00:00",
    },
    "record_referral": {
        "consent_given": True,
        "consent_method": "email",
        "provider_organisation": "fos",
        "provider_type": "ombudsman",
    },
    "evaluate": {"position": "We stand by the partial refund.", "settlement_offer": 0},
    "dispute_decision": {"decision": "accept", "decision_reasons": "The recommendation is fair."},
    "implement": {
        "implementation_actions": "Refund the second fee.",
        "implementation_due_on": "2026-12-20",
        "proof_reference": "PAY-991",
    },
    "close_dispute": {
        "dispute_outcome": "recommendation_accepted",
        "outcome": "upheld",
        "root_cause_code": "system_error",
        "lessons_learned": "Batch jobs need an idempotency check.",
    },
}


def _work_tasks(client, headers, reference, stop_when):
    """Complete every ready task of the case (as the README's loop does) until `stop_when(case)`."""
    for _ in range(20):
        case = client.get(f"/api/v1/cases/{reference}", headers=headers).get_json()
        if stop_when(case):
            return case
        assert case["tasks"], case
        task = case["tasks"][0]
        response = client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            headers=headers,
            json={"data": TASK_DATA[task["bpmn_id"]]},
        )
        assert response.status_code == 200, response.get_json()
    raise AssertionError("the case did not get there")


def test_intake_to_closure_through_a_dispute(client, service, login):
    deploy(service, ROOT / "processes", forms=ROOT / "forms")
    staff = login("hana", "handlers", "supervisors", "disputes", roles=("handler", "supervisor"))
    provider = login("fos", roles=("provider",))
    admin = login("ada-admin", roles=("admin",))
    organisation = {"slug": "fos", "name": "Financial Ombudsman Service", "kind": "ombudsman"}
    assert client.post("/api/v1/provider-organisations", json=organisation, headers=admin).status_code == 201
    member = client.post("/api/v1/provider-organisations/fos/users", json={"username": "fos"}, headers=admin)
    assert member.status_code == 200, member.get_json()

    # Only a description and a way to reply are required; category and product wait for the assessment.
    body = {
        "complainant": {"name": "Ana Example", "email": "ana@example.org", "language": "en"},
        "channel": "web",
        "subject": "Fee charged twice",
        "description": "My monthly fee was taken twice in March.",
        "jurisdiction": "GB-ENG",
    }
    created = client.post("/api/v1/complaints", json=body)
    assert created.status_code == 201, created.get_json()
    reference, token = created.get_json()["reference"], created.get_json()["tracking_token"]
    tracking = {"X-Tracking-Token": token}

    case = _work_tasks(client, staff, reference, lambda c: c["status"] == "awaiting_complainant")
    seen = client.get(f"/api/v1/track/{reference}", headers=tracking).get_json()
    assert seen["decision"]["summary"] == "We refund one fee."
    assert set(seen["allowed_messages"]) >= {"accept", "reject", "withdraw"}

    rejected = client.post(
        f"/api/v1/track/{reference}/messages",
        headers=tracking,
        json={"type": "reject", "text": "Not enough."},
    )
    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["status"] == "escalated"
    case = client.get(f"/api/v1/cases/{reference}", headers=staff).get_json()
    dispute = next(c["reference"] for c in case["linked_cases"] if c["relation"] == "child")

    _work_tasks(client, staff, dispute, lambda c: "provider_notice" in c["waiting_for"])
    assert client.get(f"/api/v1/cases/{dispute}", headers=provider).status_code == 200
    assert client.get(f"/api/v1/cases/{reference}", headers=provider).status_code == 404
    notice = client.post(
        f"/api/v1/cases/{dispute}/messages",
        headers=provider,
        json={
            "name": "provider_notice",
            "payload": {"provider_reference": "FOS-1", "reply_by": "2026-12-15"},
        },
    )
    assert notice.status_code == 200, notice.get_json()
    _work_tasks(client, staff, dispute, lambda c: "provider_outcome" in c["waiting_for"])
    outcome = client.post(
        f"/api/v1/cases/{dispute}/messages",
        headers=provider,
        json={
            "name": "provider_outcome",
            "payload": {"method": "advisory", "binding": False, "recommendation": "Refund both fees."},
        },
    )
    assert outcome.status_code == 200, outcome.get_json()
    _work_tasks(client, staff, dispute, lambda c: c["status"] == "closed")

    closed = client.get(f"/api/v1/cases/{reference}", headers=staff).get_json()
    assert closed["status"] == "closed"
    assert client.get(f"/api/v1/track/{reference}", headers=tracking).get_json()["status"] == "closed"
