"""Core statements compiled once per dialect, bound with SQLAlchemy's own processors, run on the driver.

The pieces of the hot path that reads (`engine.store.hot`), batched writes (`engine.store.batch`) and
prepared statements (`engine.store.prepared`) all share; see `engine.store.hot` for why they exist.
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

PENDING = "redressal_hot_pending"  # connection info key of the writes that wait (engine.store.batch)


@dataclass(eq=False)  # hashed by identity: a connection keeps its prepared names by the object itself
class Compiled:
    stmt: ClauseElement  # held so that the identity used as cache key stays valid
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


def compiled_for(conn: Connection, stmt: ClauseElement, keys: tuple[str, ...]) -> Compiled:
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
    if compiled.insert_prefetch or compiled.update_prefetch:
        # SQLAlchemy computes Python-side column defaults while executing; here they would be NULL.
        names = ", ".join(c.key for c in compiled.insert_prefetch + compiled.update_prefetch)
        raise ValueError(f"give every column with a Python-side default on the hot path: {names}")
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup) if positional else tuple(compiled.bind_names.values())
    processors = tuple(compiled._bind_processors.items())
    defaults = {name: bp.effective_value for bp, name in compiled.bind_names.items() if not bp.required}
    columns = tuple(getattr(stmt, "exported_columns", ()))
    row = namedtuple("HotRow", [c.key for c in columns], rename=True) if columns else None
    made = Compiled(stmt, compiled.string, names, positional, processors, defaults, columns, row)
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


def wrap_error(conn: Connection, sql: str, args: Any, exc: Exception) -> DBAPIError:
    """SQLAlchemy's exception for a driver error; a lost or stale connection is invalidated first."""
    driver = conn.connection.driver_connection
    gone = conn.dialect.is_disconnect(exc, driver, None) or getattr(driver, "closed", False)
    stale = getattr(exc, "sqlstate", None) in _STALE
    if (gone or stale) and not conn.invalidated:
        conn.invalidate(exc)
    return DBAPIError.instance(
        sql, args, exc, conn.dialect.loaded_dbapi.Error, connection_invalidated=gone, dialect=conn.dialect
    )


def execute(conn: Connection, stmt: ClauseElement, params: Params | list[Params]) -> Any:
    """Run a statement on the connection's driver cursor; returns the cursor (rowcount, rows)."""
    many = isinstance(params, list)
    compiled = compiled_for(conn, stmt, tuple(params[0] if many else params))
    args = [bind(compiled, p) for p in params] if many else bind(compiled, params)
    return run(conn, compiled, args, many)


def run(conn: Connection, compiled: Compiled, args: Any, many: bool) -> Any:
    cursor = conn.connection.driver_connection.cursor()
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
        conn.connection.driver_connection.execute(sql)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise wrap_error(conn, sql, (), exc) from exc
