"""A service on PostgreSQL connections of its own, for tests that watch what a connection holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.cases.service import CaseService
from engine.store.db import Database
from tests.support.builders import FIXTURES, PG_URL, deploy


@pytest.fixture
def own_pg(pg, clock) -> Iterator[CaseService]:
    """The lifecycle process deployed, on a fresh pool whose connections nothing else has used."""
    db = Database(PG_URL)
    try:
        service = CaseService(db, clock)
        deploy(service, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
        yield service
    finally:
        db.dispose()
