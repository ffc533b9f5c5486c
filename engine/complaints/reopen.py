"""Reopening a closed complaint: a supervisor's decision, within a period after closure.

A closed complaint stays closed (its outcome, letters and deadline records are history); reopening starts a
NEW complaint case with the original's intake details, linked to it (`reopened_from`, engine.cases.links),
so measures count reopened complaints by those links and each case keeps its own deadlines. The new case's
start, the link and an event on the original's audit trail commit together.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import Connection, select

from engine.access import policy as access
from engine.bpmn import workflow as wfx
from engine.cases import links
from engine.cases.service import CaseResult, CaseService
from engine.cases.store import CASE, save
from engine.complaints.intake import PROCESS_ID, START_FORM
from engine.core.actors import Actor
from engine.core.errors import ConflictError, FormInvalid
from engine.task_forms.schema import input_fields

DEFAULT_DAYS = 30
# What the new case carries besides the intake details: where it came from and why.
REOPENED_FROM = "reopened_from"
REOPEN_REASON = "reopen_reason"


def period_days() -> int:
    """Days after closure within which a complaint may be reopened (REDRESSAL_REOPEN_DAYS, default 30)."""
    try:
        return max(0, int(os.environ.get("REDRESSAL_REOPEN_DAYS", DEFAULT_DAYS)))
    except ValueError:
        return DEFAULT_DAYS


class ReopenRefused(ConflictError):
    """The complaint cannot be reopened: not closed, closed too long ago, or reopened already."""

    title = "Reopening refused"


def reopen(
    service: CaseService, reference: str, actor: Actor, reason: str, days: int | None = None
) -> CaseResult:
    """Start a new complaint case from closed complaint `reference`; returns the new case."""
    access.require(actor, access.Action.REOPEN_CASES)
    reason = (reason or "").strip()
    if not reason:
        raise FormInvalid({"reason": ["Say why the complaint is reopened."]})
    original = service.read_case(reference)
    if original.version.process_id != PROCESS_ID:
        raise ReopenRefused(f"{reference} is not a complaint; only complaints are reopened")
    if original.status != "closed" or original.outcome == "merged":
        what = "merged into another complaint" if original.outcome == "merged" else original.status
        raise ReopenRefused(f"{reference} is {what}; only a closed complaint can be reopened")
    allowed = period_days() if days is None else days
    now = service.clock.now()
    with service.db.reading() as conn:
        closed_at = conn.scalar(select(CASE.c.closed_at).where(CASE.c.id == original.saved_id))
        earlier = links.pointing_at(conn, original.saved_id, links.REOPENED_FROM)
        reopened_as = conn.scalars(select(CASE.c.reference).where(CASE.c.id.in_(earlier or [-1]))).all()
    if reopened_as:
        raise ReopenRefused(f"{reference} was reopened already as {', '.join(reopened_as)}")
    if closed_at is None or now - closed_at > dt.timedelta(days=allowed):
        raise ReopenRefused(
            f"{reference} closed on {closed_at.date().isoformat() if closed_at else 'an unknown date'}; "
            f"a complaint can be reopened within {allowed} days of closure (REDRESSAL_REOPEN_DAYS)"
        )
    data = _start_data(original.version.forms.get(START_FORM), wfx.case_data(original.wf))
    data.update(
        received_at=now.isoformat(),
        received_by=actor.username,
        **{REOPENED_FROM: reference, REOPEN_REASON: reason},
    )
    original_id = original.saved_id

    def link_and_note(conn: Connection, case_id: int, result: CaseResult) -> None:
        links.add(conn, case_id, original_id, links.REOPENED_FROM, now, actor.username)
        closed = service.store.load_by_id(conn, original_id)
        closed.record(actor.username, "reopened", reopened_as=result.reference, personal={"reason": reason})
        save(conn, closed, now, service.sla_profiles)

    return service.start_case(
        original.version.process_id, data, actor, validate_start_form=False, within=link_and_note
    )


def _start_data(form: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """The original's values of the intake form's fields (whole top-level blocks: the complainant, ...)."""
    if form is None:
        return {}
    tops = {c["key"].split(".")[0] for c in input_fields(form)}
    return {k: v for k, v in data.items() if k in tops and v is not None}
