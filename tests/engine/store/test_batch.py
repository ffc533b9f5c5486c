"""A unit of work's writes: sent in order, together on PostgreSQL; a stale writer refused with nothing of it
written; other database errors left as what they are."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from engine.bpmn import workflow as wfx
from engine.cases.store import TASK
from engine.core.errors import ConflictError
from engine.letters.tables import Outbox
from engine.store import batch, hot
from tests.support.hot_path import CASE_ROW, COUNT_AUDIT, GOOD, RENAME, started


def test_a_queued_write_is_seen_by_what_runs_after_it_in_the_transaction(lifecycle):
    _, case = started(lifecycle)
    with lifecycle.db.transaction() as conn:
        version = conn.execute(CASE_ROW, {"reference": case.reference}).first().lock_version
        batch.queue(conn, RENAME, {"b_ref": case.reference, "b_lock_version": version, "stage": "renamed"})
        # On PostgreSQL the UPDATE waits; any other statement sends it first, so order holds.
        assert conn.execute(CASE_ROW, {"reference": case.reference}).first().stage == "renamed"
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).stage == "renamed"


def test_writes_that_commit_themselves_leave_the_connection_as_it_was(lifecycle):
    _, case = started(lifecycle)
    for stage in ("one", "two", "three"):
        with lifecycle.db.reading() as conn:
            version = hot.first(conn, CASE_ROW, {"reference": case.reference}).lock_version
        with lifecycle.db.transaction() as conn:
            batch.queue(conn, RENAME, {"b_ref": case.reference, "b_lock_version": version, "stage": stage})
        with lifecycle.db.transaction() as conn:
            # A plain transaction afterwards still is one: its failure undoes its write.
            assert not getattr(conn.connection.driver_connection, "autocommit", False)
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).stage == "three"


def test_a_failed_unit_of_work_forgets_its_queued_writes(lifecycle):
    _, case = started(lifecycle)
    with pytest.raises(RuntimeError), lifecycle.db.transaction() as conn:
        version = conn.execute(CASE_ROW, {"reference": case.reference}).first().lock_version
        batch.queue(conn, RENAME, {"b_ref": case.reference, "b_lock_version": version, "stage": "never"})
        raise RuntimeError("the process failed")
    with lifecycle.db.transaction() as conn:
        assert conn.execute(CASE_ROW, {"reference": case.reference}).first().stage != "never"


def test_a_version_checked_write_that_finds_no_row_is_a_conflict(lifecycle):
    _, case = started(lifecycle)
    with pytest.raises(ConflictError), lifecycle.db.transaction() as conn:
        batch.queue(
            conn,
            RENAME,
            {"b_ref": case.reference, "b_lock_version": 999, "stage": "stale"},
            conflict=ConflictError("stale"),
        )
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).stage != "stale"


def test_a_writer_that_read_an_older_version_is_refused_and_writes_nothing(lifecycle):
    """Two units read the case at the same version; the second to save gets ConflictError.

    On PostgreSQL the loser's writes go with its commit in one message: the audit event's unique (case, seq)
    key refuses them as a whole, so neither its task change nor its audit event lands.
    """
    hana, case = started(lifecycle)
    task_id = case.tasks[0].id
    row_a, first = lifecycle.read_task(task_id)
    _row_b, second = lifecycle.read_task(task_id)
    for work in (first, second):
        task = wfx.find_task(work.wf, task_id)
        with lifecycle.store.running(work):
            task.data.update(GOOD)
            task.run()
            wfx.run(work.wf)
        work.record(hana.username, "complete_task", task_id, row_a.task_bpmn_id)
    lifecycle.commit([first])
    with lifecycle.db.reading() as conn:
        events_before = conn.execute(COUNT_AUDIT).scalar()
        version_before = hot.first(conn, CASE_ROW, {"reference": case.reference}).lock_version
    with pytest.raises(ConflictError):
        lifecycle.commit([second])
    with lifecycle.db.reading() as conn:
        assert conn.execute(COUNT_AUDIT).scalar() == events_before
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).lock_version == version_before
        tasks = conn.execute(select(TASK.c.id)).scalars().all()
    assert tasks == list(first.before_tasks)


def test_a_queued_write_goes_before_plain_driver_sql(lifecycle):
    _, case = started(lifecycle)
    with lifecycle.db.transaction() as conn:
        version = conn.execute(CASE_ROW, {"reference": case.reference}).first().lock_version
        batch.queue(conn, RENAME, {"b_ref": case.reference, "b_lock_version": version, "stage": "first"})
        stage = conn.exec_driver_sql('SELECT stage FROM "case"').scalar()  # the one case there is
    assert stage == "first"


def test_other_integrity_errors_are_not_called_conflicts(lifecycle):
    """Only the keys a racing writer trips over mean "someone else was first"; a broken write stays one."""
    _, case = started(lifecycle)
    with pytest.raises(IntegrityError), lifecycle.db.transaction() as conn:
        version = conn.execute(CASE_ROW, {"reference": case.reference}).first().lock_version
        batch.queue(
            conn,
            RENAME,
            {"b_ref": case.reference, "b_lock_version": version, "stage": "never"},
            conflict=ConflictError("stale"),
            conflict_keys=frozenset({"audit_event_case_id_seq_key"}),
        )
        now = lifecycle.clock.now()
        row = {"template": None, "language": "en", "recipient": "x@example.org", "params": "{}"}
        row |= {"status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        batch.queue(conn, insert(Outbox.__table__), row)  # a template is required
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).stage != "never"


def test_postgres_writes_wait_only_inside_a_transaction(own_pg):
    _, case = started(own_pg)
    with own_pg.db.reading() as conn, pytest.raises(RuntimeError, match="transaction"):
        batch.queue(conn, RENAME, {"b_ref": case.reference, "b_lock_version": 1, "stage": "nowhere"})
