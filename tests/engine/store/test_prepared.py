"""PostgreSQL's prepared statements: made once per connection, kept across rollbacks, dropped with a
connection whose plans a migration made stale, and not used at all when switched off."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import NotSupportedError

from engine.store import batch, hot
from tests.support.builders import make_user
from tests.support.hot_path import (
    CASE_ROW,
    GOOD,
    RENAME,
    fails_once_then_reads,
    prepared_here,
    started,
)


def test_postgres_prepares_each_hot_statement_once_per_connection(own_pg):
    db = own_pg.db
    hana = make_user(own_pg, "hana", "handlers")
    counts = []
    for _ in range(3):
        own_pg.start_case("lifecycle", {}, hana)
        with db.transaction() as conn:  # the pool hands the one connection back each time
            counts.append(len(prepared_here(conn)))
    assert counts[0] >= 2 and counts == [counts[0]] * 3
    with db.reading() as conn:
        before = len(prepared_here(conn))
        for _ in range(3):
            hot.first(conn, CASE_ROW, {"reference": "CMP-NOPE"})
        assert len(prepared_here(conn)) == before + 1


def test_prepared_statements_survive_a_rolled_back_transaction(lifecycle):
    """psycopg, left to prepare statements itself, deallocates them all on a ROLLBACK, ours included."""
    hana, case = started(lifecycle)
    for stage in ("before", "after"):
        with lifecycle.db.reading() as conn:
            version = hot.first(conn, CASE_ROW, {"reference": case.reference}).lock_version
        with lifecycle.db.transaction() as conn:
            batch.queue(conn, RENAME, {"b_ref": case.reference, "b_lock_version": version, "stage": stage})
        with pytest.raises(RuntimeError), lifecycle.db.transaction() as conn:
            for _ in range(6):  # often enough for psycopg to prepare it, were it allowed to
                conn.execute(CASE_ROW, {"reference": case.reference})
            raise RuntimeError("undo")
    lifecycle.complete_task(case.tasks[0].id, GOOD, hana)
    with lifecycle.db.reading() as conn:
        row = hot.first(conn, CASE_ROW, {"reference": case.reference})
    assert row.lock_version == version + 1 and row.status == "awaiting_complainant"


def test_statements_go_as_plain_sql_when_preparing_is_off(own_pg, monkeypatch):
    monkeypatch.setenv("REDRESSAL_DB_PREPARE", "off")  # read per statement sent; nothing prepared yet
    db = own_pg.db
    hana, case = started(own_pg)
    done = own_pg.complete_task(case.tasks[0].id, GOOD, hana)
    assert done.status == "awaiting_complainant"
    with db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).status == done.status
        assert prepared_here(conn) == []
    with db.transaction() as conn:
        assert prepared_here(conn) == []


def test_a_plan_made_stale_by_a_migration_costs_one_failed_read(own_pg):
    _, case = started(own_pg)
    db = own_pg.db
    with db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": case.reference}).stage is not None
    with db.transaction() as conn:
        conn.exec_driver_sql('ALTER TABLE "case" ALTER COLUMN stage TYPE VARCHAR(90)')
    try:
        fails_once_then_reads(db, case.reference, NotSupportedError)  # "cached plan must not change"
    finally:
        with db.transaction() as conn:
            conn.exec_driver_sql('ALTER TABLE "case" ALTER COLUMN stage TYPE VARCHAR(80)')
