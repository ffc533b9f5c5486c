"""The inbox and the actions on a task, with each error the contract names."""

from __future__ import annotations

import pytest

from engine.cases import queries
from engine.idempotency.store import HEADER
from tests.support.api import complaint, problem_of

DECISION = {"data": {"decision_summary": "Refund", "reasons": "Our error"}}


@pytest.fixture
def task_id(client, processes):
    client.post("/api/v1/complaints", json=complaint())
    from engine.cases.queries import list_tasks

    return list_tasks(processes)[0].id


def test_inbox_lists_what_the_caller_may_work_on(client, task_id, handler, login):
    body = client.get("/api/v1/tasks", headers=handler).get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 50
    item = body["items"][0]
    assert item["id"] == task_id and item["group"] == "handlers" and item["form"] == "review"
    assert item["case"].startswith("CMP-") and item["assignee"] is None and item["due_at"] is None
    assert client.get("/api/v1/tasks?group=handlers", headers=handler).get_json()["total"] == 1
    assert client.get("/api/v1/tasks?group=safety", headers=handler).get_json()["total"] == 0
    assert client.get("/api/v1/tasks?assignee=me", headers=handler).get_json()["total"] == 0
    outsider = login("sam", "safety")
    assert client.get("/api/v1/tasks", headers=outsider).get_json()["total"] == 0
    problem_of(client.get("/api/v1/tasks?assignee=you", headers=handler), 422)


def test_a_task_held_by_someone_else_leaves_the_inbox(client, task_id, handler, login):
    colleague = login("carl", "handlers")
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague).status_code == 200
    assert client.get("/api/v1/tasks", headers=handler).get_json()["total"] == 0
    assert client.get("/api/v1/tasks?assignee=me", headers=colleague).get_json()["total"] == 1


def test_task_detail_has_the_form_and_prefilled_values(client, task_id, handler):
    body = client.get(f"/api/v1/tasks/{task_id}", headers=handler).get_json()
    assert body["form"] == "review" and body["form_definition"]["id"] == "review"
    assert body["values"] == {"needs_information": False}
    problem_of(client.get("/api/v1/tasks/no-such-task", headers=handler), 404)


def test_claim_release_and_conflicts(client, task_id, handler, login):
    colleague = login("carl", "handlers")
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=handler)
    assert claimed.status_code == 200
    problem_of(client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague), 409)
    problem_of(client.post(f"/api/v1/tasks/{task_id}/complete", headers=colleague, json=DECISION), 409)
    problem_of(client.post(f"/api/v1/tasks/{task_id}/release", headers=colleague), 403)
    assert client.post(f"/api/v1/tasks/{task_id}/release", headers=handler).status_code == 200
    outsider = login("sam", "safety")
    problem_of(client.post(f"/api/v1/tasks/{task_id}/claim", headers=outsider), 403)


def test_supervisors_assign_with_a_reason(client, task_id, handler, login, processes):
    boss = login("sue", "handlers", roles=("supervisor",))
    login("carl", "handlers")
    problem_of(
        client.post(
            f"/api/v1/tasks/{task_id}/assign", headers=handler, json={"assignee": "carl", "reason": "x"}
        ),
        403,
    )
    body = problem_of(
        client.post(f"/api/v1/tasks/{task_id}/assign", headers=boss, json={"assignee": "carl"}), 422
    )
    assert list(body["errors"]) == ["reason"]
    problem_of(
        client.post(
            f"/api/v1/tasks/{task_id}/assign", headers=boss, json={"assignee": "nobody", "reason": "Cover"}
        ),
        422,
    )
    done = client.post(
        f"/api/v1/tasks/{task_id}/assign", headers=boss, json={"assignee": "carl", "reason": "Cover"}
    )
    assert done.status_code == 200
    reference = done.get_json()["reference"]
    event = queries.case_detail(processes, reference).history[-1]
    assert event.action == "assign" and event.detail == {"from": None, "to": "carl", "reason": "Cover"}


def test_complete_claims_runs_on_and_returns_the_case(client, task_id, handler, processes):
    response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=handler, json=DECISION)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "awaiting_complainant" and body["stage"] == "awaiting_complainant_answer"
    history = queries.case_detail(processes, body["reference"]).history
    assert history[-1].detail["claimed"] == "hana"
    problem_of(client.post(f"/api/v1/tasks/{task_id}/complete", headers=handler, json=DECISION), 409)


def test_complete_errors(client, task_id, handler, login):
    body = problem_of(
        client.post(f"/api/v1/tasks/{task_id}/complete", headers=handler, json={"data": {"reasons": "x"}}),
        422,
    )
    assert body["errors"] == {"decision_summary": ["This field is required."]}
    unknown = problem_of(
        client.post(
            f"/api/v1/tasks/{task_id}/complete",
            headers=handler,
            json={"data": {"decision_summary": "x", "colour": "red"}},
        ),
        422,
    )
    assert "colour" in unknown["errors"]
    problem_of(client.post(f"/api/v1/tasks/{task_id}/complete", headers=handler, json={"dat": {}}), 422)
    problem_of(
        client.post(f"/api/v1/tasks/{task_id}/complete", headers=login("sam", "safety"), json=DECISION), 403
    )
    problem_of(client.post(f"/api/v1/tasks/{task_id}/complete", json=DECISION), 401)
    auditor = login("audrey", roles=("auditor",))
    problem_of(client.post(f"/api/v1/tasks/{task_id}/complete", headers=auditor, json=DECISION), 403)


def test_completion_is_idempotent(client, task_id, handler):
    headers = {**handler, HEADER: "complete-key-00001"}
    first = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json=DECISION)
    again = client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers, json=DECISION)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_inbox_order_is_due_first_then_oldest_across_lanes_and_pages(client, service, login, clock):
    from sqlalchemy import update

    from engine.cases.tables import Task
    from tests.support.builders import ROOT, deploy

    deploy(service, ROOT / "bench" / "six_tasks.bpmn")  # lane-less tasks: the handlers group's
    headers = login("hana", "handlers")
    refs = []
    for _n in range(5):
        clock.advance(minutes=1)
        refs.append(
            client.post(
                "/api/v1/cases", headers=headers, json={"process_id": "Process_complaint6"}
            ).get_json()["reference"]
        )
    ids = {i["case"]: i["id"] for i in client.get("/api/v1/tasks", headers=headers).get_json()["items"]}
    with service.db.write() as session:  # the fourth case's task falls due first, the second's next
        session.execute(update(Task).where(Task.id == ids[refs[3]]).values(due_at=clock.now()))
        session.execute(
            update(Task).where(Task.id == ids[refs[1]]).values(due_at=clock.now().replace(year=2027))
        )
    order = [refs[3], refs[1], refs[0], refs[2], refs[4]]
    pages = [
        client.get(f"/api/v1/tasks?page={p}&page_size=2", headers=headers).get_json() for p in (1, 2, 3, 4)
    ]
    assert [i["case"] for p in pages for i in p["items"]] == order
    assert {p["total"] for p in pages} == {5}
    assert pages[3]["items"] == []
