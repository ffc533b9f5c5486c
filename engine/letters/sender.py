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
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from engine.complaints import credentials
from engine.complaints.settings import TrackingSettings
from engine.core.clock import Clock
from engine.letters.render import COMPLAINANT_TEMPLATES, UnknownTemplate, render
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
PRUNE_LINKS_EVERY = dt.timedelta(hours=1)


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
    case_id: int | None


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
            OUTBOX.c.case_id,
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
    # Logs name the row and the case, never the recipient: addresses are personal data, and log files are
    # copied, shipped and kept where no erasure reaches them. The row itself keeps the full error.
    log.log(
        logging.ERROR if give_up else logging.WARNING,
        "outbox %s (%s, case %s) %s after attempt %d: %s",
        row.id,
        row.template,
        row.case_id,
        "failed for good" if give_up else "will be retried",
        attempts,
        redact(error),
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


def _tracking_params(
    db: Database, row: _Claimed, tracking: Callable[[], TrackingSettings], now: dt.datetime
) -> dict[str, Any]:
    """The case code, tracking page and a fresh single-use link for a complainant letter of a case.

    Made at render time, in a transaction that commits before the mail leaves, so the link in a letter
    always exists; a later attempt at the same letter replaces its link. Staff mails get none.
    """
    if row.template not in COMPLAINANT_TEMPLATES or row.case_id is None:
        return {}
    with db.transaction() as conn:
        return credentials.letter_params(conn, tracking(), now, row.case_id, row.id)


def _mail(row: _Claimed, from_addr: str, now: dt.datetime, extra: dict[str, Any] | None = None) -> Mail:
    params: Any = json.loads(row.params or "{}")
    if not isinstance(params, dict):
        raise ValueError(f"params must be a JSON object, got {type(params).__name__}")
    params.setdefault("contact", from_addr)
    params.update(extra or {})
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


_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:]+@[^\s<>()\[\]{}'\",;:]+")


def redact(text: str) -> str:
    """The text with every e-mail address in it replaced (SMTP errors quote the refused recipient)."""
    return _ADDRESS.sub("<address>", text)


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
    tracking: TrackingSettings | None = None,
) -> int:
    """Deliver up to `batch` due outbox rows; returns how many were sent. Never loses a row to a failure.

    `tracking` (the secret key and public address complainant letters need) defaults to the environment's,
    read when the first complainant letter of the batch needs it.
    """
    settings: list[TrackingSettings] = [tracking] if tracking is not None else []

    def tracking_settings() -> TrackingSettings:
        if not settings:
            settings.append(TrackingSettings.from_env())
        return settings[0]

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
                extra = _tracking_params(db, row, tracking_settings, clock.now())
            except Exception as exc:  # the database or the key is not there now: try again later
                with db.transaction() as conn:
                    _mark_failed(conn, row, clock.now(), _error_text(exc), max_attempts)
                continue
            try:
                mail = _mail(row, transport.from_addr, clock.now(), extra)
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
    tracking = TrackingSettings.from_env()
    log.info("outbox sender delivers through %r", transport)
    next_prune = [service.clock.now()]

    def job() -> None:
        if service.clock.now() >= next_prune[0]:  # expired letter links open nothing: forget them hourly
            next_prune[0] = service.clock.now() + PRUNE_LINKS_EVERY
            try:
                credentials.prune_links(service.db, service.clock)
            except Exception:
                log.exception("pruning expired letter links failed; the next hour tries again")
        try:
            sent = send_due(service.db, service.clock, transport, tracking=tracking)
        except Exception:
            log.exception("outbox sender run failed; rows stay queued for the next run")
            return
        if sent:
            log.info("outbox: %d mail(s) sent", sent)

    return job
