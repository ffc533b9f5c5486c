"""What a complainant may see and do without logging in, with the tracking token given at intake.

Complainants never have accounts: the reference printed on every letter plus a random token (stored only as
its hash) opens their case. A wrong token and an unknown reference fail in the same way, after the same
work, so the answer never tells a stranger that a reference exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select

from engine.bpmn import workflow as wfx
from engine.cases.service import CaseResult, CaseService
from engine.cases.store import CASE, CASE_COLUMNS
from engine.complaints.tables import CaseTracking
from engine.core.actors import COMPLAINANT
from engine.core.errors import MessageNotExpected, NotFound
from engine.deadlines import compute as deadlines
from engine.deadlines.tables import CaseDeadline
from engine.store.db import Database

# Message types a complainant sends -> the process messages they stand for.
MESSAGES = {
    "accept": "complainant_accept",
    "reject": "complainant_reject",
    "information": "complainant_information",
    "withdraw": "withdraw",
}
_TRACKING = CaseTracking.__table__
_DEADLINE = CaseDeadline.__table__
_NO_MATCH = hashlib.sha256(b"no case").hexdigest()
NOT_FOUND = "no case matches this reference and tracking token"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: Database, clock, case_id: int) -> str:
    """A new tracking token for a case (replacing any earlier one); only its hash is kept."""
    with db.transaction() as conn:
        return issue_in(conn, clock, case_id)


def issue_in(conn, clock, case_id: int) -> str:
    """`issue` inside the caller's transaction (the one that creates the case, at intake)."""
    token = secrets.token_urlsafe(24)
    conn.execute(_TRACKING.delete().where(_TRACKING.c.case_id == case_id))
    conn.execute(_TRACKING.insert().values(case_id=case_id, token_hash=_hash(token), created_at=clock.now()))
    return token


def verify(db: Database, reference: str, token: str | None) -> int:
    """The case id when the token opens this reference; otherwise the same NotFound in every case."""
    with db.reading() as conn:
        row = conn.execute(
            select(CASE.c.id, _TRACKING.c.token_hash)
            .outerjoin(_TRACKING, _TRACKING.c.case_id == CASE.c.id)
            .where(CASE.c.reference == reference)
        ).first()
    stored = row.token_hash if row is not None and row.token_hash else _NO_MATCH
    if not hmac.compare_digest(stored, _hash(token or "")) or row is None:
        raise NotFound(NOT_FOUND)
    return row.id


def _response_due(conn, case_id: int, data: dict[str, Any], now: dt.datetime, profiles: str | None):
    due = conn.scalar(
        select(_DEADLINE.c.due_at)
        .where(_DEADLINE.c.case_id == case_id, _DEADLINE.c.name == "final_response")
        .order_by(_DEADLINE.c.id.desc())
        .limit(1)
    )
    if due is not None:
        return due
    try:
        return deadlines.due(data, "final_response", now, profiles)
    except Exception:  # no profile or no such deadline for this case: nothing to promise
        return None


def view(service: CaseService, reference: str) -> dict[str, Any]:
    """Status, stage, key dates, the decision once it was sent, and what the complainant may send now."""
    with service.db.reading() as conn:
        row = conn.execute(
            select(*CASE_COLUMNS, CASE.c.closed_at).where(CASE.c.reference == reference)
        ).first()
        if row is None:
            raise NotFound(NOT_FOUND)
        work = service.store.load(conn, row)
        data = wfx.case_data(work.wf)
        due = _response_due(conn, row.id, data, service.clock.now(), service.sla_profiles)
    waiting = set(wfx.waiting_messages(work.wf)) if not work.wf.completed else set()
    decision = None
    if data.get("letter_sent_at"):
        decision = {
            "summary": data.get("decision_summary"),
            "reasons": data.get("reasons"),
            "recourse": data.get("recourse"),
            "ombudsman_name": data.get("ombudsman_name"),
            "referral_deadline": data.get("referral_deadline"),
            "communicated_at": data.get("letter_sent_at"),
        }
    return {
        "reference": row.reference,
        "status": row.status,
        "stage": row.stage,
        "outcome": row.outcome,
        "received_at": data.get("received_at"),
        "acknowledged_at": data.get("acknowledged_at") if data.get("acknowledged") else None,
        "response_due_at": due,
        "closed_at": row.closed_at,
        "information_requested": data.get("information_requested")
        if "complainant_information" in waiting
        else None,
        "decision": decision,
        "allowed_messages": sorted(kind for kind, name in MESSAGES.items() if name in waiting),
    }


def send(service: CaseService, reference: str, kind: str, text: str, received_at: dt.datetime) -> CaseResult:
    """Deliver the complainant's message; MessageNotExpected (409) when the case does not wait for it."""
    if kind == "withdraw":
        return service.withdraw(reference, COMPLAINANT, reason=text)
    payload = {"text": text, "received_at": received_at.isoformat(), "channel": "web"}
    try:
        return service.deliver_message(reference, MESSAGES[kind], payload, COMPLAINANT)
    except MessageNotExpected:
        raise MessageNotExpected(f"the case does not wait for a message of type '{kind}' now") from None
