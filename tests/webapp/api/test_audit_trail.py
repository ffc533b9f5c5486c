"""The audit trail carries what happened and by whom, never the personal data a complainant gave."""

from __future__ import annotations

import json

from sqlalchemy import select, text, update

from engine.cases.audit import matches, verify_chain
from engine.cases.tables import AuditEvent, Case
from tests.support.api import complaint

PERSONAL = {
    "complainant": {
        "name": "Ana Quintero-Example",
        "email": "ana.quintero@example.org",
        "phone": "+44 20 7946 0958",
        "address": "12 Orchard Lane, Leeds LS1 4AP",
        "language": "en",
    },
    "description": "My landlord Mr Bartholomew Wexford took the deposit twice from account 40-12-77.",
    "subject": "Deposit taken twice by Wexford",
}
REPLY = "I withdraw because Dr Imogen Talbot-Reyes advised me to."


def _events(db, reference):
    with db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.reference == reference))
        return case_id, list(
            session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
        )


def _values(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _values(v)
    elif isinstance(value, str) and len(value) > 3:
        yield value


def _leaks(events, values) -> list[str]:
    found = []
    for event in events:
        row = " ".join(str(getattr(event, c)) for c in ("actor", "action", "element", "task_id", "detail"))
        found += [f"{event.action}: {v}" for v in values if v in row or json.dumps(v)[1:-1] in row]
    return found


def test_no_intake_value_reaches_an_audit_event(client, processes, handler, db):
    body = complaint(**PERSONAL)
    created = client.post("/api/v1/complaints", json=body).get_json()
    reference, track = created["reference"], {"X-Tracking-Token": created["tracking_token"]}
    task = client.get("/api/v1/tasks", headers=handler).get_json()["items"][0]
    decision = {"decision_summary": "We refund Ana Quintero-Example", "reasons": "Wexford's deposit"}
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=handler, json={"data": decision})
    assert done.status_code == 200, done.get_json()
    sent = client.post(
        f"/api/v1/track/{reference}/messages", headers=track, json={"type": "withdraw", "text": REPLY}
    )
    assert sent.status_code == 200, sent.get_json()

    _case_id, events = _events(db, reference)
    assert [e.action for e in events][:1] == ["start"] and "message" in [e.action for e in events]
    values = [*_values(PERSONAL), *_values(decision), REPLY, created["tracking_token"]]
    assert _leaks(events, values) == []
    assert verify_chain(events) is None
    # What the events keep: which fields, and a digest that proves the values while the salt exists.
    start = json.loads(events[0].detail)
    assert {"complainant", "description", "subject"} <= set(start["fields"])
    with db.read() as session:
        salt = session.scalar(select(Case.audit_salt).where(Case.reference == reference))
    completion = next(json.loads(e.detail) for e in events if e.action == "complete_task")
    submitted = {**decision, "needs_information": False}  # as validated, with the form's default
    assert completion["fields"] == sorted(submitted) and matches(salt, submitted, completion)
    assert not matches(salt, {**submitted, "reasons": "something else"}, completion)

    # Staff still see the timeline and the current data on the case.
    detail = client.get(f"/api/v1/cases/{reference}", headers=handler).get_json()
    assert [h["action"] for h in detail["history"]] == [e.action for e in events]
    assert detail["data"]["complainant"]["email"] == PERSONAL["complainant"]["email"]


def test_the_chain_stays_verifiable_when_the_personal_data_is_erased(client, processes, db):
    reference = client.post("/api/v1/complaints", json=complaint(**PERSONAL)).get_json()["reference"]
    with db.write() as session:  # what erasure does to the rows that hold personal data
        session.execute(update(Case).where(Case.reference == reference).values(summary="{}", audit_salt=None))
        session.execute(text("DELETE FROM case_tracking"))
    _case_id, events = _events(db, reference)
    assert verify_chain(events) is None
