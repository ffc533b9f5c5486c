"""Shared fixtures: a real database (SQLite file and PostgreSQL), a service with a clock tests can move,
and helpers that build cases through the engine's own services."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from engine.cases.service import CaseService
from engine.core.actors import Actor
from engine.core.clock import FixedClock
from engine.store.db import Database
from engine.store.migrate import upgrade
from engine.tables import Base
from tests.support.builders import FIXTURES, PG_URL, START, deploy, make_user

# The suite's own server key for case codes, so that no test writes a key file into var/ (tests of the key
# file pass an environment of their own; engine tests of codes build TrackingSettings with their own key).
os.environ.setdefault("REDRESSAL_SECRET_KEY", "the test suite's secret key for case codes")

# Fixtures that need the PostgreSQL server, whichever fixture or test asks for them.
POSTGRES_FIXTURES = frozenset({"pg_db", "pg", "own_pg"})


def needs_postgres(item: pytest.Item) -> bool:
    """Whether a collected test runs on PostgreSQL: the `db` fixture's postgresql case, or a fixture above."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("db") == "postgresql":
        return True
    return not POSTGRES_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark PostgreSQL tests while collecting, so that `-m "not postgres"` leaves every one of them out
    (a marker added when a fixture runs is too late for `-m`)."""
    for item in items:
        if needs_postgres(item):
            item.add_marker(pytest.mark.postgres)


def _reset(db: Database) -> None:
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db)


def _truncate(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " RESTART IDENTITY CASCADE")
            )


@pytest.fixture(scope="session")
def sqlite_db(tmp_path_factory) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('db')}/redressal.sqlite3")
    _reset(db)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def pg_db() -> Iterator[Database]:
    db = Database(PG_URL)
    try:
        _reset(db)
    except Exception as exc:  # pragma: no cover - environment problem, said plainly
        pytest.fail(f"PostgreSQL at {PG_URL} is not usable: {exc}")
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request) -> Database:
    """Each test that uses it runs twice: on a SQLite file and on PostgreSQL."""
    if request.param == "postgresql":
        database = request.getfixturevalue("pg_db")
    else:
        database = request.getfixturevalue("sqlite_db")
    _truncate(database)
    return database


@pytest.fixture
def pg(pg_db) -> Database:
    _truncate(pg_db)
    return pg_db


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def service(db, clock) -> CaseService:
    return CaseService(db, clock)


@pytest.fixture
def lifecycle(service) -> CaseService:
    deploy(service, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
    return service


@pytest.fixture
def handler(service) -> Actor:
    return make_user(service, "hana", "handlers")
