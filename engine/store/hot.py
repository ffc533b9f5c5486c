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
`Connection.execute` as usual.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement

from engine.store.batch import flush
from engine.store.compiled import (
    PENDING,
    Compiled,
    Params,
    announce,
    bind,
    compiled_for,
    driver_sql,
    execute,
    run,
    wrap_error,
)
from engine.store.prepared import Message

__all__ = [
    "PENDING",
    "Compiled",
    "Params",
    "announce",
    "bind",
    "compiled_for",
    "driver_sql",
    "execute",
    "first",
    "wrap_error",
]


def first(conn: Connection, stmt: ClauseElement, params: Params) -> Any:
    """The first row of a SELECT (or RETURNING) as a named tuple with SQLAlchemy's types applied, or None."""
    if conn.info.get(PENDING):
        flush(conn)
    compiled = compiled_for(conn, stmt, tuple(params))
    if conn.dialect.name == "postgresql":
        message = Message(conn)
        message.add(compiled, bind(compiled, params), stmt)
        try:
            cursor = message.send()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise wrap_error(conn, compiled.sql, params, exc) from exc
    else:
        cursor = run(conn, compiled, bind(compiled, params), False)
    raw = cursor.fetchone()
    if raw is None:
        return None
    if compiled.result_processors is None:
        compiled.result_processors = tuple(
            c.type._cached_result_processor(conn.dialect, d[1])
            for c, d in zip(compiled.columns, cursor.description, strict=True)
        )
    return compiled.row(
        *(v if p is None or v is None else p(v) for p, v in zip(compiled.result_processors, raw, strict=True))
    )
