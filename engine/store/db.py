"""The database handle: one SQLAlchemy engine, a read path and a write path.

Reads run without a transaction (autocommit) so that the slow part of a service call, running the workflow,
holds no lock. Writes run in one short transaction; on SQLite it starts with `BEGIN IMMEDIATE`, so two writers
queue on the busy timeout instead of failing when a deferred read lock cannot be upgraded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine.core.errors import ConflictError
from engine.store import batch, hot, prepared

DEFAULT_SQLITE = "sqlite:///var/redressal.sqlite3"


def database_url() -> str:
    return os.environ.get("REDRESSAL_DATABASE_URL", DEFAULT_SQLITE)


def normalise_url(url: str) -> str:
    # People write postgresql://; we ship psycopg 3, whose SQLAlchemy dialect has its own name.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Database:
    def __init__(self, url: str | None = None, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = normalise_url(url or database_url())
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.url.split("///", 1)[1] if "///" in self.url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url,
                echo=echo,
                pool_size=pool_size,
                max_overflow=20,
                pool_pre_ping=False,
                connect_args=prepared.CONNECT_ARGS,
            )
            batch.install(self.engine)
        if self.is_sqlite:
            self._read_engine = self.engine.execution_options(redressal_read=True)
        else:
            # A pool of its own whose connections stay in autocommit: switching a pooled connection's
            # isolation level on every checkout and back on return costs a round trip each way.
            self._read_engine = create_engine(
                self.url,
                echo=echo,
                pool_size=pool_size,
                max_overflow=20,
                isolation_level="AUTOCOMMIT",
                pool_reset_on_return=None,
                # No JIT for the short reads of lists and pages: PostgreSQL compiles a query whose cost
                # estimate is high (an inbox page's LIMIT over index walks), spending 30-40 ms to save
                # nothing on a query that runs in 2 ms (bench/inbox_bench.py).
                connect_args={**prepared.CONNECT_ARGS, "options": "-c jit=off"},
            ).execution_options(redressal_read=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; no transaction is held, nothing may be written through it."""
        with Session(self._read_engine, expire_on_commit=False, autoflush=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back entirely otherwise."""
        with Session(self.engine, expire_on_commit=False, autoflush=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A bare connection for hot read paths: no ORM bookkeeping, no transaction held."""
        with self._read_engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A bare connection in one transaction, for hot write paths: commit on success, else roll back."""
        try:
            with self.engine.begin() as conn:
                yield conn
                batch.flush(conn, commit=True)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) in _RACES:
                raise ConflictError(
                    "someone else changed the same records at the same moment; reload and try again"
                ) from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()
        if not self.is_sqlite:
            self._read_engine.engine.dispose()


# PostgreSQL's verdicts on two transactions that got in each other's way: the same as a version conflict.
_RACES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # The driver must not open transactions by itself: we say BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside the writer; FULL makes each commit durable across a power cut,
        # which the audit trail needs.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("redressal_read"):
            return
        hot.driver_sql(conn, "BEGIN IMMEDIATE")


class StatementCounter:
    """Counts statements and commits issued through an engine; the benchmark and tests use it.

    BEGIN counts as a statement whether the driver sends it (psycopg) or we do (SQLite's BEGIN IMMEDIATE).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.statements = 0
        self.commits = 0
        self.log: list[str] = []

    def _stmt(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("BEGIN"):
            return  # counted by the begin event
        self.statements += 1
        self.log.append(statement.split("\n", 1)[0][:120])

    def _begin(self, conn) -> None:
        if conn.get_execution_options().get("redressal_read"):
            return
        self.statements += 1
        self.log.append("BEGIN")

    def _commit(self, conn) -> None:
        self.commits += 1

    def _engines(self) -> list[Engine]:
        # On SQLite the read engine shares the main engine's pool and events; on PostgreSQL it has its own.
        return [self.db.engine] if self.db.is_sqlite else [self.db.engine, self.db._read_engine.engine]

    def __enter__(self) -> StatementCounter:
        for engine in self._engines():
            event.listen(engine, "before_cursor_execute", self._stmt)
            event.listen(engine, "begin", self._begin)
            event.listen(engine, "commit", self._commit)
        return self

    def __exit__(self, *exc) -> None:
        for engine in self._engines():
            event.remove(engine, "before_cursor_execute", self._stmt)
            event.remove(engine, "begin", self._begin)
            event.remove(engine, "commit", self._commit)

    def reset(self) -> None:
        self.statements = 0
        self.commits = 0
        self.log.clear()
