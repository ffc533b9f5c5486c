"""The inbox's filters and search over HTTP, and the supervisors' endpoints, on the real processes."""

from __future__ import annotations

import pytest

from tests.support.api import complaint, problem_of
from tests.support.builders import ROOT, deploy

ACK = {
    "acknowledgement_channel": "email",
    "acknowledged_at": "2026-11-23T10:00:00+00:00",
    "handler_contact": "Hana, 0300 123 4567",
}


@pytest.fixture
def desk(service, client, login):
    """The real processes; hana (handler), sue (supervisor), both in `handlers`; two complaints."""
    deploy(service, ROOT / "processes", forms=ROOT / "forms")
    refs = []
    for name, subject in (("Ana Example", "Fee charged twice"), ("Łukasz Nowak", "Karta zablokowana")):
        body = complaint(
            complainant={"name": name, "email": "c@example.org", "language": "en"}, subject=subject
        )
        response = client.post("/api/v1/complaints", json=body)
        assert response.status_code == 201, response.get_json()
        refs.append(response.get_json()["reference"])
        service.clock.advance(days=1)
    headers = {  # tokens issued now, after the days passed
        "hana": login("hana", "handlers"),
        "sue": login("sue", "handlers", roles=("supervisor",)),
    }
    return headers, refs


def _refs(client, headers, query=""):
    body = client.get(f"/api/v1/tasks{query}", headers=headers)
    assert body.status_code == 200, body.get_json()
    return [i["case"] for i in body.get_json()["items"]]


def test_inbox_filters_search_and_due_times(client, desk):
    headers, refs = desk
    body = client.get("/api/v1/tasks", headers=headers["hana"]).get_json()
    assert body["total"] == 2 and [i["case"] for i in body["items"]] == refs
    first = body["items"][0]
    assert first["due_source"] == "deadline" and first["due_at"] and first["overdue"] is True
    assert first["process_id"] == "complaint_handling" and first["seconds_left"] < 0
    assert _refs(client, headers["hana"], "?q=%C5%81UKASZ") == [refs[1]]  # "ŁUKASZ", any case
    assert _refs(client, headers["hana"], "?q=" + refs[0].lower()) == [refs[0]]
    assert _refs(client, headers["hana"], "?overdue=true") == [refs[0]]
    assert _refs(client, headers["hana"], "?overdue=false") == [refs[1]]
    assert _refs(client, headers["hana"], "?process=dispute_resolution") == []
    stage = first["stage"]
    assert stage and _refs(client, headers["hana"], f"?status=open&stage={stage}") == refs
    assert _refs(client, headers["hana"], "?stage=no_such_stage") == []
    assert _refs(client, headers["hana"], "?status=closed") == []
    assert _refs(client, headers["hana"], f"?sla_profile={first['sla_profile']}") == refs
    problem_of(client.get("/api/v1/tasks?overdue=perhaps", headers=headers["hana"]), 422)


def test_supervisors_send_back_and_see_reassignments(client, desk):
    headers, refs = desk
    (task,) = [
        i
        for i in client.get("/api/v1/tasks", headers=headers["hana"]).get_json()["items"]
        if i["case"] == refs[0]
    ]
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers["hana"], json={"data": ACK})
    assert done.status_code == 200, done.get_json()
    (assess,) = done.get_json()["tasks"]
    url = f"/api/v1/tasks/{assess['id']}/send-back"
    problem_of(client.post(url, headers=headers["hana"], json={"reason": "Wrong"}), 403)
    problem_of(client.post(url, headers=headers["sue"], json={}), 422)
    back = client.post(url, headers=headers["sue"], json={"reason": "Contact details are wrong"})
    assert back.status_code == 200, back.get_json()
    assert [t["bpmn_id"] for t in back.get_json()["tasks"]] == ["acknowledgement"]
    moved = client.get(f"/api/v1/cases/{refs[0]}/reassignments", headers=headers["sue"]).get_json()["items"]
    assert [(m["action"], m["to"], m["reason"]) for m in moved] == [
        ("send_back", "acknowledgement", "Contact details are wrong")
    ]
    problem_of(client.get(f"/api/v1/cases/{refs[0]}/reassignments", headers=headers["hana"]), 403)


def test_objectivity_over_http(client, desk, login):
    headers, refs = desk
    carl = login("carl", "handlers")
    task_id = next(
        i["id"] for i in client.get("/api/v1/tasks", headers=carl).get_json()["items"] if i["case"] == refs[1]
    )
    recorded = client.post(
        f"/api/v1/cases/{refs[1]}/involved-staff",
        headers=headers["hana"],
        json={"username": "carl", "note": "Opened the account"},
    )
    assert recorded.status_code == 201, recorded.get_json()
    assert _refs(client, carl) == [refs[0]]
    refusal = problem_of(client.post(f"/api/v1/tasks/{task_id}/claim", headers=carl), 403)
    assert "named as involved in the complaint" in refusal["detail"]
    why = client.get(f"/api/v1/tasks/{task_id}/objectivity?username=carl", headers=headers["sue"]).get_json()
    assert why == {"username": "carl", "offered": False, "reason": "named as involved in the complaint"}
    listed = client.get(f"/api/v1/cases/{refs[1]}/involved-staff", headers=headers["sue"]).get_json()["items"]
    assert [(i["username"], i["source"], i["recorded_by"]) for i in listed] == [("carl", "recorded", "hana")]
    problem_of(
        client.post(
            f"/api/v1/cases/{refs[1]}/involved-staff/carl/withdraw",
            headers=headers["hana"],
            json={"reason": "x"},
        ),
        403,
    )
    withdrawn = client.post(
        f"/api/v1/cases/{refs[1]}/involved-staff/carl/withdraw",
        headers=headers["sue"],
        json={"reason": "Wrong Carl"},
    )
    assert withdrawn.status_code == 200 and withdrawn.get_json()["items"] == []
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=carl).status_code == 200


def test_breaches_and_workload(client, desk, service):
    headers, refs = desk
    problem_of(client.get("/api/v1/supervision/breaches", headers=headers["hana"]), 403)
    problem_of(client.get("/api/v1/supervision/workload", headers=headers["hana"]), 403)
    items = client.get("/api/v1/supervision/breaches", headers=headers["sue"]).get_json()["items"]
    assert [(i["case"], i["deadline"], i["state"]) for i in items] == [
        (refs[0], "acknowledge", "breached"),
        (refs[1], "acknowledge", "near"),
    ]
    assert items[0]["group"] == "handlers" and items[0]["task_name"]
    narrow = client.get("/api/v1/supervision/breaches?near_hours=0", headers=headers["sue"]).get_json()[
        "items"
    ]
    assert [i["case"] for i in narrow] == [refs[0]]
    load = client.get("/api/v1/supervision/workload", headers=headers["sue"]).get_json()
    assert load["groups"] == [{"key": "handlers", "open": 2, "overdue": 1, "claimed": 0}]
    assert load["handlers"] == []
