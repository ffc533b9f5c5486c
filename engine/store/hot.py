"""The hot path's SQL: Core statements compiled once per dialect and run on the driver's own cursor.

A task completion issues a handful of small statements. Through `Connection.execute`, SQLAlchemy's
per-execution machinery (execution context, parameter processing, result wrapping) costs more than SQLite
takes to run them. The statements here are the same Core constructs, compiled once with SQLAlchemy's own
compiler and bind processors, so what reaches the database is exactly what `Connection.execute` would send;
only the per-call bookkeeping is gone. Listeners of `before_cursor_execute` (the statement counter, echo)
still see every statement.

On PostgreSQL a `Batch` sends its statements in one psycopg pipeline: a unit of work's writes cost one round
trip instead of one per statement. Only module-level statements belong here (the cache holds them by
identity); anything else goes through `Connection.execute` as usual.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

Params = Mapping[str, Any]


@dataclass
class _Compiled:
    stmt: ClauseElement  # held so that the identity used as cache key stays valid
    sql: str
    names: tuple[str, ...]  # bind names, in order for positional parameter styles
    positional: bool
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    columns: tuple[Any, ...]  # what a SELECT or RETURNING gives back
    row: type | None  # a named tuple for those rows
    # Per column, SQLAlchemy's converter of what the driver returns; set on the first fetch, because some
    # depend on the type the driver reports (cursor.description).
    result_processors: tuple[Callable[[Any], Any] | None, ...] | None = None


_CACHE: dict[tuple[str, int, tuple[str, ...]], _Compiled] = {}


def _compile(conn: Connection, stmt: ClauseElement, keys: tuple[str, ...]) -> _Compiled:
    dialect = conn.dialect
    cache_key = (dialect.name, id(stmt), keys)
    found = _CACHE.get(cache_key)
    if found is not None and found.stmt is stmt:
        return found
    # Compiled as for executemany even for one row: a single-row INSERT would otherwise fetch its new
    # primary key with an implicit RETURNING that nobody reads. An explicit RETURNING stays.
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("expanding or literal-execute parameters have no place on the hot path")
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup) if positional else tuple(compiled.bind_names.values())
    processors = tuple(compiled._bind_processors.items())
    columns = tuple(getattr(stmt, "exported_columns", ()))
    row = namedtuple("HotRow", [c.key for c in columns], rename=True) if columns else None
    found = _Compiled(stmt, compiled.string, names, positional, processors, columns, row)
    _CACHE[cache_key] = found
    return found


def _bind(compiled: _Compiled, params: Params) -> Any:
    values = dict(params)
    for name, process in compiled.processors:
        if name in values:
            values[name] = process(values[name])
    if compiled.positional:
        return tuple(values[name] for name in compiled.names)
    return values


def _announce(conn: Connection, cursor: Any, compiled: _Compiled, args: Any, many: bool) -> None:
    if conn._has_events or conn.engine._has_events:
        for listener in conn.dispatch.before_cursor_execute:
            listener(conn, cursor, compiled.sql, args, None, many)


def _wrap(conn: Connection, compiled: _Compiled, args: Any, exc: Exception) -> DBAPIError:
    return DBAPIError.instance(compiled.sql, args, exc, conn.dialect.loaded_dbapi.Error)


def execute(conn: Connection, stmt: ClauseElement, params: Params | list[Params]) -> Any:
    """Run a statement on the connection's driver cursor; returns the cursor (rowcount, rows)."""
    many = isinstance(params, list)
    first = params[0] if many else params
    compiled = _compile(conn, stmt, tuple(first))
    args = [_bind(compiled, p) for p in params] if many else _bind(compiled, params)
    cursor = conn.connection.driver_connection.cursor()
    _announce(conn, cursor, compiled, args, many)
    try:
        if many:
            cursor.executemany(compiled.sql, args)
        else:
            cursor.execute(compiled.sql, args)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrap(conn, compiled, args, exc) from exc
    return cursor


def driver_sql(conn: Connection, sql: str) -> None:
    """A statement without parameters or result (BEGIN IMMEDIATE), on the driver's connection."""
    if conn._has_events or conn.engine._has_events:
        for listener in conn.dispatch.before_cursor_execute:
            listener(conn, None, sql, (), None, False)
    conn.connection.driver_connection.execute(sql)


