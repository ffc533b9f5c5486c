"""Migration 0008 on SQLite and PostgreSQL: tracking rows of existing cases get a code nonce, the attempt
and link tables appear, and the way back drops them again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select

from engine.cases.tables import Case
from engine.complaints import tracking as track
from engine.complaints.tables import CaseTracking
from engine.core.errors import NotFound
from engine.store.migrate import alembic_config, current, upgrade
from tests.support.builders import ROOT, deploy, make_user
from tests.support.paths import intake
from tests.support.tracking import file, settings


def test_existing_cases_get_a_code_and_new_tables_appear(service, db, clock):
    deploy(service, ROOT / "processes", forms=ROOT / "forms")
    keys = settings()
    filed = file(service, keys)
    staff_started = service.start_case("complaint_handling", intake(), make_user(service, "hana", "handlers"))
    with db.reading() as conn:
        staff_case = conn.scalar(select(Case.id).where(Case.reference == staff_started.reference))
    track.case_code(db, clock, keys, staff_case)  # a tracking row with a code and no intake token
    try:
        command.downgrade(alembic_config(db), "0007")
        assert current(db) == "0007"
        tables = set(inspect(db.engine).get_table_names())
        assert not {"tracking_attempt", "tracking_link"} & tables
        assert "code_nonce" not in {c["name"] for c in inspect(db.engine).get_columns("case_tracking")}
        with db.reading() as conn:  # the code-only row could not stand without a token before 0008
            assert staff_case not in conn.scalars(select(CaseTracking.__table__.c.case_id)).all()

        upgrade(db, "0008")
        assert current(db) == "0008"
        assert {"tracking_attempt", "tracking_link"} <= set(inspect(db.engine).get_table_names())
        with db.reading() as conn:
            row = conn.execute(select(CaseTracking.__table__)).one()
        assert row.code_nonce and len(row.code_nonce) == 32
        assert track.verify(db, filed["reference"], filed["tracking_token"])  # the intake token survives
        # A new nonce is a new code: cases from before 0008 had none printed, so nothing is lost.
        code = track.case_code(db, clock, keys, row.case_id)
        assert track.open_by_code(db, clock, keys, filed["reference"], code) == row.case_id
        with pytest.raises(NotFound):
            track.open_by_code(db, clock, keys, filed["reference"], "ZZZZ-ZZZZ")
    finally:
        upgrade(db)
