"""Incidents: a timer whose firing keeps failing is retried with backoff, then parked for a person to decide.

One broken case must never hold up another case's timers, nor come back for ever: each firing runs with a
time limit (the process code budget ends there), a failure sets the timer aside until its next try
(`backoff`, doubling up to `max_backoff`), and after `tries` failures the timer is parked: an **incident**
(Camunda's word) records the case, the element and the error, and the worker never claims the timer again
until an administrator retries it after a fix, or dismisses it with a reason. Opening, retrying and
dismissing are each one transaction with their audit event on the case.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from engine.access import policy as access
from engine.cases.read_models import IncidentItem
from engine.cases.service import CaseService
from engine.cases.tables import Case
from engine.core.actors import Actor
from engine.core.errors import ConflictError, EngineError, FormInvalid, NotFound
from engine.timers.tables import Incident, Timer

log = logging.getLogger(__name__)

TIMER = Timer.__table__
INCIDENT = Incident.__table__


@dataclass(frozen=True)
class RetryPolicy:
    """How a failing firing is retried; `REDRESSAL_TIMER_TRIES`, `..._BACKOFF`, `..._MAX_BACKOFF`,
    `..._TIME_LIMIT` (seconds) override the defaults."""

    tries: int = 5
    backoff: float = 60.0
    max_backoff: float = 3600.0
    time_limit: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> RetryPolicy:
        values: dict[str, Any] = {}
        for name, kind in (("tries", int), ("backoff", float), ("max_backoff", float), ("time_limit", float)):
            raw = environ.get(f"REDRESSAL_TIMER_{name.upper()}")
            if raw:
                value = kind(raw)
                if value <= 0:
                    raise ValueError(f"REDRESSAL_TIMER_{name.upper()} must be positive, not {raw}")
                values[name] = value
        return cls(**values)

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait before the next try after `attempts` failures: backoff, doubling, capped."""
        return dt.timedelta(seconds=min(self.backoff * 2 ** (attempts - 1), self.max_backoff))


def describe(exc: BaseException) -> tuple[str, str | None]:
    """The error as a person reads it, and the element it names (when the engine knows it)."""
    if isinstance(exc, EngineError):
        return exc.detail, exc.extra.get("element")
    return f"{type(exc).__name__}: {exc}", None


def timer_failed(
    service: CaseService, timer_id: str, exc: BaseException, policy: RetryPolicy, worker: str
) -> int | None:
    """Count a failed firing: set the timer aside until its next try, or park it as an incident.

    Returns the incident's id when the tries ran out.
    """
    error, element = describe(exc)
    now = service.clock.now()
    with service.db.transaction() as conn:
        row = conn.execute(
            select(TIMER.c.case_id, TIMER.c.bpmn_id, TIMER.c.attempts).where(TIMER.c.id == timer_id)
        ).first()
        if row is None:  # the case moved on meanwhile: nothing left to retry
            return None
        attempts = row.attempts + 1
        if attempts < policy.tries:
            conn.execute(
                update(TIMER)
                .where(TIMER.c.id == timer_id)
                .values(
                    attempts=attempts,
                    last_error=error,
                    claimed_by=worker,
                    claimed_until=now + policy.delay(attempts),
                )
            )
            return None
    return _open(service, timer_id, row.case_id, element or row.bpmn_id, error, attempts, now)


def _open(
    service: CaseService,
    timer_id: str,
    case_id: int,
    element: str,
    error: str,
    attempts: int,
    now: dt.datetime,
) -> int:
    """Park the timer and open the incident, with its audit event when the case can still be read."""

    def write(conn: Connection) -> int:
        incident_id = conn.execute(
            insert(INCIDENT).returning(INCIDENT.c.id),
            {
                "case_id": case_id,
                "kind": "timer",
                "timer_id": timer_id,
                "element": element,
                "error": error,
                "attempts": attempts,
                "status": "open",
                "created_at": now,
            },
        ).scalar_one()
        conn.execute(
            update(TIMER)
            .where(TIMER.c.id == timer_id)
            .values(attempts=attempts, last_error=error, incident_id=incident_id, claimed_by=None)
        )
        return incident_id

    try:
        return _audited(
            service, case_id, "system", "incident_opened", element, write, error=error, attempts=attempts
        )
    except ConflictError:
        raise
    except Exception:  # a case that cannot even be read still gets its incident, without the event
        log.exception("incident for timer %s: the case could not be read to record it", timer_id)
        with service.db.transaction() as conn:
            return write(conn)


def _audited(
    service: CaseService,
    case_id: int,
    actor: str,
    action: str,
    element: str | None,
    write: Callable[[Connection], int],
    **detail: Any,
) -> int:
    """Run `write(conn)` (which returns the incident's id) in the transaction that records `action` on the
    case's audit trail; the case is saved as it stands, so its version check guards this write too."""
    with service.db.reading() as conn:
        work = service.store.load_by_id(conn, case_id)
    with service.db.transaction() as conn:
        incident_id = write(conn)
        work.record(actor, action, None, element, incident=incident_id, **detail)
        service.store.save(conn, work)
    return incident_id


