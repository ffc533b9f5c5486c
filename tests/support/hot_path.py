"""Statements and a started case shared by the store's tests."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, select, update

from engine.cases.store import CASE, TASK
from engine.cases.tables import AuditEvent
from engine.store import hot
from tests.support.builders import make_user

GOOD = {"subject": "Fee charged twice", "severity_points": 3}

TASK_ROW = select(TASK).where(TASK.c.case_id == bindparam("case_id"))
CASE_ROW = select(CASE).where(CASE.c.reference == bindparam("reference"))
RENAME = update(CASE).where(
    CASE.c.reference == bindparam("b_ref"), CASE.c.lock_version == bindparam("b_lock_version")
)
COUNT_AUDIT = select(func.count()).select_from(AuditEvent.__table__)


def started(service):
    """A handler and a case of the lifecycle fixture process, started through the engine."""
    hana = make_user(service, "hana", "handlers")
    return hana, service.start_case("lifecycle", {}, hana)


def prepared_here(conn) -> list[str]:
    return conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()


def fails_once_then_reads(db, reference: str, error: type[Exception]) -> None:
    """The next read of the case raises `error`; the pool replaces that connection, the next read works."""
    with pytest.raises(error), db.reading() as conn:
        hot.first(conn, CASE_ROW, {"reference": reference})
    with db.reading() as conn:
        assert hot.first(conn, CASE_ROW, {"reference": reference}).reference == reference
