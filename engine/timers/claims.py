"""Claiming due timers so that several workers on several nodes share the work without doubling it.

A claim is a lease: `claimed_by` and `claimed_until`. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so
workers never wait on each other's rows; SQLite's `BEGIN IMMEDIATE` already lets one writer claim at a time.
A worker that dies leaves claims that expire, and another worker picks them up. Claims only share the work:
what makes a timer fire exactly once is the case's version check when the firing is saved.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, func, or_, select, update

from engine.store.db import Database
from engine.timers.tables import Timer

TIMER = Timer.__table__

# A timer parked by an incident is never claimed until the incident is retried.
_claimable = and_(
    or_(TIMER.c.claimed_until.is_(None), TIMER.c.claimed_until < bindparam("now")),
    TIMER.c.incident_id.is_(None),
)


def claim_due(
    db: Database,
    worker: str,
    now: dt.datetime,
    limit: int = 100,
    lease: dt.timedelta = dt.timedelta(seconds=60),
) -> list[tuple[str, dt.datetime]]:
    """Claim up to `limit` due timers, oldest first; returns (timer id, due time) pairs in due order."""
    due = (
        select(TIMER.c.id)
        .where(TIMER.c.due_at <= bindparam("now"), _claimable)
        .order_by(TIMER.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(TIMER)
        .where(TIMER.c.id.in_(due.scalar_subquery()))
        .values(claimed_by=worker, claimed_until=bindparam("until"))
        .returning(TIMER.c.id, TIMER.c.due_at)
    )
    with db.transaction() as conn:
        rows = conn.execute(stmt, {"now": now, "until": now + lease}).all()
    return sorted(((r.id, r.due_at) for r in rows), key=lambda r: r[1])


def release(db: Database, timer_ids: list[str]) -> None:
    """Hand claims back (after a conflict) so the next pass retries at once instead of after the lease."""
    if timer_ids:
        with db.transaction() as conn:
            conn.execute(
                update(TIMER).where(TIMER.c.id.in_(timer_ids)).values(claimed_by=None, claimed_until=None)
            )


def next_due(db: Database, now: dt.datetime) -> dt.datetime | None:
    """The earliest due time of an unclaimed timer: one indexed query, whatever the number of cases."""
    with db.reading() as conn:
        return conn.execute(select(func.min(TIMER.c.due_at)).where(_claimable), {"now": now}).scalar()
