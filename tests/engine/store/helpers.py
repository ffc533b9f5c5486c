"""Statements and a started case shared by the store's tests."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from engine.runtime.casework import CASE, TASK
from engine.store.models import AuditEvent
from tests.conftest import make_user

GOOD = {"subject": "Fee charged twice", "severity_points": 3}

TASK_ROW = select(TASK).where(TASK.c.case_id == bindparam("case_id"))
CASE_ROW = select(CASE).where(CASE.c.reference == bindparam("reference"))
RENAME = update(CASE).where(CASE.c.reference == bindparam("b_ref"), CASE.c.version == bindparam("b_version"))
COUNT_AUDIT = select(func.count()).select_from(AuditEvent.__table__)


def started(runtime):
    """A handler and a case of the lifecycle fixture process, started through the engine."""
    hana = make_user(runtime, "hana", "handlers")
    return hana, runtime.start_case("lifecycle", {}, hana)


def prepared_here(conn) -> list[str]:
    return conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()
