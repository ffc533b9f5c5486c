"""Demo complaints for `make run` (never in production): a handful of cases in several languages, each at a
different stage, made the way people make them — through intake and the case service, never by writing rows.

A newcomer signing in as `demo-handler` then sees a working inbox: one complaint waiting for its
acknowledgement, one under investigation, one whose decision was sent, one escalated to a dispute, one closed
and one whose final response deadline has already passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from engine.cases.service import CaseService
from engine.cases.tables import Case
from engine.complaints import intake, tracking
from engine.core.actors import Actor
from engine.identity.users import load_actor

HANDLER = "demo-handler"
SUPERVISOR = "demo-supervisor"


def answers(now: dt.datetime) -> dict[str, dict[str, Any]]:
    """Answers that pass each form's validation, dated around `now`."""
    at = now.replace(microsecond=0).isoformat()
    return {
        "acknowledgement": {
            "acknowledgement_channel": "email",
            "acknowledged_at": at,
            "handler_contact": "Demo Handler, 0300 123 4567",
        },
        "assessment": {
            "is_complaint": True,
            "category": "fees_and_charges",
            "product": "Everyday current account",
            "impact": "low",
            "complexity": "simple",
        },
        "investigation": {"investigation_notes": "The fee batch ran twice on 1 October."},
        "response": {
            "proposed_outcome": "partly_upheld",
            "remedy": ["refund", "apology"],
            "redress_amount": 12,
            "root_cause_code": "system_error",
            "reasons": "One fee was taken twice by a batch error; the other was due.",
        },
        "approval": {"approved": True, "approval_comments": "Agreed."},
        "decision_letter": {
            "decision_summary": "We refund the second fee.",
            "reasons": "One fee was taken twice by a batch error; the other was due.",
            "recourse": "You may refer this to the Financial Ombudsman Service within six months.",
            "ombudsman_name": "Financial Ombudsman Service",
            "letter_channel": "email",
            "letter_sent_at": at,
        },
        "closing": {"outcome": "partly_upheld", "root_cause_code": "system_error"},
    }


COMPLAINANTS = [
    ("fa", "مریم احمدی", "maryam@example.org", "کارمزد ماهانه حساب دو بار کسر شد.", "GB-ENG"),
    ("vi", "Nguyễn Thị Lan", "lan@example.org", "Phí tài khoản hàng tháng bị trừ hai lần.", "GB-ENG"),
    (
        "en",
        "Ada Lovelace",
        "ada@example.org",
        "The monthly account fee was taken twice in October.",
        "GB-ENG",
    ),
    ("zh-Hant", "陳美玲", "meiling@example.org", "十月份的帳戶月費被扣了兩次。", "GB-ENG"),
    (
        "pl",
        "Anna Kowalska",
        "anna@example.org",
        "Opłata miesięczna za konto została pobrana dwukrotnie.",
        "GB-ENG",
    ),
    (
        "en",
        "Grace Hopper",
        "grace@example.org",
        "My card was blocked abroad and nobody called me back.",
        "GB-ENG",
    ),
]


def _file(service: CaseService, who: tuple, received_at: dt.datetime | None = None) -> str:
    lang, name, email, description, jurisdiction = who
    payload: dict[str, Any] = {
        "complainant": {"name": name, "email": email, "language": lang, "preferred_channel": "email"},
        "subject": description[:60],
        "category": "fees_and_charges",
        "description": description,
        "jurisdiction": jurisdiction,
        "consent_to_process": True,
    }
    staff = None
    if received_at is not None:  # logged by staff, as received some time ago (by phone)
        staff = load_actor_of(service, HANDLER)
        payload |= {"channel": "phone", "received_at": received_at.isoformat()}
    return intake.submit(service, payload, staff)["reference"]


def load_actor_of(service: CaseService, username: str) -> Actor:
    with service.db.read() as session:
        return load_actor(session, username)


def _complete(service: CaseService, reference: str, form_id: str, actor: Actor) -> None:
    from engine.cases import queries

    tasks = [t for t in queries.case_detail(service, reference).tasks if t.form_id == form_id]
    if tasks:
        service.complete_task(tasks[0].id, answers(service.clock.now())[form_id], actor)


def seed(service: CaseService) -> list[str]:
    """Make the demo complaints unless the database already has cases; returns their references."""
    with service.db.reading() as conn:
        if conn.scalar(select(func.count()).select_from(Case)):
            return []
    handler = load_actor_of(service, HANDLER)
    made = []
    waiting = _file(service, COMPLAINANTS[0])
    made.append(waiting)
    investigating = _file(service, COMPLAINANTS[1])
    for form_id in ("acknowledgement", "assessment"):
        _complete(service, investigating, form_id, handler)
    made.append(investigating)
    decided = _file(service, COMPLAINANTS[2])
    for form_id in ("acknowledgement", "assessment", "investigation", "response", "decision_letter"):
        _complete(service, decided, form_id, handler)
    made.append(decided)
    escalated = _file(service, COMPLAINANTS[3])
    for form_id in ("acknowledgement", "assessment", "investigation", "response", "decision_letter"):
        _complete(service, escalated, form_id, handler)
    tracking.send(service, escalated, "reject", "One refund is not enough.", service.clock.now())
    made.append(escalated)
    closed = _file(service, COMPLAINANTS[4])
    for form_id in ("acknowledgement", "assessment", "investigation", "response", "decision_letter"):
        _complete(service, closed, form_id, handler)
    tracking.send(service, closed, "accept", "Thank you.", service.clock.now())
    _complete(service, closed, "closing", handler)
    made.append(closed)
    breached = _file(service, COMPLAINANTS[5], received_at=service.clock.now() - dt.timedelta(weeks=9))
    made.append(breached)
    return made