# --- what administrators do --------------------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    access.require(actor, access.Action.MANAGE_INCIDENTS)


def _known(incident_id: int) -> None:
    """Ids are 32-bit integers; PostgreSQL refuses to even compare a bigger number with one."""
    if not 0 < incident_id < 2**31:
        raise NotFound(f"no incident {incident_id}")


def _load_open(service: CaseService, incident_id: int):
    _known(incident_id)
    with service.db.reading() as conn:
        row = conn.execute(select(INCIDENT).where(INCIDENT.c.id == incident_id)).first()
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    if row.status != "open":
        raise ConflictError(f"incident {incident_id} is {row.status} already")
    return row


def retry(service: CaseService, incident_id: int, actor: Actor) -> IncidentItem:
    """Put the parked timer back: the worker fires it on its next look, with a fresh set of tries."""
    _require_admin(actor)
    row = _load_open(service, incident_id)
    now = service.clock.now()

    def write(conn: Connection) -> int:
        _close(conn, incident_id, "retried", actor, now)
        conn.execute(
            update(TIMER)
            .where(TIMER.c.id == row.timer_id, TIMER.c.incident_id == incident_id)
            .values(attempts=0, last_error=None, incident_id=None, claimed_by=None, claimed_until=None)
        )
        return incident_id

    _audited(service, row.case_id, actor.username, "incident_retried", row.element, write)
    return incident(service, incident_id)


def dismiss(service: CaseService, incident_id: int, actor: Actor, reason: str) -> IncidentItem:
    """Close the incident without firing: the timer stays parked for good, and why is on the record."""
    _require_admin(actor)
    if not (reason or "").strip():
        raise FormInvalid({"reason": ["Say why the incident is dismissed."]})
    row = _load_open(service, incident_id)
    now = service.clock.now()

    def write(conn: Connection) -> int:
        _close(conn, incident_id, "dismissed", actor, now, reason.strip())
        return incident_id

    _audited(
        service, row.case_id, actor.username, "incident_dismissed", row.element, write, reason=reason.strip()
    )
    return incident(service, incident_id)


def _close(
    conn: Connection, incident_id: int, status: str, actor: Actor, now: dt.datetime, reason: str | None = None
) -> None:
    done = conn.execute(
        update(INCIDENT)
        .where(INCIDENT.c.id == incident_id, INCIDENT.c.status == "open")
        .values(status=status, closed_at=now, closed_by=actor.username, reason=reason)
    )
    if done.rowcount != 1:
        raise ConflictError(f"incident {incident_id} was closed by someone else meanwhile")


# --- reading ---------------------------------------------------------------------------------------------

_COLUMNS = (
    INCIDENT.c.id,
    Case.reference.label("case_reference"),
    INCIDENT.c.kind,
    INCIDENT.c.element,
    INCIDENT.c.error,
    INCIDENT.c.attempts,
    INCIDENT.c.status,
    INCIDENT.c.created_at,
    INCIDENT.c.closed_at,
    INCIDENT.c.closed_by,
    INCIDENT.c.reason,
)


def _item(row: Any) -> IncidentItem:
    return IncidentItem(**row._mapping)


def incident(service: CaseService, incident_id: int) -> IncidentItem:
    _known(incident_id)
    with service.db.reading() as conn:
        row = conn.execute(
            select(*_COLUMNS).join(Case, Case.id == INCIDENT.c.case_id).where(INCIDENT.c.id == incident_id)
        ).first()
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    return _item(row)


def list_incidents(
    service: CaseService, status: str | None = "open", page: int = 1, page_size: int = 50
) -> tuple[list[IncidentItem], int]:
    """Incidents, newest first, with their total; `status=None` lists every one."""
    where = [] if status is None else [INCIDENT.c.status == status]
    with service.db.reading() as conn:
        total = conn.execute(select(func.count()).select_from(INCIDENT).where(*where)).scalar_one()
        rows = conn.execute(
            select(*_COLUMNS)
            .join(Case, Case.id == INCIDENT.c.case_id)
            .where(*where)
            .order_by(INCIDENT.c.created_at.desc(), INCIDENT.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
    return [_item(r) for r in rows], total


def for_case(conn: Connection, case_id: int) -> list[IncidentItem]:
    """A case's incidents, open ones first, for its detail page."""
    rows = conn.execute(
        select(*_COLUMNS)
        .join(Case, Case.id == INCIDENT.c.case_id)
        .where(INCIDENT.c.case_id == case_id)
        .order_by((INCIDENT.c.status == "open").desc(), INCIDENT.c.created_at.desc())
    ).all()
    return [_item(r) for r in rows]
