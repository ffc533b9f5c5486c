"""The hot path's SQL: Core statements compiled once per dialect and run on the driver's own cursor.

A task completion issues a handful of small statements. Through `Connection.execute`, SQLAlchemy's
per-execution machinery (execution context, parameter processing, result wrapping) costs more than SQLite
takes to run them. The statements here are the same Core constructs, compiled once with SQLAlchemy's own
compiler and bind processors, so what reaches the database is exactly what `Connection.execute` would send;
only the per-call bookkeeping is gone. Listeners of `before_cursor_execute` (the statement counter) and
`echo` still see every statement; `after_cursor_execute` listeners and `retval` rewriting are not served.
A driver error that means the connection is gone, or that its prepared statements are stale, invalidates
the connection, as SQLAlchemy would, so the pool replaces it.

Writes go through `engine.store.batch`, which on PostgreSQL sends a unit of work's writes together. Only
module-level statements belong here (the cache holds them by identity); anything else goes through
`Connection.execute` as usual. With `REDRESSAL_FAST_PATH=off` (`engine.core.fast_path`) `first` and
`driver_sql` are plain `Connection.execute` and `exec_driver_sql` calls, chosen once at import.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import Connection, Select
from sqlalchemy.engine.interfaces import DBAPIModule
from sqlalchemy.exc import DBAPIError, ResourceClosedError, StatementError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

from engine.core import fast_path

Params = Mapping[str, Any]
Statement: TypeAlias = Select[Any] | UpdateBase  # what the hot path runs: Core SELECTs and DML

PENDING = "redressal_hot_pending"  # connection info key of the writes that wait (engine.store.batch)


@dataclass(eq=False)  # hashed by identity: a connection keeps its prepared names by the object itself
class Compiled:
    stmt: Statement  # held so that the identity used as cache key stays valid
    sql: str
    names: tuple[str, ...]  # bind names, in order for positional parameter styles
    positional: bool
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    defaults: dict[str, Any]  # values the statement carries itself (a LIMIT, a literal)
    columns: tuple[Any, ...]  # what a SELECT or RETURNING gives back
    row: type | None  # a named tuple for those rows
    # Per column, SQLAlchemy's converter of what the driver returns; set on the first fetch, because some
    # depend on the type the driver reports (cursor.description).
    result_processors: tuple[Callable[[Any], Any] | None, ...] | None = None
    arguments: str | None = None  # "(%(a)s, %(b)s, ...)" for EXECUTE of its prepared form (PostgreSQL)


_CACHE: dict[tuple[str, int, tuple[str, ...]], Compiled] = {}


def driver(conn: Connection) -> Any:
    """The driver's own connection under `conn` (sqlite3's or psycopg's)."""
    found = conn.connection.driver_connection
    if found is None:
        raise ResourceClosedError("the connection was closed")
    return found


def compiled_for(conn: Connection, stmt: Statement, keys: tuple[str, ...]) -> Compiled:
    dialect = conn.dialect
    cache_key = (dialect.name, id(stmt), keys)
    found = _CACHE.get(cache_key)
    if found is not None and found.stmt is stmt:
        return found
    # Compiled as for executemany even for one row: a single-row INSERT would otherwise fetch its new
    # primary key with an implicit RETURNING that nobody reads. An explicit RETURNING stays.
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"only SQL statements run on the hot path, not {type(stmt).__name__}")
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("expanding or literal-execute parameters have no place on the hot path")
    if compiled.insert_prefetch or compiled.update_prefetch:
        # SQLAlchemy computes Python-side column defaults while executing; here they would be NULL.
        missing = ", ".join(c.key for c in [*compiled.insert_prefetch, *compiled.update_prefetch])
        raise ValueError(f"give every column with a Python-side default on the hot path: {missing}")
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.bind_names.values())
    processors: list[tuple[str, Callable[[Any], Any]]] = []
    for name, process in compiled._bind_processors.items():
        if not callable(process):  # a sequence of them, for a tuple-valued parameter
            raise ValueError("tuple-valued parameters have no place on the hot path")
        processors.append((name, process))
    defaults = {name: bp.effective_value for bp, name in compiled.bind_names.items() if not bp.required}
    columns = tuple(getattr(stmt, "exported_columns", ()))
    row = namedtuple("HotRow", [c.key for c in columns], rename=True) if columns else None
    made = Compiled(stmt, compiled.string, names, positional, tuple(processors), defaults, columns, row)
    # Two threads compiling the same statement at once both keep the first one stored.
    return _CACHE.setdefault(cache_key, made)


