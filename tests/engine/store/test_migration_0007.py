"""Migration 0007 takes personal data out of existing audit trails and re-chains them, naming the old head."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import select, update

from engine.cases.audit import GENESIS, event_hash, verify_chain
from engine.cases.tables import AuditEvent, Case
from engine.store.migrate import alembic_config, current, upgrade

START_DATA = {"subject": "Ana Oldshape-Example lost her deposit", "category": "fees"}
FORM_DATA = {"subject": "Ana Oldshape-Example", "severity_points": 3, "category": "fees"}
PAYLOAD = {"accept": False, "text": "Call me on +44 7700 900123, Ana Oldshape-Example"}
OLD_DETAIL = {
    "start": {"data": START_DATA},
    "complete_task": {"data": FORM_DATA},
    "message": {"payload": PAYLOAD},
}


def _events(db, case_id):
    with db.read() as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
        )


def _write_old_shape(db, case_id) -> str:
    """Rewrite the trail as the engine wrote it before 0007: submitted values inside the chained events."""
    prev = GENESIS
    with db.write() as session:
        for ev in session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)
        ):
            detail = {k: v for k, v in json.loads(ev.detail).items() if k not in ("fields", "digest")}
            detail.update(OLD_DETAIL.get(ev.action, {}))
            ev.detail = json.dumps(detail, default=str, separators=(",", ":"), sort_keys=True)
            ev.prev_hash = prev
            ev.hash = prev = event_hash(
                prev, ev.seq, ev.at, ev.actor, ev.action, ev.task_id, ev.element,
                ev.status_before, ev.status_after, ev.detail,
            )  # fmt: skip
        session.execute(update(Case).where(Case.id == case_id).values(last_hash=prev))
    return prev


def test_an_old_trail_is_cleaned_and_re_chained(lifecycle, handler, db):
    started = lifecycle.start_case("lifecycle", START_DATA, handler)
    lifecycle.complete_task(started.tasks[0].id, FORM_DATA, handler)
    with db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.reference == started.reference))
    old_head = _write_old_shape(db, case_id)
    old = _events(db, case_id)
    assert verify_chain(old) is None and "Oldshape" in old[0].detail  # the old shape, intact

    try:
        command.downgrade(alembic_config(db), "0006")
        assert current(db) == "0006"
        upgrade(db, "0007")  # later migrations are not this test's business
        assert current(db) == "0007"
        events = _events(db, case_id)
        assert verify_chain(events) is None
        assert [e.action for e in events] == [e.action for e in old] + ["audit_rechained"]
        assert not [e.seq for e in events if "Oldshape" in e.detail or "+44" in e.detail]
        rechain = json.loads(events[-1].detail)
        assert rechain["old_head"] == old_head and rechain["events"] == len(old)
        assert json.loads(events[0].detail)["fields"] == sorted(START_DATA)
        with db.read() as session:
            row = session.get(Case, case_id)
            assert (row.lock_version, row.last_hash) == (events[-1].seq, events[-1].hash)
            assert row.audit_salt

        # The case goes on from the re-chained head: the next event links to it and the chain holds.
        lifecycle.deliver_message(started.reference, "complainant_reply", PAYLOAD, handler)
        after = _events(db, case_id)
        assert after[-1].action == "message" and after[-1].prev_hash == events[-1].hash
        assert verify_chain(after) is None and "+44" not in after[-1].detail
    finally:
        upgrade(db)
