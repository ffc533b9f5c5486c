"""A unit of work's writes, sent to PostgreSQL together: one round trip, prepared once per connection.

A task completion writes three to six small statements. Sent one by one, each costs a round trip and a
parse and plan on the server, more than the statements themselves; with the BEGIN and the COMMIT that is
seven round trips. Here the writes wait (`queue`) and go as one multi-statement message (`flush`). When
nothing else ran in the transaction, that message also commits itself: PostgreSQL runs a multi-statement
simple query as one implicit transaction, all or nothing, so the unit of work's writes and commit cost one
round trip. Statements are prepared once per connection (`engine.store.prepared`).

Order is kept: anything else that runs on the connection (a listener installed by `install`), and the hot
path's own reads, send what waits first. Writes wait only inside a transaction, and a connection that goes
back to the pool with writes still waiting (a bug) loses them loudly rather than handing them to its next
user. On SQLite there are no round trips to save: `queue` runs the statement at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.sql import ClauseElement

from engine.store.compiled import PENDING, Compiled, Params, bind, compiled_for, execute, wrap_error
from engine.store.prepared import Message

log = logging.getLogger(__name__)


@dataclass
class _Queued:
    compiled: Compiled
    args: list[Any]  # one parameter set per statement to send
    conflict: Exception | None  # raised unless exactly one row was changed
    conflict_keys: frozenset[str]  # unique keys whose violation means the same as the conflict


def queue(
    conn: Connection,
    stmt: ClauseElement,
    params: Params | list[Params],
    *,
    conflict: Exception | None = None,
    conflict_keys: frozenset[str] = frozenset(),
) -> None:
    """A write of the current transaction; `conflict` is raised unless it changes exactly one row.

    Sent together, a second writer's statements can trip over the rows of the writer that got there first
    before the version check's answer is read; `conflict_keys` names the unique keys (PostgreSQL constraint
    names) where that happens, and a violation of one of them raises `conflict` too.
    """
    if conn.dialect.name != "postgresql":
        cursor = execute(conn, stmt, params)
        if conflict is not None and cursor.rowcount != 1:
            raise conflict
        return
    if not conn.in_transaction():
        raise RuntimeError("writes wait for a transaction's commit: queue them inside db.transaction()")
    many = isinstance(params, list)
    compiled = compiled_for(conn, stmt, tuple(params[0] if many else params))
    args = [bind(compiled, p) for p in params] if many else [bind(compiled, params)]
    conn.info.setdefault(PENDING, []).append(_Queued(compiled, args, conflict, conflict_keys))


def flush(conn: Connection, *, commit: bool = False) -> None:
    """Send the writes that wait; with `commit`, they commit themselves when nothing else ran before."""
    pending = conn.info.pop(PENDING, None)
    if not pending:
        return
    from psycopg import pq

    message = Message(conn)
    for item in pending:
        for args in item.args:
            message.add(item.compiled, args, item)
    driver = message.driver
    alone = commit and not driver.autocommit and driver.pgconn.transaction_status == pq.TransactionStatus.IDLE
    try:
        if alone:
            driver.autocommit = True
        message.send()
    except driver.Error as exc:
        constraint = getattr(getattr(exc, "diag", None), "constraint_name", None)
        if isinstance(exc, driver.IntegrityError):
            for item in pending:
                if item.conflict is not None and constraint in item.conflict_keys:
                    raise item.conflict from exc
        raise wrap_error(conn, "(batch)", None, exc) from exc
    finally:
        if alone and driver.pgconn.transaction_status == pq.TransactionStatus.IDLE:
            driver.autocommit = False  # not on a lost connection: the pool discards that one
    changed: dict[int, int] = {}
    for item, rows in message.results():
        changed[id(item)] = changed.get(id(item), 0) + rows
    for item in pending:
        if item.conflict is not None and changed[id(item)] != 1:
            raise item.conflict


def install(engine: Any) -> None:
    """On PostgreSQL: whatever else runs on a connection first sends the writes that wait on it."""

    @event.listens_for(engine, "before_cursor_execute")
    def _send_first(conn, *_args) -> None:
        if conn.info.get(PENDING):
            flush(conn)

    @event.listens_for(engine, "rollback")
    def _forget(conn) -> None:
        conn.info.pop(PENDING, None)

    @event.listens_for(engine, "checkin")
    def _never_hand_on(_dbapi_connection, record) -> None:
        if record.info.pop(PENDING, None):
            log.error("a connection went back to the pool with writes that were never sent; they are dropped")
