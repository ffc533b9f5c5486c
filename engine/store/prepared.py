"""PostgreSQL messages of prepared statements: the hot path's way to spare the server its parse and plan.

Each hot statement is prepared (SQL `PREPARE`) the first time a connection sends it, in the same message
as its first use, and executed by name after that (`EXECUTE name(literals)`); several go in one
multi-statement message, one round trip. psycopg's own automatic preparation is switched off on these
connections (`connect_args`), because after a ROLLBACK it deallocates every prepared statement of the
session, ours included.

A pooler that hands each transaction another server session (PgBouncer in transaction mode) loses
session state: set `REDRESSAL_DB_PREPARE=off` there, and statements go as plain SQL. When the server
refuses a prepared statement anyway (unknown name, or a plan whose result type a migration changed),
the connection is invalidated (`hot.wrap_error`) and its replacement prepares afresh.
"""

from __future__ import annotations

import os
import re
from typing import Any

from sqlalchemy import Connection

from engine.store.compiled import Compiled, announce

CONNECT_ARGS = {"prepare_threshold": None}  # psycopg: never prepare (nor deallocate) on its own
_NAMES = "redressal_prepared"  # connection info: compiled statement -> its prepared name
_PARAM = re.compile(r"%\(([^)]+)\)s")


def enabled() -> bool:
    return os.environ.get("REDRESSAL_DB_PREPARE", "on").lower() not in ("off", "0", "false", "no")


class Message:
    """Statements sent to PostgreSQL as one multi-statement simple query."""

    def __init__(self, conn: Connection) -> None:
        from psycopg import ClientCursor

        self.conn = conn
        self.driver = conn.connection.driver_connection
        self.cursor = ClientCursor(self.driver)
        self.names: dict[Compiled, str] = conn.info.setdefault(_NAMES, {})
        self.fresh: dict[Compiled, str] = {}
        self.parts: list[str] = []
        self.owners: list[Any] = []  # whose result each part gives (None: a PREPARE's)

    def add(self, compiled: Compiled, args: dict[str, Any], owner: Any) -> None:
        name = self.names.get(compiled) or self.fresh.get(compiled)
        if name is None and enabled():
            name = f"redressal_{len(self.names) + len(self.fresh) + 1}_{os.urandom(3).hex()}"
            self.fresh[compiled] = name
            self.parts.append(f"PREPARE {name} AS {_numbered(compiled.sql)}")
            self.owners.append(None)
        announce(self.conn, self.cursor, compiled.sql, args, False)
        self.parts.append(self.cursor.mogrify(_executing(compiled, name), args))
        self.owners.append(owner)

    def send(self) -> Any:
        """Run the message; the cursor stands on the first result that is not a PREPARE's."""
        self.cursor.execute(";\n".join(self.parts))
        # Prepared statements outlive transactions; a name from a failed message is never used again.
        self.names.update(self.fresh)
        self.owners.reverse()
        self._skip_prepares()
        return self.cursor

    def results(self):
        """(owner, rows changed) for every statement that is not a PREPARE, in order."""
        while self.owners:
            yield self.owners.pop(), max(self.cursor.rowcount, 0)
            self.cursor.nextset()
            self._skip_prepares()

    def _skip_prepares(self) -> None:
        while self.owners and self.owners[-1] is None:
            self.owners.pop()
            self.cursor.nextset()


def _numbered(sql: str) -> str:
    """The statement with $1, $2, ... for its named parameters, as PREPARE wants it."""
    order: dict[str, int] = {}

    def number(match: re.Match) -> str:
        return f"${order.setdefault(match.group(1), len(order) + 1)}"

    return _PARAM.sub(number, sql).replace("%%", "%")


def _executing(compiled: Compiled, name: str | None) -> str:
    """`EXECUTE name(%(a)s, %(b)s, ...)` for a prepared statement, else the statement itself."""
    if name is None:
        return compiled.sql
    if compiled.arguments is None:
        names = dict.fromkeys(_PARAM.findall(compiled.sql))
        compiled.arguments = "(" + ", ".join(f"%({n})s" for n in names) + ")"
    return f"EXECUTE {name}{compiled.arguments}"
