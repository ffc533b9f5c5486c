"""The hot path's SQL: same rows and types as SQLAlchemy, writes sent together on PostgreSQL, stale writers
refused on both databases with nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, func, select, update

from engine.errors import ConflictError
from engine.runtime import workflow as wfx
from engine.runtime.casework import CASE, TASK
from engine.store import batch, hot
from engine.store.models import AuditEvent
from tests.conftest import make_user

GOOD = {"subject": "Fee charged twice", "severity_points": 3}

_TASK_ROW = select(TASK).where(TASK.c.case_id == bindparam("case_id"))
_CASE_ROW = select(CASE).where(CASE.c.reference == bindparam("reference"))
_RENAME = update(CASE).where(CASE.c.reference == bindparam("b_ref"), CASE.c.version == bindparam("b_version"))
_COUNT_AUDIT = select(func.count()).select_from(AuditEvent.__table__)


def _started(lifecycle):
    hana = make_user(lifecycle, "hana", "handlers")
    return hana, lifecycle.start_case("lifecycle", {}, hana)


def test_rows_come_back_as_sqlalchemy_gives_them(lifecycle):
    _, case = _started(lifecycle)
    with lifecycle.db.reading() as conn:
        case_row = conn.execute(_CASE_ROW, {"reference": case.reference}).first()
        fast_case = hot.first(conn, _CASE_ROW, {"reference": case.reference})
        task_row = conn.execute(_TASK_ROW, {"case_id": case_row.id}).first()
        fast_task = hot.first(conn, _TASK_ROW, {"case_id": case_row.id})
        assert hot.first(conn, _CASE_ROW, {"reference": "CMP-NOPE"}) is None
    assert tuple(fast_case) == tuple(case_row)
    assert fast_case.reference == case.reference and fast_case.created_at.tzinfo is dt.UTC
    assert tuple(fast_task) == tuple(task_row)
    assert fast_task.created_at == lifecycle.clock.now()


def test_a_queued_write_is_seen_by_what_runs_after_it_in_the_transaction(lifecycle):
    _, case = _started(lifecycle)
    with lifecycle.db.transaction() as conn:
        version = conn.execute(_CASE_ROW, {"reference": case.reference}).first().version
        batch.queue(conn, _RENAME, {"b_ref": case.reference, "b_version": version, "stage": "renamed"})
        # On PostgreSQL the UPDATE waits; any other statement sends it first, so order holds.
        assert conn.execute(_CASE_ROW, {"reference": case.reference}).first().stage == "renamed"
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, _CASE_ROW, {"reference": case.reference}).stage == "renamed"


def test_writes_that_commit_themselves_leave_the_connection_as_it_was(lifecycle):
    _, case = _started(lifecycle)
    for stage in ("one", "two", "three"):
        with lifecycle.db.reading() as conn:
            version = hot.first(conn, _CASE_ROW, {"reference": case.reference}).version
        with lifecycle.db.transaction() as conn:
            batch.queue(conn, _RENAME, {"b_ref": case.reference, "b_version": version, "stage": stage})
        with lifecycle.db.transaction() as conn:
            # A plain transaction afterwards still is one: its failure undoes its write.
            assert not getattr(conn.connection.driver_connection, "autocommit", False)
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, _CASE_ROW, {"reference": case.reference}).stage == "three"


def test_a_failed_unit_of_work_forgets_its_queued_writes(lifecycle):
    _, case = _started(lifecycle)
    with pytest.raises(RuntimeError), lifecycle.db.transaction() as conn:
        version = conn.execute(_CASE_ROW, {"reference": case.reference}).first().version
        batch.queue(conn, _RENAME, {"b_ref": case.reference, "b_version": version, "stage": "never"})
        raise RuntimeError("the process failed")
    with lifecycle.db.transaction() as conn:
        assert conn.execute(_CASE_ROW, {"reference": case.reference}).first().stage != "never"


def test_a_version_checked_write_that_finds_no_row_is_a_conflict(lifecycle):
    _, case = _started(lifecycle)
    with pytest.raises(ConflictError), lifecycle.db.transaction() as conn:
        batch.queue(
            conn,
            _RENAME,
            {"b_ref": case.reference, "b_version": 999, "stage": "stale"},
            conflict=ConflictError("stale"),
        )
    with lifecycle.db.reading() as conn:
        assert hot.first(conn, _CASE_ROW, {"reference": case.reference}).stage != "stale"


def test_a_writer_that_read_an_older_version_is_refused_and_writes_nothing(lifecycle):
    """Two units read the case at the same version; the second to save gets ConflictError.

    On PostgreSQL the loser's writes go with its commit in one message: the audit event's unique (case, seq)
    key refuses them as a whole, so neither its task change nor its audit event lands.
    """
    hana, case = _started(lifecycle)
    task_id = case.tasks[0].id
    row_a, first = lifecycle._read_task(task_id)
    _row_b, second = lifecycle._read_task(task_id)
    for work in (first, second):
        task = wfx.find_task(work.wf, task_id)
        with lifecycle._running(work):
            task.data.update(GOOD)
            task.run()
            wfx.run(work.wf)
        work.record(hana.username, "complete_task", task_id, row_a.task_bpmn_id)
    lifecycle._commit([first])
    with lifecycle.db.reading() as conn:
        events_before = conn.execute(_COUNT_AUDIT).scalar()
        version_before = hot.first(conn, _CASE_ROW, {"reference": case.reference}).version
    with pytest.raises(ConflictError):
        lifecycle._commit([second])
    with lifecycle.db.reading() as conn:
        assert conn.execute(_COUNT_AUDIT).scalar() == events_before
        assert hot.first(conn, _CASE_ROW, {"reference": case.reference}).version == version_before
        tasks = conn.execute(select(TASK.c.id)).scalars().all()
    assert tasks == list(first.before_tasks)


def _prepared_here(conn) -> list[str]:
    return conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()


def test_postgres_prepares_each_hot_statement_once_per_connection(pg, clock):
    from engine.runtime.service import Runtime
    from engine.store.db import Database
    from tests.conftest import FIXTURES, PG_URL, deploy

    db = Database(PG_URL)  # connections of their own, none prepared before
    try:
        runtime = Runtime(db, clock)
        deploy(runtime, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
        hana = make_user(runtime, "hana", "handlers")
        counts = []
        for _ in range(3):
            runtime.start_case("lifecycle", {}, hana)
            with db.transaction() as conn:  # the pool hands the one connection back each time
                counts.append(len(_prepared_here(conn)))
        assert counts[0] >= 2 and counts == [counts[0]] * 3
        with db.reading() as conn:
            before = len(_prepared_here(conn))
            for _ in range(3):
                hot.first(conn, _CASE_ROW, {"reference": "CMP-NOPE"})
            assert len(_prepared_here(conn)) == before + 1
    finally:
        db.dispose()


def test_prepared_statements_survive_a_rolled_back_transaction(lifecycle):
    """psycopg, left to prepare statements itself, deallocates them all on a ROLLBACK, ours included."""
    hana, case = _started(lifecycle)
    for stage in ("before", "after"):
        with lifecycle.db.reading() as conn:
            version = hot.first(conn, _CASE_ROW, {"reference": case.reference}).version
        with lifecycle.db.transaction() as conn:
            batch.queue(conn, _RENAME, {"b_ref": case.reference, "b_version": version, "stage": stage})
        with pytest.raises(RuntimeError), lifecycle.db.transaction() as conn:
            for _ in range(6):  # often enough for psycopg to prepare it, were it allowed to
                conn.execute(_CASE_ROW, {"reference": case.reference})
            raise RuntimeError("undo")
    lifecycle.complete_task(case.tasks[0].id, GOOD, hana)
    with lifecycle.db.reading() as conn:
        row = hot.first(conn, _CASE_ROW, {"reference": case.reference})
    assert row.version == version + 1 and row.status == "awaiting_complainant"


def test_statements_go_as_plain_sql_when_preparing_is_off(pg, clock, monkeypatch):
    from engine.runtime.service import Runtime
    from engine.store.db import Database
    from tests.conftest import FIXTURES, PG_URL, deploy

    monkeypatch.setenv("REDRESSAL_DB_PREPARE", "off")
    db = Database(PG_URL)  # connections of their own, none prepared before
    try:
        runtime = Runtime(db, clock)
        deploy(runtime, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
        hana = make_user(runtime, "hana", "handlers")
        case = runtime.start_case("lifecycle", {}, hana)
        done = runtime.complete_task(case.tasks[0].id, GOOD, hana)
        assert done.status == "awaiting_complainant"
        with db.reading() as conn:
            assert hot.first(conn, _CASE_ROW, {"reference": case.reference}).status == done.status
            assert _prepared_here(conn) == []
        with db.transaction() as conn:
            assert _prepared_here(conn) == []
    finally:
        db.dispose()
