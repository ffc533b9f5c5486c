"""Tracking by complainants: what they see, what they may send, and the 404 that tells strangers nothing."""

from __future__ import annotations

import pytest

from engine.cases import queries
from tests.support.api import complaint, problem_of


@pytest.fixture
def tracked(client, processes):
    body = client.post("/api/v1/complaints", json=complaint()).get_json()
    return body["reference"], {"X-Tracking-Token": body["tracking_token"]}


def _decide(client, handler, reference, **data):
    task = client.get("/api/v1/tasks", headers=handler).get_json()["items"][0]
    assert task["case"] == reference
    payload = {"decision_summary": "We refund the fee.", "reasons": "It was our error.", **data}
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=handler, json={"data": payload})
    assert response.status_code == 200, response.get_json()


def test_the_complainant_sees_status_dates_and_what_they_may_send(client, tracked):
    reference, token = tracked
    view = client.get(f"/api/v1/track/{reference}", headers=token).get_json()
    assert view["status"] == "open" and view["stage"] == "assessment"
    assert view["received_at"] == "2026-11-23T09:00:00+00:00"
    assert view["response_due_at"]
    assert view["decision"] is None
    assert view["allowed_messages"] == ["withdraw"]
    assert "data" not in view and "history" not in view


def test_a_wrong_token_and_an_unknown_reference_get_the_same_404(client, tracked):
    reference, token = tracked
    wrong = client.get(f"/api/v1/track/{reference}", headers={"X-Tracking-Token": "guess"})
    unknown = client.get("/api/v1/track/CMP-2026-ZZZZZZ", headers=token)
    missing = client.get(f"/api/v1/track/{reference}")
    bodies = [problem_of(r, 404) for r in (wrong, unknown, missing)]
    assert bodies[0] == bodies[1] == bodies[2]
    message = client.post(
        f"/api/v1/track/{reference}/messages", headers={"X-Tracking-Token": "x"}, json={"type": "withdraw"}
    )
    assert problem_of(message, 404) == bodies[0]


def test_the_decision_shows_once_sent_and_the_complainant_accepts(client, tracked, handler):
    reference, token = tracked
    _decide(client, handler, reference)
    view = client.get(f"/api/v1/track/{reference}", headers=token).get_json()
    assert view["status"] == "awaiting_complainant"
    assert view["decision"]["summary"] == "We refund the fee."
    assert view["allowed_messages"] == ["accept", "reject", "withdraw"]
    accepted = client.post(f"/api/v1/track/{reference}/messages", headers=token, json={"type": "accept"})
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "closed"
    assert accepted.get_json()["allowed_messages"] == []


def test_information_when_asked_for(client, tracked, handler):
    reference, token = tracked
    early = client.post(
        f"/api/v1/track/{reference}/messages", headers=token, json={"type": "information", "text": "x"}
    )
    assert "information" in problem_of(early, 409)["detail"]
    _decide(client, handler, reference, needs_information=True, information_requested="Your statement")
    view = client.get(f"/api/v1/track/{reference}", headers=token).get_json()
    assert view["information_requested"] == "Your statement"
    assert view["allowed_messages"] == ["information", "withdraw"]
    sent = client.post(
        f"/api/v1/track/{reference}/messages",
        headers=token,
        json={"type": "information", "text": "Statement attached <b>here</b>"},
    )
    assert sent.status_code == 200 and sent.get_json()["stage"] == "assessment"


def test_withdrawal_by_the_complainant(client, tracked, processes):
    reference, token = tracked
    response = client.post(
        f"/api/v1/track/{reference}/messages", headers=token, json={"type": "withdraw", "text": "Sorted"}
    )
    assert response.get_json()["status"] == "withdrawn"
    again = client.post(f"/api/v1/track/{reference}/messages", headers=token, json={"type": "withdraw"})
    problem_of(again, 409)
    history = queries.case_detail(processes, reference).history
    assert history[-1].actor == "complainant" and history[-1].element == "withdraw"


def test_message_bodies_are_validated(client, tracked):
    reference, token = tracked
    body = problem_of(
        client.post(f"/api/v1/track/{reference}/messages", headers=token, json={"type": "complain", "x": 1}),
        422,
    )
    assert set(body["errors"]) == {"type", "x"}
