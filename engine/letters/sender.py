"""The outbox sender: claims due rows, renders and delivers them, and retries with backoff.

Rows are written by the engine in the transaction of the change that caused them (engine.letters.queue);
this module only reads and updates them. Claiming bumps `next_attempt_at` by a lease inside the claiming
transaction (on PostgreSQL under ``FOR UPDATE SKIP LOCKED``; SQLite's ``BEGIN IMMEDIATE`` serialises writers),
so two senders never take the same row, and a sender that dies mid-batch only delays its rows by the lease.
A failure leaves the row pending with the next attempt scheduled; after `max_attempts` it is `failed`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from engine.core.clock import Clock
from engine.letters.render import UnknownTemplate, render
from engine.letters.tables import Outbox
from engine.letters.transport import (
    Mail,
    PermanentFailure,
    Transport,
    TransportDown,
    domain_of,
    transport_from_env,
)
from engine.store.db import Database

log = logging.getLogger(__name__)

OUTBOX = Outbox.__table__
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=1)
_ERROR_LENGTH = 2000


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failures: 1 min, 2, 4, ... capped at 1 hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


@dataclass(frozen=True)
class _Claimed:
    id: int
    template: str
    language: str
    recipient: str
    params: str
    attempts: int
    created_at: dt.datetime


def _claim(db: Database, now: dt.datetime, batch: int, lease_until: dt.datetime) -> list[_Claimed]:
    query = (
        select(
            OUTBOX.c.id,
            OUTBOX.c.template,
            OUTBOX.c.language,
            OUTBOX.c.recipient,
            OUTBOX.c.params,
            OUTBOX.c.attempts,
            OUTBOX.c.created_at,
        )
        .where(OUTBOX.c.status == "pending", OUTBOX.c.next_attempt_at <= now)
        .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
        .limit(batch)
    )
    if not db.is_sqlite:
        query = query.with_for_update(skip_locked=True)
    with db.transaction() as conn:
        rows = [_Claimed(*row) for row in conn.execute(query)]
        if rows:
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_([r.id for r in rows]))
                .values(next_attempt_at=lease_until)
            )
    return rows


def _mark_sent(conn: Connection, row: _Claimed, now: dt.datetime) -> None:
    conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == row.id, OUTBOX.c.status == "pending")
        .values(status="sent", sent_at=now, attempts=row.attempts + 1, last_error=None)
    )


def _mark_failed(
    conn: Connection, row: _Claimed, now: dt.datetime, error: str, max_attempts: int, permanent: bool = False
) -> None:
    attempts = row.attempts + 1
    give_up = permanent or attempts >= max_attempts
    conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == row.id, OUTBOX.c.status == "pending")
        .values(
            status="failed" if give_up else "pending",
            attempts=attempts,
            last_error=error[:_ERROR_LENGTH],
            next_attempt_at=now if give_up else now + backoff(attempts),
        )
    )
    log.log(
        logging.ERROR if give_up else logging.WARNING,
        "outbox %s (%s to %s) %s after attempt %d: %s",
        row.id,
        row.template,
        row.recipient,
        "failed for good" if give_up else "will be retried",
        attempts,
        error,
    )


def _release(db: Database, rows: list[_Claimed], now: dt.datetime, lease_until: dt.datetime) -> None:
    """Give back claimed rows not tried: the next run takes them without waiting for the lease."""
    if not rows:
        return
    with db.transaction() as conn:
        conn.execute(
            update(OUTBOX)
            .where(
                OUTBOX.c.id.in_([r.id for r in rows]),
                OUTBOX.c.status == "pending",
                OUTBOX.c.next_attempt_at == lease_until,
            )
            .values(next_attempt_at=now)
        )


def _mail(row: _Claimed, from_addr: str, now: dt.datetime) -> Mail:
    params: Any = json.loads(row.params or "{}")
    if not isinstance(params, dict):
        raise ValueError(f"params must be a JSON object, got {type(params).__name__}")
    params.setdefault("contact", from_addr)
    rendered = render(row.template, row.language, params)
    created = row.created_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
    return Mail(
        recipient=row.recipient,
        subject=rendered.subject,
        body=rendered.body,
        language=rendered.language,
        message_id=f"<outbox.{row.id}.{created}@{domain_of(from_addr)}>",
        date=now,
    )


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def send_due(
    db: Database,
    clock: Clock,
    transport: Transport,
    batch: int = 50,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    lease: dt.timedelta = LEASE,
) -> int:
    """Deliver up to `batch` due outbox rows; returns how many were sent. Never loses a row to a failure."""
    now = clock.now()
    lease_until = now + lease
    rows = _claim(db, now, batch, lease_until)
    if not rows:
        return 0
    started = time.monotonic()
    sent = 0
    with transport.session() as deliver:
        for index, row in enumerate(rows):
            if time.monotonic() - started > lease.total_seconds() / 2:
                # A slow server: stop well before the lease ends, lest another sender take these rows too.
                _release(db, rows[index:], now, lease_until)
                break
            try:
                mail = _mail(row, transport.from_addr, clock.now())
            except (UnknownTemplate, ValueError, TypeError) as exc:  # the row itself is wrong: no retry helps
                with db.transaction() as conn:
                    _mark_failed(conn, row, clock.now(), _error_text(exc), max_attempts, permanent=True)
                continue
            try:
                deliver(mail)
            except TransportDown as exc:
                # The server is down: every row left in the batch counts one failed attempt, none is lost.
                with db.transaction() as conn:
                    for rest in rows[index:]:
                        _mark_failed(conn, rest, clock.now(), _error_text(exc), max_attempts)
                break
            except PermanentFailure as exc:
                with db.transaction() as conn:
                    _mark_failed(conn, row, clock.now(), _error_text(exc), max_attempts, permanent=True)
            except Exception as exc:
                with db.transaction() as conn:
                    _mark_failed(conn, row, clock.now(), _error_text(exc), max_attempts)
            else:
                with db.transaction() as conn:
                    _mark_sent(conn, row, clock.now())
                sent += 1
    return sent


def requeue_failed(db: Database, clock: Clock, ids: list[int] | None = None) -> int:
    """Put `failed` rows (all, or those of `ids`) back in the queue with a fresh count of attempts."""
    stmt = update(OUTBOX).where(OUTBOX.c.status == "failed")
    if ids is not None:
        stmt = stmt.where(OUTBOX.c.id.in_(ids))
    with db.transaction() as conn:
        result = conn.execute(stmt.values(status="pending", attempts=0, next_attempt_at=clock.now()))
    return result.rowcount


def outbox_job(service) -> Callable[[], None]:
    """The worker's periodic job: send what is due with the transport the environment configures."""
    transport = transport_from_env()
    log.info("outbox sender delivers through %r", transport)

    def job() -> None:
        try:
            sent = send_due(service.db, service.clock, transport)
        except Exception:
            log.exception("outbox sender run failed; rows stay queued for the next run")
            return
        if sent:
            log.info("outbox: %d mail(s) sent", sent)

    return job