def bind(compiled: Compiled, params: Params) -> Any:
    values = {**compiled.defaults, **params} if compiled.defaults else dict(params)
    for name, process in compiled.processors:
        if name in values:
            values[name] = process(values[name])
    if compiled.positional:
        return tuple(values[name] for name in compiled.names)
    return values


def announce(conn: Connection, cursor: Any, sql: str, args: Any, many: bool) -> None:
    if conn._echo:
        conn._log_info(sql)
    if conn._has_events or conn.engine._has_events:
        for listener in conn.dispatch.before_cursor_execute:
            listener(conn, cursor, sql, args, None, many)


# SQLSTATEs after which a connection's prepared statements cannot be trusted: a plan whose result type
# changed under it (a migration), a statement the server no longer knows (a pooler switched sessions).
_STALE = frozenset({"0A000", "26000"})


def wrap_error(conn: Connection, sql: str, args: Any, exc: DBAPIModule.Error) -> StatementError:
    """SQLAlchemy's exception for a driver error; a lost or stale connection is invalidated first."""
    own = conn.connection.driver_connection
    gone = conn.dialect.is_disconnect(exc, own, None) or getattr(own, "closed", False)
    stale = getattr(exc, "sqlstate", None) in _STALE
    if (gone or stale) and not conn.invalidated:
        conn.invalidate(exc)
    return DBAPIError.instance(
        sql, args, exc, conn.dialect.loaded_dbapi.Error, connection_invalidated=gone, dialect=conn.dialect
    )


def execute(conn: Connection, stmt: Statement, params: Params | list[Params]) -> Any:
    """Run a statement on the connection's driver cursor; returns the cursor (rowcount, rows)."""
    if isinstance(params, list):
        compiled = compiled_for(conn, stmt, tuple(params[0]))
        return _run(conn, compiled, [bind(compiled, p) for p in params], True)
    compiled = compiled_for(conn, stmt, tuple(params))
    return _run(conn, compiled, bind(compiled, params), False)


def _run(conn: Connection, compiled: Compiled, args: Any, many: bool) -> Any:
    cursor = driver(conn).cursor()
    announce(conn, cursor, compiled.sql, args, many)
    try:
        if many:
            cursor.executemany(compiled.sql, args)
        else:
            cursor.execute(compiled.sql, args)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise wrap_error(conn, compiled.sql, args, exc) from exc
    return cursor


def driver_sql(conn: Connection, sql: str) -> None:
    """A statement without parameters or result (BEGIN IMMEDIATE), on the driver's connection."""
    announce(conn, None, sql, (), False)
    try:
        driver(conn).execute(sql)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise wrap_error(conn, sql, (), exc) from exc


def first(conn: Connection, stmt: Statement, params: Params) -> Any:
    """The first row of a SELECT (or RETURNING) as a named tuple with SQLAlchemy's types applied, or None."""
    if conn.info.get(PENDING):
        from engine.store.batch import flush

        flush(conn)
    compiled = compiled_for(conn, stmt, tuple(params))
    if conn.dialect.name == "postgresql":
        from engine.store.prepared import Message

        message = Message(conn)
        message.add(compiled, bind(compiled, params), stmt)
        try:
            cursor = message.send()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise wrap_error(conn, compiled.sql, params, exc) from exc
    else:
        cursor = _run(conn, compiled, bind(compiled, params), False)
    raw = cursor.fetchone()
    if raw is None:
        return None
    row = compiled.row
    if row is None:
        raise ValueError("first() needs a statement that returns rows (a SELECT, or DML with RETURNING)")
    if compiled.result_processors is None:
        compiled.result_processors = tuple(
            c.type._cached_result_processor(conn.dialect, d[1])
            for c, d in zip(compiled.columns, cursor.description, strict=True)
        )
    return row(
        *(v if p is None or v is None else p(v) for p, v in zip(compiled.result_processors, raw, strict=True))
    )


def plain_first(conn: Connection, stmt: Statement, params: Params) -> Any:
    """`first` through `Connection.execute`: the fast path switched off."""
    return conn.execute(stmt, params).first()


def plain_driver_sql(conn: Connection, sql: str) -> None:
    """`driver_sql` through `Connection.exec_driver_sql`: the fast path switched off."""
    conn.exec_driver_sql(sql)


if not fast_path.ON:
    first = plain_first
    driver_sql = plain_driver_sql
