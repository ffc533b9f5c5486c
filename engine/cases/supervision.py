"""What supervisors do across queues: reassign with a reason, send a task back, see breaches and near
breaches, see workload. Each write is one transaction with its audit event; the policy lets only supervisors
(and admins) in (`Action.SUPERVISE`).

**Send back** resets the case to its previous user task with SpiffWorkflow 3's own
`BpmnWorkflow.reset_from_task_id`: the task the case waits at (and everything after the previous user task)
is dropped, the previous task is READY again with the data it was completed with (its form opens with the
answers given), and it is re-offered to its group's queue, unheld. It is refused, with the reason, where a
reset would drop more than the one task: a case with other tasks ready in parallel, a case waiting on a
linked case (a dispute), or a task whose previous step is not a user task of the same process (the first
task of a case, a task inside a subprocess started after it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from copy import deepcopy
from typing import Any

from sqlalchemy import case, func, select

from engine.access import policy as access
from engine.bpmn import workflow as wfx
from engine.cases.inbox import due_time, group_condition
from engine.cases.involvement import involved_clause
from engine.cases.read_models import DeadlineAlert, Reassignment, Workload
from engine.cases.store import CASE, TASK
from engine.cases.tables import AuditEvent
from engine.core.actors import DEFAULT_GROUP, Actor
from engine.core.errors import ConflictError, FormInvalid, NotFound, TaskNotReady
from engine.deadlines.tables import CaseDeadline

DEADLINE = CaseDeadline.__table__
AUDIT = AuditEvent.__table__
# How close to its due time an open deadline counts as a near breach, unless the caller says.
NEAR_HOURS = float(os.environ.get("REDRESSAL_NEAR_BREACH_HOURS", "24"))
_ENDED = ("closed", "withdrawn")


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise FormInvalid({"reason": ["Say why."]})
    return text


def reassign(service, task_id: str, assignee: str, actor: Actor, reason: str):
    """Give a task to a member of its group, with a reason: the case service's assignment (one
    transaction, an `assign` audit event naming from, to, who and why), behind the supervisors' gate."""
    access.require(actor, access.Action.SUPERVISE)
    return service.assign_task(task_id, assignee, actor, _reason(reason))


def _previous_user_task(task):
    node = task.parent
    while node is not None:
        if getattr(node.task_spec, "manual", False) and node.state == wfx.TaskState.COMPLETED:
            return node
        node = node.parent
    return None


def send_back(service, task_id: str, actor: Actor, reason: str):
    """Send the case back from this task to its previous user task (see the module's docstring)."""
    access.require(actor, access.Action.SUPERVISE)
    why = _reason(reason)
    row, work = service.read_task(task_id, actor.username)
    task = wfx.find_task(work.wf, task_id)
    if task is None or task.state != wfx.TaskState.READY:
        raise TaskNotReady(f"task {task_id} is not waiting for work any more")
    if work.open_children:
        raise ConflictError("the case waits on a linked case; it cannot be sent back now")
    if len(work.before_tasks) > 1:
        raise ConflictError("the case has other tasks in progress; sending back would drop them")
    previous = _previous_user_task(task)
    if previous is None:
        raise ConflictError("this is the case's first task here: there is nothing to send it back to")
    with service.store.running(work):
        work.wf.reset_from_task_id(previous.id, data=deepcopy(previous.data))
        wfx.run(work.wf)
    work.record(
        actor.username,
        "send_back",
        task_id,
        row.task_bpmn_id,
        **{"from": row.assignee, "to": None},
        to_task=str(previous.id),
        to_element=previous.task_spec.bpmn_id,
        reason=why,
    )
    return service.commit([work])


def reassignments(service, actor: Actor, reference: str) -> list[Reassignment]:
    """A case's reassignments and sends back, oldest first, from its audit trail (with the reasons)."""
    access.require(actor, access.Action.SUPERVISE)
    with service.db.reading() as conn:
        case_id = conn.scalar(select(CASE.c.id).where(CASE.c.reference == reference))
        if case_id is None:
            raise NotFound(f"no case with the reference {reference}")
        rows = conn.execute(
            select(AUDIT)
            .where(AUDIT.c.case_id == case_id, AUDIT.c.action.in_(("assign", "send_back")))
            .order_by(AUDIT.c.seq)
        ).all()
    out = []
    for r in rows:
        detail = json.loads(r.detail)
        out.append(
            Reassignment(
                reference=reference,
                task_id=r.task_id,
                element=r.element,
                action=r.action,
                actor=r.actor,
                at=r.at,
                from_user=detail.get("from"),
                to_user=detail.get("to") if r.action == "assign" else detail.get("to_element"),
                reason=detail.get("reason", ""),
            )
        )
    return out


