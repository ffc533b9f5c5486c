"""The hot path's SQL: the same rows and types as SQLAlchemy, SQLAlchemy's errors, lost connections
replaced, one compiled statement per statement however many threads ask at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import OperationalError

from engine.letters.tables import Outbox
from engine.store import hot
from tests.support.hot_path import CASE_ROW, TASK_ROW, fails_once_then_reads, started


def test_rows_come_back_as_sqlalchemy_gives_them(lifecycle):
    _, case = started(lifecycle)
    with lifecycle.db.reading() as conn:
        case_row = conn.execute(CASE_ROW, {"reference": case.reference}).first()
        fast_case = hot.first(conn, CASE_ROW, {"reference": case.reference})
        task_row = conn.execute(TASK_ROW, {"case_id": case_row.id}).first()
        fast_task = hot.first(conn, TASK_ROW, {"case_id": case_row.id})
        assert hot.first(conn, CASE_ROW, {"reference": "CMP-NOPE"}) is None
    assert tuple(fast_case) == tuple(case_row)
    assert fast_case.reference == case.reference and fast_case.created_at.tzinfo is dt.UTC
    assert tuple(fast_task) == tuple(task_row)
    assert fast_task.created_at == lifecycle.clock.now()


def test_threads_compiling_a_statement_at_once_share_one(lifecycle, monkeypatch):
    """Two compilations of one statement would each get a prepared name on their connections; the loser's
    object, freed, could lend its address (and so its name) to another statement."""
    fresh = select(Outbox.__table__).where(Outbox.__table__.c.id == bindparam("outbox_id"))
    barrier = threading.Barrier(2)
    compile_once = type(fresh).compile

    def slow_compile(self, *args, **kwargs):
        if self is fresh:
            barrier.wait(timeout=10)  # both threads are past the cache lookup before either stores
        return compile_once(self, *args, **kwargs)

    monkeypatch.setattr(type(fresh), "compile", slow_compile)
    got = []

    def compile_it() -> None:
        with lifecycle.db.reading() as conn:
            got.append(hot.compiled_for(conn, fresh, ("outbox_id",)))

    threads = [threading.Thread(target=compile_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2 and got[0] is got[1]


def test_statements_that_would_lose_python_side_defaults_are_refused(lifecycle):
    from sqlalchemy import insert

    with pytest.raises(ValueError, match="language"), lifecycle.db.reading() as conn:
        hot.compiled_for(conn, insert(Outbox.__table__), ("template", "recipient"))


def test_driver_errors_come_as_sqlalchemy_errors(tmp_path):
    from engine.store.db import Database

    db = Database(f"sqlite:///{tmp_path}/x.sqlite3")
    try:
        with pytest.raises(OperationalError), db.transaction() as conn:
            hot.driver_sql(conn, "BEGIN IMMEDIATE")  # one is open already
    finally:
        db.dispose()


def test_a_connection_the_server_dropped_is_replaced(own_pg):
    _, case = started(own_pg)
    db = own_pg.db
    with db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}) is not None
        backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with db.transaction() as other:
        other.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
    fails_once_then_reads(db, case.reference, OperationalError)
