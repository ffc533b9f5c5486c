"""POST /api/v1/complaints: public intake, staff logging, validation, idempotency."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.cases import queries
from engine.cases.tables import Case
from engine.complaints.tables import CaseTracking
from engine.idempotency.store import HEADER
from tests.support.api import complaint, problem_of


def _count_cases(service) -> int:
    with service.db.read() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_public_intake_starts_a_complaint_and_hands_out_a_tracking_token(client, processes):
    response = client.post("/api/v1/complaints", json=complaint())
    assert response.status_code == 201
    body = response.get_json()
    assert body["reference"].startswith("CMP-2026-")
    assert body["status"] == "open"
    detail = queries.case_detail(processes, body["reference"])
    data = detail.data
    assert data["complainant"] == {"name": "Ana Example", "email": "ana@example.org", "language": "en"}
    assert data["consent_to_process"] is True and data["channel"] == "web"
    assert data["received_at"] == "2026-11-23T09:00:00+00:00"
    assert "received_by" not in data
    assert detail.history[0].actor == "complainant"
    with processes.db.read() as session:
        stored = session.scalars(select(CaseTracking.token_hash)).all()
    assert body["tracking_token"] not in stored


def test_fields_map_onto_the_intake_form(client, processes):
    body = complaint(
        complainant={"name": "Ana", "address": "1 High St", "preferred_channel": "letter"},
        representative={"name": "Ben", "relationship": "family", "authority": "written_authority"},
        accessibility_needs="Large print",
        occurred_on="2026-03-02",
        remedy_sought="Refund",
    )
    reference = client.post("/api/v1/complaints", json=body).get_json()["reference"]
    data = queries.case_detail(processes, reference).data
    assert data["complainant"] == {
        "name": "Ana",
        "postal_address": "1 High St",
        "preferred_channel": "letter",
        "accessibility_needs": "Large print",
    }
    assert data["representative"]["relationship"] == "family"
    assert data["occurred_on"] == "2026-03-02"


def test_a_way_to_reply_and_a_description_are_required_unless_anonymous(client, processes):
    body = problem_of(
        client.post("/api/v1/complaints", json=complaint(complainant={"name": "Ana"}, description="")), 422
    )
    assert set(body["errors"]) == {"complainant", "description"}
    anonymous = complaint(complainant={}, channel="anonymous")
    assert client.post("/api/v1/complaints", json=anonymous).status_code == 201


def test_field_errors_come_back_under_the_api_names(client, processes):
    body = problem_of(
        client.post(
            "/api/v1/complaints",
            json=complaint(complainant={"email": "not-an-email"}, consent="maybe", channel="fax"),
        ),
        422,
    )
    assert set(body["errors"]) == {"complainant.email", "consent", "channel"}
    # Rules of the intake form itself (a description of 10 characters or more) use the API's names too.
    short = problem_of(client.post("/api/v1/complaints", json=complaint(description="Too short")), 422)
    assert list(short["errors"]) == ["description"]


def test_unknown_fields_are_named(client, processes):
    body = problem_of(
        client.post(
            "/api/v1/complaints", json=complaint(colour="blue", complainant={"email": "a@b.co", "x": 1})
        ),
        422,
    )
    assert body["errors"] == {"colour": ["Unknown field."], "complainant.x": ["Unknown field."]}
    assert "colour" in body["detail"] and "complainant.x" in body["detail"]


def test_staff_only_fields_are_refused_for_the_public(client, processes):
    body = problem_of(
        client.post("/api/v1/complaints", json=complaint(received_at="2026-11-20T10:00:00+00:00")), 422
    )
    assert body["errors"] == {"received_at": ["Only staff may set this field."]}


def test_staff_log_a_phone_call_with_when_and_by_whom(client, processes, handler):
    body = complaint(channel="phone", received_at="2026-11-20T10:00:00+01:00", received_by="Front desk")
    response = client.post("/api/v1/complaints", json=body, headers=handler)
    assert response.status_code == 201
    data = queries.case_detail(processes, response.get_json()["reference"]).data
    assert data["received_at"] == "2026-11-20T10:00:00+01:00"
    assert data["received_by"] == "Front desk"
    other = client.post("/api/v1/complaints", json=complaint(channel="letter"), headers=handler)
    assert queries.case_detail(processes, other.get_json()["reference"]).data["received_by"] == "hana"


def test_an_invalid_token_at_intake_is_refused_not_ignored(client, processes):
    problem_of(
        client.post("/api/v1/complaints", json=complaint(), headers={"Authorization": "Bearer x"}), 401
    )


def test_html_is_kept_as_text(client, processes, handler):
    evil = "<script>alert(1)</script><b>bold</b>"
    reference = client.post("/api/v1/complaints", json=complaint(subject=evil)).get_json()["reference"]
    response = client.get(f"/api/v1/cases/{reference}", headers=handler)
    assert response.content_type == "application/json"
    assert response.get_json()["data"]["subject"] == evil


def test_the_same_idempotency_key_returns_the_first_answer_and_creates_nothing(client, processes):
    headers = {HEADER: "c0ffee00-0000-4000-8000-000000000001"}
    first = client.post("/api/v1/complaints", json=complaint(), headers=headers)
    again = client.post("/api/v1/complaints", json=complaint(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count_cases(processes) == 1
    token = first.get_json()["tracking_token"]
    reference = first.get_json()["reference"]
    assert client.get(f"/api/v1/track/{reference}", headers={"X-Tracking-Token": token}).status_code == 200


def test_an_idempotency_key_reused_for_another_body_is_refused(client, processes):
    headers = {HEADER: "c0ffee00-0000-4000-8000-000000000002"}
    assert client.post("/api/v1/complaints", json=complaint(), headers=headers).status_code == 201
    body = problem_of(
        client.post("/api/v1/complaints", json=complaint(subject="Other"), headers=headers), 422
    )
    assert HEADER in body["errors"]
    assert _count_cases(processes) == 1


def test_a_request_still_running_with_the_key_gets_409(client, processes, app):
    from engine.idempotency.store import fingerprint

    key = "c0ffee00-0000-4000-8000-000000000003"
    store = app.extensions["redressal.idempotency"]
    store.begin("complaints\npublic", key, fingerprint("POST", "/api/v1/complaints", complaint()))
    problem_of(client.post("/api/v1/complaints", json=complaint(), headers={HEADER: key}), 409)
    assert _count_cases(processes) == 0


def test_a_failed_request_releases_its_key(client, processes):
    headers = {HEADER: "c0ffee00-0000-4000-8000-000000000004"}
    problem_of(client.post("/api/v1/complaints", json=complaint(description="short"), headers=headers), 422)
    # Same key, corrected body: the first attempt created nothing, so this one runs.
    assert client.post("/api/v1/complaints", json=complaint(), headers=headers).status_code == 201
    assert _count_cases(processes) == 1


def test_a_bad_idempotency_key_is_422(client, processes):
    body = problem_of(client.post("/api/v1/complaints", json=complaint(), headers={HEADER: "short"}), 422)
    assert HEADER in body["errors"]


def test_no_complaint_process_deployed_is_404(client):
    problem_of(client.post("/api/v1/complaints", json=complaint()), 404)