def first(conn: Connection, stmt: ClauseElement, params: Params) -> Any:
    """The first row of a SELECT (or RETURNING) as a named tuple with SQLAlchemy's types applied, or None."""
    if conn.info.get(_PENDING):
        flush(conn)
    cursor = execute(conn, stmt, params)
    raw = cursor.fetchone()
    if raw is None:
        return None
    compiled = _compile(conn, stmt, tuple(params))
    if compiled.result_processors is None:
        compiled.result_processors = tuple(
            c.type._cached_result_processor(conn.dialect, d[1])
            for c, d in zip(compiled.columns, cursor.description, strict=True)
        )
    return compiled.row(
        *(v if p is None or v is None else p(v) for p, v in zip(compiled.result_processors, raw, strict=True))
    )


# --- writes that wait to be sent together (PostgreSQL) ---------------------------------------------------

_PENDING = "redressal_hot_pending"


@dataclass
class _Queued:
    compiled: _Compiled
    args: list[Any]  # one parameter set per statement to send
    conflict: Exception | None  # raised unless exactly one row was changed


def queue(
    conn: Connection, stmt: ClauseElement, params: Params | list[Params], *, conflict: Exception | None = None
) -> None:
    """A write of the current transaction; `conflict` is raised unless it changes exactly one row.

    SQLite has no round trips to save, so the statement runs now. On PostgreSQL it waits until the
    transaction commits, or until anything else runs on the connection (a listener installed by `install`
    sends it first, so statements always run in the order they were written), and all that waits is sent
    as one message. Sent together at the end, a transaction of only such writes is also committed by that
    one message, as one implicit transaction block: one round trip for the whole unit of work.
    """
    if conn.dialect.name != "postgresql":
        cursor = execute(conn, stmt, params)
        if conflict is not None and cursor.rowcount != 1:
            raise conflict
        return
    many = isinstance(params, list)
    first_params = params[0] if many else params
    compiled = _compile(conn, stmt, tuple(first_params))
    args = [_bind(compiled, p) for p in params] if many else [_bind(compiled, params)]
    conn.info.setdefault(_PENDING, []).append(_Queued(compiled, args, conflict))


def flush(conn: Connection, *, commit: bool = False) -> None:
    """Send the writes that wait; with `commit`, let them commit themselves if nothing else ran before.

    `commit` is for the end of a unit of work: when the transaction has sent nothing yet, the writes go as
    one multi-statement message in autocommit mode, which PostgreSQL runs as one transaction (all or
    nothing), and the driver's COMMIT that follows has nothing left to do.
    """
    pending = conn.info.pop(_PENDING, None)
    if not pending:
        return
    driver = conn.connection.driver_connection
    from psycopg import ClientCursor, pq

    cursor = ClientCursor(driver)
    parts = []
    for item in pending:
        for args in item.args:
            _announce(conn, cursor, item.compiled, args, False)
            parts.append(cursor.mogrify(item.compiled.sql, args))
    alone = commit and driver.pgconn.transaction_status == pq.TransactionStatus.IDLE
    try:
        if alone:
            driver.autocommit = True
        cursor.execute(";\n".join(parts))
    except driver.Error as exc:
        conflict = next((q.conflict for q in pending if q.conflict is not None), None)
        if conflict is not None and isinstance(exc, driver.IntegrityError):
            # The audit event's (case, seq) key, or a task's or timer's id, was taken by the writer
            # that got there first: the same verdict as the version check.
            raise conflict from exc
        raise DBAPIError.instance("(batch)", None, exc, driver.Error) from exc
    finally:
        if alone:
            driver.autocommit = False
    for item in pending:
        changed = 0
        for _ in item.args:
            changed += max(cursor.rowcount, 0)
            cursor.nextset()
        if item.conflict is not None and changed != 1:
            raise item.conflict


def install(engine: Any) -> None:
    """On PostgreSQL: whatever else runs on a connection first sends the writes that wait on it."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_execute")
    def _send_first(conn, *_args) -> None:
        if conn.info.get(_PENDING):
            flush(conn)

    @event.listens_for(engine, "rollback")
    def _forget(conn) -> None:
        conn.info.pop(_PENDING, None)
