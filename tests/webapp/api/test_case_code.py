"""POST /api/v1/complaints answers with the case code too (an additive field): the code every letter
prints, which staff logging a phone call can read out at once. A replayed answer gives it again, and the
stored answer does not hold it readable."""

from __future__ import annotations

from sqlalchemy import select

from engine.cases.tables import Case
from engine.complaints import tracking
from engine.idempotency.store import HEADER
from engine.idempotency.tables import IdempotencyRecord
from tests.support.api import complaint


def _open(app, service, reference: str, code: str) -> int:
    return tracking.open_by_code(
        service.db, service.clock, app.extensions["redressal.tracking"], reference, code
    )


def _case_id(service, reference: str) -> int:
    with service.db.reading() as conn:
        return conn.scalar(select(Case.id).where(Case.reference == reference))


def test_public_intake_answers_with_the_case_code(app, client, processes):
    body = client.post("/api/v1/complaints", json=complaint()).get_json()
    assert set(body) == {"reference", "tracking_token", "case_code", "status"}
    assert len(body["case_code"]) == 9 and body["case_code"][4] == "-"
    assert _open(app, processes, body["reference"], body["case_code"]) == _case_id(
        processes, body["reference"]
    )


def test_staff_logging_a_phone_call_get_the_code_to_read_out(app, client, processes, handler):
    body = client.post("/api/v1/complaints", json=complaint(channel="phone"), headers=handler).get_json()
    assert _open(app, processes, body["reference"], body["case_code"]) == _case_id(
        processes, body["reference"]
    )


def test_a_replayed_answer_gives_the_same_code_and_the_stored_one_is_sealed(client, processes):
    headers = {HEADER: "c0ffee00-0000-4000-8000-0000000000c0"}
    first = client.post("/api/v1/complaints", json=complaint(), headers=headers).get_json()
    again = client.post("/api/v1/complaints", json=complaint(), headers=headers).get_json()
    assert again["case_code"] == first["case_code"]
    with processes.db.reading() as conn:
        stored = conn.scalars(select(IdempotencyRecord.response)).all()
    assert stored and not [s for s in stored if first["case_code"] in s]


def test_the_openapi_document_describes_the_field(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "case_code" in spec["components"]["schemas"]["ComplaintCreated"]["properties"]
