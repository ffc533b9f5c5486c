"""Read models: what lists and detail pages show. Reads only; nothing here writes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from engine.errors import NotFound
from engine.runtime import workflow as wfx
from engine.runtime.casework import CASE, CASE_COLUMNS, TASK, TIMER
from engine.store.models import AuditEvent, Case


def case_detail(runtime, reference: str) -> dict[str, Any]:
    with runtime.db.read() as session:
        row = session.execute(
            select(*CASE_COLUMNS, CASE.c.created_at, CASE.c.updated_at, CASE.c.closed_at).where(
                CASE.c.reference == reference
            )
        ).first()
        if row is None:
            raise NotFound(f"no case with the reference {reference}")
        work = runtime._load(session, row)
        tasks = session.execute(
            select(TASK).where(TASK.c.case_id == row.id).order_by(TASK.c.created_at)
        ).all()
        timers = session.execute(
            select(TIMER).where(TIMER.c.case_id == row.id).order_by(TIMER.c.due_at)
        ).all()
        linked = session.execute(
            select(Case.reference, Case.process_id, Case.status, Case.id).where(
                (Case.parent_case_id == row.id) | (Case.id == (row.parent_case_id or -1))
            )
        ).all()
        history = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == row.id).order_by(AuditEvent.seq)
        ).all()
    return {
        "reference": row.reference,
        "status": row.status,
        "stage": row.stage,
        "outcome": row.outcome,
        "process_id": work.version.process_id,
        "process_version": work.version.version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "closed_at": row.closed_at,
        "data": wfx.case_data(work.wf),
        "waiting_for": sorted(wfx.waiting_messages(work.wf)),
        "tasks": [
            {
                "id": t.id,
                "name": t.name,
                "bpmn_id": t.bpmn_id,
                "form": t.form_id,
                "group": t.lane,
                "assignee": t.assignee,
                "due_at": t.due_at,
            }
            for t in tasks
        ],
        "timers": [
            {"id": t.id, "bpmn_id": t.bpmn_id, "due_at": t.due_at, "interrupting": t.interrupting}
            for t in timers
        ],
        "linked_cases": [
            {
                "reference": c.reference,
                "process_id": c.process_id,
                "status": c.status,
                "relation": "parent" if c.id == row.parent_case_id else "child",
            }
            for c in linked
        ],
        "history": [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "task_id": e.task_id,
                "element": e.element,
                "status_before": e.status_before,
                "status_after": e.status_after,
                "detail": json.loads(e.detail),
                "hash": e.hash,
            }
            for e in history
        ],
    }


def list_tasks(
    runtime,
    *,
    groups: frozenset[str] | None = None,
    assignee: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    query = (
        select(
            TASK.c.id,
            TASK.c.name,
            TASK.c.bpmn_id,
            TASK.c.form_id,
            TASK.c.lane,
            TASK.c.assignee,
            TASK.c.due_at,
            TASK.c.created_at,
            CASE.c.reference,
            CASE.c.status,
            CASE.c.stage,
        )
        .join(CASE, CASE.c.id == TASK.c.case_id)
        .order_by(TASK.c.due_at.is_(None), TASK.c.due_at, TASK.c.created_at)
        .limit(limit)
        .offset(offset)
    )
    if groups is not None:
        query = query.where(TASK.c.lane.in_(sorted(groups)) | TASK.c.lane.is_(None))
    if assignee is not None:
        query = query.where(TASK.c.assignee == assignee)
    with runtime.db.read() as session:
        return [dict(r._mapping) for r in session.execute(query)]
