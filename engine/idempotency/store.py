"""Idempotency keys: a client that retries a request with the same key gets the first answer again.

Networks fail after the server has acted; without this a retried intake would create a second complaint.
The key is reserved before the request runs (so two concurrent retries cannot both run it), the answer is
stored when it succeeds, and a failure releases the key, since a failed request changed nothing.

Only hashes of keys are stored. Secret fields of an answer (a complainant's tracking token) are stored sealed
with a key stream derived from the idempotency key itself, so the database never holds them readable and only
the client that knows the key can have them replayed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from engine.core.clock import Clock
from engine.core.errors import ConflictError, FormInvalid
from engine.idempotency.tables import IdempotencyRecord
from engine.store.db import Database

RETENTION = dt.timedelta(hours=24)
# A key still "being processed" after this long belongs to a request that died between reserving the key and
# recording its answer; a retry may run again (requests take milliseconds, not minutes).
ABANDONED = dt.timedelta(minutes=2)
HEADER = "Idempotency-Key"
_TABLE = IdempotencyRecord.__table__


class KeyInUse(ConflictError):
    title = "Request in progress"


class KeyReused(FormInvalid):
    title = "Idempotency key reused"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests "the same request": method, path and the body's canonical JSON."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str) -> None:
    if not (8 <= len(key) <= 200) or not key.isascii() or not key.isprintable():
        raise FormInvalid(
            {HEADER: ["Use 8 to 200 printable ASCII characters; a random UUID is best."]},
            "The Idempotency-Key header is not usable.",
        )


class IdempotencyStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    @staticmethod
    def _key_hash(scope: str, key: str) -> str:
        return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()

    def begin(self, scope: str, key: str, request_hash: str) -> Answer | None:
        """Reserve the key; None means "run the request", an Answer means "send this again"."""
        check_key(key)
        key_hash = self._key_hash(scope, key)
        now = self.clock.now()
        for _attempt in range(2):
            try:
                with self.db.transaction() as conn:
                    conn.execute(
                        _TABLE.insert().values(key_hash=key_hash, request_hash=request_hash, created_at=now)
                    )
                return None
            except IntegrityError:
                pass
            with self.db.reading() as conn:
                row = conn.execute(select(_TABLE).where(_TABLE.c.key_hash == key_hash)).first()
            if row is None:
                continue  # released by a failed first request in the meantime: reserve it now
            if row.created_at + RETENTION < now or (
                row.status_code is None and row.created_at + ABANDONED < now
            ):
                with self.db.transaction() as conn:
                    conn.execute(delete(_TABLE).where(_TABLE.c.id == row.id))
                continue
            if row.request_hash != request_hash:
                raise KeyReused(
                    {HEADER: ["This key was already used for a different request."]},
                    "The Idempotency-Key was used before with a different request; use a new key.",
                )
            if row.status_code is None:
                raise KeyInUse("a request with this Idempotency-Key is still being processed; retry shortly")
            stored = json.loads(row.response)
            return Answer(row.status_code, _unseal(stored["body"], stored["sealed"], key, scope))
        raise KeyInUse("a request with this Idempotency-Key is still being processed; retry shortly")

    def finish(self, scope: str, key: str, answer: Answer, secret_fields: Iterable[str] = ()) -> None:
        with self.db.transaction() as conn:
            self.finish_in(conn, scope, key, answer, secret_fields)

    def finish_in(
        self, conn, scope: str, key: str, answer: Answer, secret_fields: Iterable[str] = ()
    ) -> None:
        """Record the answer inside the caller's transaction: the one that made the case, so that a crash
        can never leave a case made without its answer (which would let a retry make a second one)."""
        body = answer.body
        sealed: list[str] = []
        if isinstance(body, dict):
            sealed = [k for k in secret_fields if isinstance(body.get(k), str)]
            body = {k: _seal(v, key, scope) if k in sealed else v for k, v in body.items()}
        stored = json.dumps({"body": body, "sealed": sealed}, default=str)
        conn.execute(
            update(_TABLE)
            .where(_TABLE.c.key_hash == self._key_hash(scope, key))
            .values(status_code=answer.status, response=stored)
        )

    def release(self, scope: str, key: str) -> None:
        """The request failed and changed nothing: let a retry run it."""
        with self.db.transaction() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key_hash == self._key_hash(scope, key)))

    def purge(self) -> int:
        """Forget answers older than the retention period; returns how many."""
        with self.db.transaction() as conn:
            cutoff = self.clock.now() - RETENTION
            return conn.execute(delete(_TABLE).where(_TABLE.c.created_at < cutoff)).rowcount


def _stream(key: str, scope: str, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        msg = f"redressal-seal\n{scope}\n{counter}".encode()
        out += hmac.new(key.encode(), msg, hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _xor(raw: bytes, key: str, scope: str) -> bytes:
    return bytes(a ^ b for a, b in zip(raw, _stream(key, scope, len(raw)), strict=True))


def _seal(value: str, key: str, scope: str) -> str:
    return _xor(value.encode(), key, scope).hex()


def _unseal(body: Any, sealed: list[str], key: str, scope: str) -> Any:
    if not isinstance(body, dict) or not sealed:
        return body
    return {k: _xor(bytes.fromhex(v), key, scope).decode() if k in sealed else v for k, v in body.items()}
