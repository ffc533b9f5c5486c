"""How many case codes may be tried for one reference: counted in the database, so the limit holds across
web processes, nodes and the caller's IP addresses.

Why a distinct `TooManyAttempts` (HTTP 429) rather than the usual NotFound: a person who mistyped their
code a few times must learn to wait, not conclude that the right code is wrong and give up. It tells a
stranger nothing, because it is decided before the reference is looked up, by the hash of the normalised
reference alone: an unknown reference is throttled exactly like a known one, after the same attempts,
with the same words. While throttled even the right code is refused, or the throttle would be an oracle.

Each attempt is written first (its own short transaction) and counted after, so concurrent guesses see
each other; an attempt refused by the throttle is taken back (it never reached a code), so the lock lifts
one window after the last counted failure; a successful attempt is taken back too. Rows older than the
window are pruned as attempts come in.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select

from engine.complaints.settings import TrackingSettings
from engine.complaints.tables import TrackingAttempt
from engine.core.errors import TooManyAttempts
from engine.store.db import Database

ATTEMPT = TrackingAttempt.__table__
TOO_MANY = "too many attempts for this reference; please wait {minutes} minutes and try again"


def key_of(normalised_reference: str) -> str:
    """The attempts' key: a hash, so the table lists no references, whether they exist or not."""
    return hashlib.sha256(f"tracking-attempt\x00{normalised_reference}".encode()).hexdigest()


def begin(db: Database, settings: TrackingSettings, now: dt.datetime, key: str) -> int:
    """Count one attempt for `key`; its row id, to `forgive` later. TooManyAttempts when over the limit."""
    since = now - settings.attempt_window
    with db.transaction() as conn:
        conn.execute(delete(ATTEMPT).where(ATTEMPT.c.attempted_at < since))
        attempt = conn.execute(
            ATTEMPT.insert().values(key_hash=key, attempted_at=now).returning(ATTEMPT.c.id)
        ).scalar_one()
    with db.reading() as conn:
        counted = conn.scalar(
            select(func.count())
            .select_from(ATTEMPT)
            .where(ATTEMPT.c.key_hash == key, ATTEMPT.c.attempted_at >= since, ATTEMPT.c.id <= attempt)
        )
    if (counted or 0) > settings.max_attempts:
        forgive(db, attempt)
        minutes = max(1, int(settings.attempt_window.total_seconds() // 60))
        raise TooManyAttempts(TOO_MANY.format(minutes=minutes))
    return attempt


def forgive(db: Database, attempt: int) -> None:
    """Take an attempt back: it succeeded, or the throttle refused it before any code was compared."""
    with db.transaction() as conn:
        conn.execute(delete(ATTEMPT).where(ATTEMPT.c.id == attempt))
