"""A task form with FEEL limits over the API: field errors (422), never a server error."""

from __future__ import annotations

import json

import pytest

from engine.cases.queries import list_tasks
from tests.support.api import FIXTURES, INTAKE_FORM, complaint, problem_of
from tests.support.builders import deploy


@pytest.fixture
def feel_task(client, service, tmp_path):
    """The review task's decision is at most `max_words` characters long, a FEEL limit on case data."""
    review = json.loads((FIXTURES / "forms" / "review.json").read_text())
    for comp in review["components"]:
        if comp.get("key") == "decision_summary":
            comp["validate"] = {
                "required": True,
                "maxLength": "=if max_words = null then 2000 else max_words",
            }
        if comp.get("key") == "reasons":
            comp["validate"] = {"minLength": "=min"}
    (tmp_path / "review.json").write_text(json.dumps(review))
    deploy(
        service,
        FIXTURES / "processes" / "complaint_handling.bpmn",
        FIXTURES / "processes" / "dispute_resolution.bpmn",
        tmp_path / "review.json",
        FIXTURES / "forms" / "referral.json",
        INTAKE_FORM,
    )
    assert client.post("/api/v1/complaints", json=complaint()).status_code == 201
    return list_tasks(service)[0].id


def test_a_feel_limit_gives_field_errors_not_a_server_error(client, feel_task, handler):
    # validate.min "=min" used to raise TypeError on every submission: a 500.
    url = f"/api/v1/tasks/{feel_task}/complete"
    body = problem_of(client.post(url, headers=handler, json={"data": {"decision_summary": ""}}), 422)
    assert body["errors"] == {"decision_summary": ["This field is required."]}
    done = client.post(
        url, headers=handler, json={"data": {"decision_summary": "Refund", "reasons": "Our error"}}
    )
    assert done.status_code == 200, done.get_json()
