"""A unit of work's writes, sent to PostgreSQL together: one round trip, prepared once per connection.

A task completion writes three to six small statements. Sent one by one, each costs a round trip and a
parse and plan on the server, more than the statements themselves; with the BEGIN and the COMMIT that is
seven round trips. Here the writes wait (`queue`) and go as one multi-statement message (`flush`). When
nothing else ran in the transaction, that message also commits itself: PostgreSQL runs a multi-statement
simple query as one implicit transaction, all or nothing, so the unit of work's writes and commit cost one
round trip. Statements are prepared once per connection (`engine.store.prepared`).

Order is kept: anything else that runs on the connection (a listener installed by `install`), and the hot
path's own reads, send what waits first. On SQLite there are no round trips to save: `queue` runs the
statement at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from engine.store.hot import PENDING, Compiled, Params, bind, compiled_for, execute
from engine.store.prepared import Message


@dataclass
class _Queued:
    compiled: Compiled
    args: list[Any]  # one parameter set per statement to send
    conflict: Exception | None  # raised unless exactly one row was changed


def queue(
    conn: Connection, stmt: ClauseElement, params: Params | list[Params], *, conflict: Exception | None = None
) -> None:
    """A write of the current transaction; `conflict` is raised unless it changes exactly one row."""
    if conn.dialect.name != "postgresql":
        cursor = execute(conn, stmt, params)
        if conflict is not None and cursor.rowcount != 1:
            raise conflict
        return
    many = isinstance(params, list)
    compiled = compiled_for(conn, stmt, tuple(params[0] if many else params))
    args = [bind(compiled, p) for p in params] if many else [bind(compiled, params)]
    conn.info.setdefault(PENDING, []).append(_Queued(compiled, args, conflict))


def flush(conn: Connection, *, commit: bool = False) -> None:
    """Send the writes that wait; with `commit`, they commit themselves when nothing else ran before.

    Sent together, a second writer's statements can trip over the first writer's rows (the audit event's
    unique (case, seq) key, a task id) before any version check is read; with a version-checked write in
    the batch, such an IntegrityError is that write's conflict, the same verdict the check would give.
    """
    pending = conn.info.pop(PENDING, None)
    if not pending:
        return
    from psycopg import pq

    message = Message(conn)
    for item in pending:
        for args in item.args:
            message.add(item.compiled, args, item)
    driver = message.driver
    alone = commit and driver.pgconn.transaction_status == pq.TransactionStatus.IDLE
    try:
        if alone:
            driver.autocommit = True
        message.send()
    except driver.Error as exc:
        conflict = next((q.conflict for q in pending if q.conflict is not None), None)
        if conflict is not None and isinstance(exc, driver.IntegrityError):
            raise conflict from exc
        raise DBAPIError.instance("(batch)", None, exc, driver.Error) from exc
    finally:
        if alone:
            driver.autocommit = False
    changed: dict[int, int] = {}
    for item, rows in message.results():
        changed[id(item)] = changed.get(id(item), 0) + rows
    for item in pending:
        if item.conflict is not None and changed[id(item)] != 1:
            raise item.conflict


def install(engine: Any) -> None:
    """On PostgreSQL: whatever else runs on a connection first sends the writes that wait on it."""

    @event.listens_for(engine, "before_execute")
    def _send_first(conn, *_args) -> None:
        if conn.info.get(PENDING):
            flush(conn)

    @event.listens_for(engine, "rollback")
    def _forget(conn) -> None:
        conn.info.pop(PENDING, None)
