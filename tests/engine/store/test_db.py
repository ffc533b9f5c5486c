"""The database handle: SQLite durability settings, and migrations that can run again safely."""

from __future__ import annotations

from sqlalchemy import event, inspect, text

from engine.store.db import Database, normalise_url
from engine.store.migrate import current, upgrade
from engine.tables import Base


def test_sqlite_connections_use_wal_and_full_sync(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/nested/folder/x.sqlite3")
    try:
        assert (tmp_path / "nested" / "folder").is_dir()
        for connect in (db.reading, db.transaction):
            with connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        db.dispose()


def test_sqlite_writes_take_the_write_lock_at_begin(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/x.sqlite3")
    statements: list[str] = []
    try:
        with db.transaction() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        with db.write() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        with db.read() as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        db.dispose()
    assert statements[0] == "BEGIN IMMEDIATE"
    assert statements.count("BEGIN IMMEDIATE") == 1  # the read took no write lock


def test_postgres_urls_use_the_psycopg_driver():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"


def test_migrations_are_idempotent(db):
    head = current(db)
    assert head is not None
    upgrade(db)
    upgrade(db)
    assert current(db) == head
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_migrations_build_a_fresh_database_from_nothing(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/fresh.sqlite3")
    try:
        assert current(db) is None
        upgrade(db)
        head = current(db)
        upgrade(db)
        assert current(db) == head is not None
        assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()


def test_a_task_completion_is_five_statements_and_one_commit(db, clock):
    """The benchmark's figure, kept by a test: BEGIN, a read, the case UPDATE, the task index, the audit."""
    from engine.cases.service import CaseService
    from engine.store.db import StatementCounter
    from tests.support.builders import ROOT, deploy, make_user

    service = CaseService(db, clock)
    deploy(service, ROOT / "bench" / "six_tasks.bpmn")
    actor = make_user(service, "bench", roles=("handler",))
    case = service.start_case("Process_complaint6", {}, actor)
    counter = StatementCounter(db)
    with counter:
        counter.reset()
        service.complete_task(case.tasks[0].id, {"field": 0, "summary": "Fee charged twice"}, actor)
    assert (counter.statements, counter.commits) == (5, 1), counter.log
