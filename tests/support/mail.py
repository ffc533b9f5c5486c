"""Mail test helpers: an SMTP collector, free ports, outbox rows queued and read back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
from email.message import EmailMessage
from typing import Any

from sqlalchemy import insert, select

from engine.letters.tables import Outbox
from engine.store.db import Database

OUTBOX = Outbox.__table__

FULL_PARAMS: dict[str, Any] = {
    "reference": "CMP-2026-000123",
    "name": "Nguyễn Văn An",
    "due": {
        "acknowledge": "2026-11-24T17:00:00+00:00",
        "summary_resolution": "2026-11-26T17:00:00+00:00",
        "holding_reply": "2027-01-18T09:00:00+00:00",
        "final_response": "2027-01-18T09:00:00+00:00",
        "complainant_reply": "2027-02-05T17:00:00+00:00",
        "provider_reply": "2027-02-15T17:00:00+00:00",
    },
    "subject": "Card fee charged twice",
    "description": "The fee was taken twice in October.",
    "remedy": "Refund of the second fee",
    "redress_amount": "GBP 25.00",
    "reasons": "Our records show the fee was charged twice by mistake.",
    "recourse": "Financial Ombudsman Service, Exchange Tower, London E14 9SR; 0800 023 4567.",
    "outcome": "upheld",
    "decision_summary": "We will refund the duplicate fee.",
    "root_cause_code": "process_failure",
    "channel": "web",
    "product": "current_account",
    "category": "fees",
    "received_at": "2026-11-23T09:00:00+00:00",
    "information_requested": "A copy of your October statement.",
    "ombudsman_name": "the Financial Ombudsman Service",
    "referral_deadline": "2027-07-18",
    "reply_requested_by": "2026-12-07",
    "provider_name": "the Financial Ombudsman Service",
    "decision_expected_by": "2027-03-01",
    "survey_url": "https://survey.example.com/s/abc123",
    "contact": "complaints@example.com",
    "username": "hana",
    "deadline": "final_response",
    "task": "investigate",
    "due_at": "2027-01-18T09:00:00+00:00",
    "case_url": "https://redressal.example.com/cases/CMP-2026-000123",
}


REFUSED = "nobody@refused.example"  # the server answers 550 for this recipient


class Collector:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queue(
    db: Database,
    now: dt.datetime,
    template: str = "acknowledgement_letter",
    language: str = "en",
    recipient: str = "anna@example.com",
    params: dict[str, Any] | None = None,
    **columns: Any,
) -> int:
    """Insert one pending outbox row as engine.letters.queue writes it; returns its id."""
    row = {
        "template": template,
        "language": language,
        "recipient": recipient,
        "params": json.dumps(FULL_PARAMS if params is None else params),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "sent_at": None,
        "last_error": None,
        **columns,
    }
    with db.transaction() as conn:
        return conn.execute(insert(OUTBOX).values(**row).returning(OUTBOX.c.id)).scalar_one()


def outbox_row(db: Database, row_id: int):
    with db.reading() as conn:
        return conn.execute(select(OUTBOX).where(OUTBOX.c.id == row_id)).one()
