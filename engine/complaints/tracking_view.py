"""What the complainant's tracking page reads: one typed, immutable read model of their case.

It extends the API's tracking summary (engine.complaints.tracking.view, whose shape is a fixed contract)
with what a person wants to see on the page: the letters the platform sent them, readable; the files they
added themselves; and their case code. Staff-only matter never reaches it: only complainant letter
templates are listed (not staff mails), and only files the complainant uploaded.

Letters are rendered again from what was queued, in the language they went in. The case code is printed
as in the letter; the single-use link is not (it was spent or is in the person's hands, and only its hash
is kept), so the page's copy reads as the letter did without that one line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from engine.cases.service import CaseService
from engine.complaints import case_codes, tracking
from engine.complaints.settings import TrackingSettings
from engine.complaints.tables import CaseTracking
from engine.core.actors import COMPLAINANT
from engine.evidence.tables import Attachment
from engine.letters.history import LetterSent, complainant_letters
from engine.letters.transport import DEFAULT_FROM

_ATTACHMENT = Attachment.__table__
_TRACKING = CaseTracking.__table__


@dataclass(frozen=True)
class EvidenceFile:
    """A file the complainant added: enough to list it and offer it for download."""

    id: int
    name: str
    media_type: str
    size: int
    uploaded_at: dt.datetime


@dataclass(frozen=True)
class Decision:
    summary: str | None
    reasons: str | None
    recourse: str | None
    ombudsman_name: str | None
    referral_deadline: str | None
    communicated_at: str | None


@dataclass(frozen=True)
class TrackingView:
    """The case as its complainant sees it: where it stands, its dates, what was sent, what they may do."""

    reference: str
    status: str
    stage: str | None
    outcome: str | None
    received_at: str | None
    acknowledged_at: str | None
    response_due_at: dt.datetime | None
    closed_at: dt.datetime | None
    information_requested: str | None
    decision: Decision | None
    allowed_messages: tuple[str, ...]
    letters: tuple[LetterSent, ...]
    evidence: tuple[EvidenceFile, ...]
    case_code: str | None  # ABCD-EFGH, when settings were given and the case has a code

    def api_summary(self) -> dict[str, Any]:
        """The API's tracking answer (engine.complaints.tracking.view's shape), for a caller holding this."""
        return {
            "reference": self.reference,
            "status": self.status,
            "stage": self.stage,
            "outcome": self.outcome,
            "received_at": self.received_at,
            "acknowledged_at": self.acknowledged_at,
            "response_due_at": self.response_due_at,
            "closed_at": self.closed_at,
            "information_requested": self.information_requested,
            "decision": dataclasses.asdict(self.decision) if self.decision is not None else None,
            "allowed_messages": list(self.allowed_messages),
        }

    @property
    def can_add_evidence(self) -> bool:
        """Files are welcome while the case is open; a closed or withdrawn case takes none."""
        return self.status not in ("closed", "withdrawn")


def read(
    service: CaseService,
    reference: str,
    *,
    settings: TrackingSettings | None = None,
    contact: str | None = None,
) -> TrackingView:
    """The tracking page's model of a case; NotFound as `tracking.view` for an unknown reference.

    `contact` is the organisation's address letters name (the sender's From; default
    ``REDRESSAL_MAIL_FROM``); `settings` give the case code (left out without them).
    """
    case_id, summary = tracking.summary(service, reference)
    contact = contact or os.environ.get("REDRESSAL_MAIL_FROM") or DEFAULT_FROM
    with service.db.reading() as conn:
        code = _code(conn, settings, case_id, summary["reference"])
        letters = _letters(conn, case_id, contact, code, settings)
        evidence = _evidence(conn, case_id)
    decision = summary["decision"]
    return TrackingView(
        reference=summary["reference"],
        status=summary["status"],
        stage=summary["stage"],
        outcome=summary["outcome"],
        received_at=summary["received_at"],
        acknowledged_at=summary["acknowledged_at"],
        response_due_at=summary["response_due_at"],
        closed_at=summary["closed_at"],
        information_requested=summary["information_requested"],
        decision=Decision(**decision) if decision is not None else None,
        allowed_messages=tuple(summary["allowed_messages"]),
        letters=letters,
        evidence=evidence,
        case_code=code,
    )


def _code(conn: Connection, settings: TrackingSettings | None, case_id: int, reference: str) -> str | None:
    if settings is None:
        return None
    nonce = conn.scalar(select(_TRACKING.c.code_nonce).where(_TRACKING.c.case_id == case_id))
    if not nonce:
        return None
    return case_codes.display(case_codes.derive(settings.secret_key, reference, nonce))


def _letters(
    conn: Connection, case_id: int, contact: str, code: str | None, settings: TrackingSettings | None
) -> tuple[LetterSent, ...]:
    extra = {"case_code": code, "tracking_url": settings.track_url if settings is not None else None}
    return complainant_letters(conn, case_id, contact, extra)


def _evidence(conn: Connection, case_id: int) -> tuple[EvidenceFile, ...]:
    rows = conn.execute(
        select(
            _ATTACHMENT.c.id,
            _ATTACHMENT.c.name,
            _ATTACHMENT.c.media_type,
            _ATTACHMENT.c.size,
            _ATTACHMENT.c.uploaded_at,
        )
        .where(_ATTACHMENT.c.case_id == case_id, _ATTACHMENT.c.uploaded_by == COMPLAINANT.username)
        .order_by(_ATTACHMENT.c.id)
    ).all()
    return tuple(EvidenceFile(r.id, r.name, r.media_type, r.size, r.uploaded_at) for r in rows)
