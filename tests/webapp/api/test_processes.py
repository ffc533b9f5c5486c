"""Process models over the API: list, versions, deploy uploaded files."""

from __future__ import annotations

import io

from tests.support.api import FIXTURES, problem_of
from tests.support.builders import ROOT

SIX = ROOT / "bench" / "six_tasks.bpmn"


def _files(*items: tuple[str, bytes]) -> dict:
    return {"files": [(io.BytesIO(content), name) for name, content in items]}


def test_process_owners_deploy_and_everyone_lists(client, login):
    owner = login("olive", roles=("process_owner",))
    response = client.post(
        "/api/v1/processes",
        headers=owner,
        data=_files(("six.bpmn", SIX.read_bytes())),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["deployed"] == [
        {"process_id": "Process_complaint6", "version": 1, "created": True}
    ]
    same = client.post(
        "/api/v1/processes",
        headers=owner,
        data=_files(("six.bpmn", SIX.read_bytes())),
        content_type="multipart/form-data",
    )
    assert same.status_code == 200 and same.get_json()["deployed"][0]["created"] is False

    handler = login("hana", "handlers")
    listed = client.get("/api/v1/processes", headers=handler).get_json()
    assert listed["total"] == 1 and listed["items"][0]["latest_version"] == 1
    versions = client.get("/api/v1/processes/Process_complaint6/versions", headers=handler).get_json()
    assert versions["items"][0]["version"] == 1 and versions["items"][0]["deployed_by"] == "olive"
    problem_of(client.get("/api/v1/processes/nothing/versions", headers=handler), 404)


def test_deploy_with_forms_from_the_upload(client, login):
    owner = login("olive", roles=("process_owner",))
    files = _files(
        ("dispute_resolution.bpmn", (FIXTURES / "processes" / "dispute_resolution.bpmn").read_bytes()),
        ("referral.json", (FIXTURES / "forms" / "referral.json").read_bytes()),
    )
    response = client.post("/api/v1/processes", headers=owner, data=files, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()


def test_problems_are_listed_with_file_and_element(client, login):
    owner = login("olive", roles=("process_owner",))
    broken = SIX.read_text().replace('targetRef="ut_triage"', 'targetRef="nowhere"')
    body = problem_of(
        client.post(
            "/api/v1/processes",
            headers=owner,
            data=_files(("six.bpmn", broken.encode())),
            content_type="multipart/form-data",
        ),
        422,
    )
    assert body["problems"][0]["file"] == "six.bpmn"
    assert body["problems"][0]["element"]
    assert "six.bpmn" in body["errors"]
    wrong_kind = problem_of(
        client.post(
            "/api/v1/processes",
            headers=owner,
            data=_files(("notes.txt", b"hello")),
            content_type="multipart/form-data",
        ),
        422,
    )
    assert wrong_kind["problems"][0]["file"] == "notes.txt"
    problem_of(
        client.post("/api/v1/processes", headers=owner, data={}, content_type="multipart/form-data"), 422
    )


def test_only_process_owners_deploy(client, login):
    handler = login("hana", "handlers")
    problem_of(
        client.post(
            "/api/v1/processes",
            headers=handler,
            data=_files(("six.bpmn", SIX.read_bytes())),
            content_type="multipart/form-data",
        ),
        403,
    )
    problem_of(client.get("/api/v1/processes"), 401)


def test_uploads_over_the_limit_get_413(client, login, app):
    owner = login("olive", roles=("process_owner",))
    app.config["REDRESSAL_MAX_UPLOAD"] = 10_000
    big = _files(("six.bpmn", SIX.read_bytes() + b" " * 20_000))
    problem_of(
        client.post("/api/v1/processes", headers=owner, data=big, content_type="multipart/form-data"), 413
    )


def test_attributes_the_engine_ignores_come_back_as_warnings_and_deploy_goes_on(client, login):
    owner = login("olive", roles=("process_owner",))
    camunda = ROOT / "tests" / "fixtures" / "refusals" / "camunda_assignee.bpmn"
    response = client.post(
        "/api/v1/processes",
        headers=owner,
        data=_files(("camunda_assignee.bpmn", camunda.read_bytes())),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["deployed"][0]["process_id"] == "camunda_assignee"
    assignee = next(w for w in body["warnings"] if "assignee" in w["message"])
    assert (assignee["file"], assignee["element"]) == ("camunda_assignee.bpmn", "review")
