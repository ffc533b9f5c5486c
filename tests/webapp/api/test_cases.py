"""Cases for staff and providers: start, list with filters, detail, messages."""

from __future__ import annotations

import pytest

from engine.idempotency.store import HEADER
from tests.support.api import complaint, problem_of
from tests.support.builders import ROOT, deploy

SIX = ROOT / "bench" / "six_tasks.bpmn"


@pytest.fixture
def six(service):
    deploy(service, SIX)
    return "Process_complaint6"


def test_staff_start_any_deployed_process(client, six, handler):
    response = client.post("/api/v1/cases", headers=handler, json={"process_id": six, "data": {"x": 1}})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "open" and body["process_id"] == six and body["process_version"] == 1
    assert body["tasks"][0]["name"] == "Register complaint"


def test_start_errors(client, six, handler):
    problem_of(client.post("/api/v1/cases", json={"process_id": six}), 401)
    problem_of(client.post("/api/v1/cases", headers=handler, json={"process_id": "nope"}), 404)
    body = problem_of(
        client.post("/api/v1/cases", headers=handler, json={"process_id": six, "data": {"_x": 1}}), 422
    )
    assert list(body["errors"]) == ["_x"]
    problem_of(client.post("/api/v1/cases", headers=handler, json={"data": {}}), 422)


def test_start_is_idempotent(client, six, handler):
    headers = {**handler, HEADER: "case-start-key-0001"}
    first = client.post("/api/v1/cases", headers=headers, json={"process_id": six})
    again = client.post("/api/v1/cases", headers=headers, json={"process_id": six})
    assert first.get_json() == again.get_json()
    assert client.get("/api/v1/cases", headers=handler).get_json()["total"] == 1


def test_list_filters_and_pages(client, processes, handler, login, clock):
    refs = [
        client.post("/api/v1/complaints", json=complaint(subject=f"Case {n}")).get_json()["reference"]
        for n in range(3)
    ]
    clock.advance(minutes=1)
    newest = client.post("/api/v1/complaints", json=complaint(subject="Parcel lost")).get_json()["reference"]
    page = client.get("/api/v1/cases?page_size=2", headers=handler).get_json()
    assert page["total"] == 4 and page["page"] == 1 and page["page_size"] == 2
    assert page["items"][0]["reference"] == newest
    assert client.get("/api/v1/cases?page=3&page_size=2", headers=handler).get_json()["items"] == []

    def refs_for(query: str) -> set[str]:
        response = client.get(f"/api/v1/cases?{query}", headers=handler)
        assert response.status_code == 200, response.get_json()
        return {c["reference"] for c in response.get_json()["items"]}

    assert refs_for("text=parcel") == {newest}
    assert refs_for(f"text={refs[0].lower()}") == {refs[0]}
    assert refs_for("status=open&stage=assessment&group=handlers") == {*refs, newest}
    assert refs_for("status=closed") == set()
    task = client.get("/api/v1/tasks", headers=handler).get_json()["items"][0]
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=handler)
    assert refs_for("assignee=me") == {task["case"]}
    assert refs_for("assignee=hana") == {task["case"]}
    assert refs_for("overdue=true") == set()
    assert len(refs_for("overdue=false")) == 4
    problem_of(client.get("/api/v1/cases?status=lost", headers=handler), 422)
    problem_of(client.get("/api/v1/cases?page=0", headers=handler), 422)


def test_overdue_means_a_deadline_passed_unmet(client, processes, handler, service):
    from engine.cases.tables import Case
    from engine.deadlines.tables import CaseDeadline

    reference = client.post("/api/v1/complaints", json=complaint()).get_json()["reference"]
    with service.db.write() as session:
        case_id = session.query(Case.id).filter_by(reference=reference).scalar()
        session.add(
            CaseDeadline(case_id=case_id, name="acknowledge", due_at=service.clock.now().replace(year=2025))
        )
    items = client.get("/api/v1/cases?overdue=true", headers=handler).get_json()["items"]
    assert [c["reference"] for c in items] == [reference]