def alerts(
    service,
    actor: Actor,
    *,
    near: dt.timedelta | None = None,
    group: str | None = None,
    limit: int = 500,
) -> list[DeadlineAlert]:
    """Deadlines of open cases past due (breached) or due within `near` (default NEAR_HOURS), earliest
    first, each with the case's open tasks (who holds them, which queue). One statement."""
    access.require(actor, access.Action.SUPERVISE)
    now = service.clock.now()
    window = near if near is not None else dt.timedelta(hours=NEAR_HOURS)
    query = (
        select(
            CASE.c.reference,
            CASE.c.process_id,
            CASE.c.status,
            CASE.c.stage,
            DEADLINE.c.name,
            DEADLINE.c.due_at,
            DEADLINE.c.regulatory,
            TASK.c.id.label("task_id"),
            TASK.c.name.label("task_name"),
            TASK.c.group_id,
            TASK.c.assignee,
        )
        .select_from(DEADLINE)
        .join(CASE, CASE.c.id == DEADLINE.c.case_id)
        .outerjoin(TASK, TASK.c.case_id == CASE.c.id)
        .where(
            DEADLINE.c.met_at.is_(None),
            DEADLINE.c.due_at < now + window,
            CASE.c.status.not_in(_ENDED),
        )
        .order_by(DEADLINE.c.due_at, CASE.c.reference, DEADLINE.c.name, TASK.c.id)
        .limit(limit)
    )
    if group is not None:
        query = query.where(TASK.c.group_id == group)
    with service.db.reading() as conn:
        rows = conn.execute(query).all()
    return [
        DeadlineAlert(
            reference=r.reference,
            process_id=r.process_id,
            status=r.status,
            stage=r.stage,
            deadline=r.name,
            due_at=r.due_at,
            regulatory=bool(r.regulatory),
            state="breached" if r.due_at <= now else "near",
            seconds_left=(r.due_at - now).total_seconds(),
            task_id=r.task_id,
            task_name=r.task_name,
            group_id=r.group_id,
            assignee=r.assignee,
        )
        for r in rows
    ]


def workload(service, actor: Actor, groups: frozenset[str] | None = None) -> dict[str, list[Workload]]:
    """Open tasks per handler (held by them) and per group (its whole queue): how many, how many overdue
    (engine.cases.inbox's due time), how many held. Two statements, whatever the number of tasks."""
    access.require(actor, access.Action.SUPERVISE)
    now = service.clock.now()
    late = func.sum(case((due_time() < now, 1), else_=0))
    held = func.sum(case((TASK.c.assignee.is_not(None), 1), else_=0))
    scope: list[Any] = [group_condition(groups)] if groups is not None else []
    by_group = (
        select(TASK.c.group_id.label("key"), func.count(), late, held).where(*scope).group_by(TASK.c.group_id)
    )
    by_user = (
        select(TASK.c.assignee.label("key"), func.count(), late, held)
        .where(TASK.c.assignee.is_not(None), *scope)
        .group_by(TASK.c.assignee)
        .order_by(TASK.c.assignee)
    )
    with service.db.reading() as conn:
        groups_rows = conn.execute(by_group).all()
        user_rows = conn.execute(by_user).all()
    per_group: dict[str, list[int]] = {}
    for r in groups_rows:  # lane-less rows written before the default group was stored count as its own
        counts = per_group.setdefault(r[0] or DEFAULT_GROUP, [0, 0, 0])
        for n, value in enumerate(r[1:]):
            counts[n] += int(value or 0)
    return {
        "handlers": [Workload(r[0], r[1], int(r[2] or 0), int(r[3] or 0)) for r in user_rows],
        "groups": [Workload(key, *per_group[key]) for key in sorted(per_group)],
    }


def objectivity(service, actor: Actor, task_id: str, username: str) -> str | None:
    """Why `username` is not offered this task (the policy's wording), or None when nothing keeps them."""
    access.require(actor, access.Action.SUPERVISE)
    with service.db.reading() as conn:
        row = conn.execute(
            select(involved_clause(TASK.c.case_id, username).label("involved")).where(TASK.c.id == task_id)
        ).first()
    if row is None:
        raise NotFound(f"no ready task {task_id}")
    return access.objectivity_reason(bool(row.involved))
