"""What a complainant may see and do without logging in.

Complainants never have accounts. Three credentials open a case, each with the reference or on its own:
the long random token given at intake (API clients; stored only as its hash), the short case code printed on
every letter (`open_by_code`; derived, never stored: engine.complaints.case_codes), and the single-use link
of each letter (engine.complaints.credentials.redeem_link). A wrong credential and an unknown reference fail
in the same way, after the same work, so the answer never tells a stranger that a reference exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import IO, Any

from sqlalchemy import select

from engine.bpmn import workflow as wfx
from engine.cases.read_models import AttachmentItem
from engine.cases.service import CaseResult, CaseService
from engine.cases.store import CASE, CASE_COLUMNS
from engine.complaints import case_codes, credentials, throttle
from engine.complaints.settings import TrackingSettings
from engine.complaints.tables import CaseTracking
from engine.core.actors import COMPLAINANT
from engine.core.errors import FormInvalid, MessageNotExpected, NotFound
from engine.deadlines import compute as deadlines
from engine.deadlines.tables import CaseDeadline
from engine.evidence import attachments
from engine.evidence.attachments import AttachmentPolicy
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
_NO_NONCE = "0" * 32  # compared against when the reference is unknown: the same work either way
NOT_FOUND = "no case matches this reference and tracking token"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: Database, clock, case_id: int) -> str:
    """A new tracking token for a case (replacing any earlier one); only its hash is kept."""
    with db.transaction() as conn:
        return issue_in(conn, clock, case_id)


def issue_in(conn, clock, case_id: int) -> str:
    """`issue` inside the caller's transaction (the one that creates the case, at intake).

    The case keeps its code nonce: a new token does not change the code printed on letters already sent.
    """
    token = secrets.token_urlsafe(24)
    updated = conn.execute(
        _TRACKING.update().where(_TRACKING.c.case_id == case_id).values(token_hash=_hash(token))
    ).rowcount
    if not updated:
        conn.execute(
            _TRACKING.insert().values(
                case_id=case_id,
                token_hash=_hash(token),
                created_at=clock.now(),
                code_nonce=case_codes.new_nonce(),
            )
        )
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


def open_by_code(
    db: Database, clock, settings: TrackingSettings, reference: str | None, code: str | None
) -> int:
    """The case id when `code` is the case code of `reference` (both as typed: any letter case, spaces and
    dashes ignored); otherwise NotFound, the same for an unknown reference and a wrong code.

    Attempts per reference are limited (engine.complaints.throttle): over the limit, TooManyAttempts
    (429), decided before the reference is looked up, so it is the same whether the reference exists.
    """
    wanted = case_codes.normalise_reference(reference)
    attempt = throttle.begin(db, settings, clock.now(), throttle.key_of(wanted))
    with db.reading() as conn:
        row = conn.execute(
            select(CASE.c.id, CASE.c.reference, _TRACKING.c.code_nonce)
            .outerjoin(_TRACKING, _TRACKING.c.case_id == CASE.c.id)
            .where(CASE.c.reference == wanted)
        ).first()
    nonce = row.code_nonce if row is not None and row.code_nonce else _NO_NONCE
    right = case_codes.matches(settings.secret_key, wanted, nonce, code)
    if not right or row is None or not row.code_nonce:
        raise NotFound(NOT_FOUND)
    throttle.forgive(db, attempt)
    return row.id


def reference_of(db: Database, case_id: int) -> str:
    """The reference of a case opened by its code or a letter's link (the portal keeps it in the session)."""
    with db.reading() as conn:
        reference = conn.scalar(select(CASE.c.reference).where(CASE.c.id == case_id))
    if reference is None:
        raise NotFound(NOT_FOUND)
    return reference


def case_code(db: Database, clock, settings: TrackingSettings, case_id: int) -> str:
    """The case's code as printed (``ABCD-EFGH``), drawing its nonce if it has none yet."""
    with db.transaction() as conn:
        return credentials.code_in(conn, settings, case_id, clock.now())


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
    """Status, stage, key dates, the decision once it was sent, and what the complainant may send now.

    The API's answer, whose shape is fixed; the portal reads engine.complaints.tracking_view, which adds
    the letters and evidence to the same summary.
    """
    return summary(service, reference)[1]


def summary(service: CaseService, reference: str) -> tuple[int, dict[str, Any]]:
    """The case id and `view`'s answer, read once."""
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
    return row.id, {
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


def reject(service: CaseService, reference: str, reasons: str, received_at: dt.datetime) -> CaseResult:
    """Reject the decision with reasons, as the portal asks: a rejection without them is refused (422),
    because the reasons are what the review and any dispute start from. (The API's `send` stays lenient.)"""
    if not (reasons or "").strip():
        raise FormInvalid({"text": ["Please tell us why you disagree with our decision."]})
    return send(service, reference, "reject", reasons.strip(), received_at)


def add_evidence(
    service: CaseService,
    policy: AttachmentPolicy,
    case_id: int,
    name: str | None,
    media_type: str | None,
    stream: IO[bytes],
) -> AttachmentItem:
    """Store a file the complainant adds to their case, under the complainant's name (engine.evidence)."""
    return attachments.save(
        service.db, service.clock, policy, case_id, name, media_type, stream, COMPLAINANT.username
    )


def send(service: CaseService, reference: str, kind: str, text: str, received_at: dt.datetime) -> CaseResult:
    """Deliver the complainant's message; MessageNotExpected (409) when the case does not wait for it."""
    if kind == "withdraw":
        return service.withdraw(reference, COMPLAINANT, reason=text)
    payload = {"text": text, "received_at": received_at.isoformat(), "channel": "web"}
    try:
        return service.deliver_message(reference, MESSAGES[kind], payload, COMPLAINANT)
    except MessageNotExpected:
        raise MessageNotExpected(f"the case does not wait for a message of type '{kind}' now") from None