def test_detail_shows_everything(client, processes, handler):
    body = client.post("/api/v1/complaints", json=complaint()).get_json()
    reference = body["reference"]
    detail = client.get(f"/api/v1/cases/{reference}", headers=handler).get_json()
    assert detail["status"] == "open" and detail["process_id"] == "complaint_handling"
    assert detail["tasks"][0]["group"] == "handlers" and detail["tasks"][0]["form"] == "review"
    assert detail["timers"] == [] and detail["linked_cases"] == [] and detail["attachments"] == []
    assert detail["history"][0]["action"] == "start"
    assert detail["waiting_for"] == ["withdraw"]
    problem_of(client.get("/api/v1/cases/CMP-2026-ZZZZZZ", headers=handler), 404)


def test_staff_deliver_messages_and_get_409_when_nothing_waits(client, processes, handler):
    reference = client.post("/api/v1/complaints", json=complaint()).get_json()["reference"]
    body = problem_of(
        client.post(
            f"/api/v1/cases/{reference}/messages", headers=handler, json={"name": "complainant_accept"}
        ),
        409,
    )
    assert "complainant_accept" in body["detail"]
    withdrawn = client.post(
        f"/api/v1/cases/{reference}/messages",
        headers=handler,
        json={"name": "withdraw", "payload": {"by": "phone"}},
    )
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    problem_of(
        client.post("/api/v1/cases/CMP-2026-ZZZZZZ/messages", headers=handler, json={"name": "x"}), 404
    )
    problem_of(client.post(f"/api/v1/cases/{reference}/messages", headers=handler, json={}), 422)


def _dispute_for(client, handler, provider_name: str) -> tuple[str, str]:
    body = client.post("/api/v1/complaints", json=complaint()).get_json()
    reference, token = body["reference"], {"X-Tracking-Token": body["tracking_token"]}
    task = client.get("/api/v1/tasks?group=handlers", headers=handler).get_json()["items"][0]
    client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=handler,
        json={"data": {"decision_summary": "No refund"}},
    )
    client.post(f"/api/v1/track/{reference}/messages", headers=token, json={"type": "reject"})
    detail = client.get(f"/api/v1/cases/{reference}", headers=handler).get_json()
    dispute = detail["linked_cases"][0]["reference"]
    referral = client.get("/api/v1/tasks?group=disputes", headers=handler).get_json()["items"][0]
    done = client.post(
        f"/api/v1/tasks/{referral['id']}/complete",
        headers=handler,
        json={"data": {"provider_name": provider_name}},
    )
    assert done.status_code == 200, done.get_json()
    return reference, dispute


def test_providers_see_and_message_only_their_cases(client, processes, handler, login):
    ombudsman = login("ombudsman-1", roles=("provider",))
    other = login("arbitrator-2", roles=("provider",))
    complaint_ref, dispute = _dispute_for(client, handler, "ombudsman-1")

    assert client.get(f"/api/v1/cases/{dispute}", headers=ombudsman).status_code == 200
    assert [c["reference"] for c in client.get("/api/v1/cases", headers=ombudsman).get_json()["items"]] == [
        dispute
    ]
    problem_of(client.get(f"/api/v1/cases/{complaint_ref}", headers=ombudsman), 404)
    problem_of(client.get(f"/api/v1/cases/{dispute}", headers=other), 404)
    assert client.get("/api/v1/cases", headers=other).get_json()["total"] == 0
    problem_of(
        client.post(f"/api/v1/cases/{dispute}/messages", headers=other, json={"name": "provider_notice"}), 404
    )
    problem_of(
        client.post(f"/api/v1/cases/{dispute}/messages", headers=ombudsman, json={"name": "withdraw"}), 403
    )
    problem_of(client.get("/api/v1/tasks", headers=ombudsman), 403)
    notice = client.post(
        f"/api/v1/cases/{dispute}/messages",
        headers=ombudsman,
        json={"name": "provider_notice", "payload": {"provider_reference": "FOS-1"}},
    )
    assert notice.status_code == 200 and notice.get_json()["stage"] == "resolution"


def test_a_start_over_budget_is_a_422_naming_the_element(client, service, handler, tmp_path):
    from tests.support.scripted import deploy_scripted

    pid = deploy_scripted(service, tmp_path, "while True:\n    pass")
    body = problem_of(client.post("/api/v1/cases", headers=handler, json={"process_id": pid}), 422)
    assert body["title"] == "Process error"
    assert "in 'Work out the fee'" in body["detail"]
    assert "over the process code budget: more than 1,000,000 loop steps" in body["detail"]
    assert client.get("/api/v1/cases", headers=handler).get_json()["total"] == 0
