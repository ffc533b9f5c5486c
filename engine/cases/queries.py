"""Read models: what lists and detail pages show. Reads only; nothing here writes."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from sqlalchemy import Integer, and_, bindparam, exists, func, literal, not_, or_, select, union_all
from sqlalchemy.sql.expression import BindParameter

from engine.bpmn import workflow as wfx
from engine.cases import links
from engine.cases.read_models import (
    CaseDetail,
    CaseItem,
    CaseTask,
    DeadlineState,
    HistoryEvent,
    LinkedCase,
    PendingTimer,
    SlaPause,
    SlaState,
    TaskDetail,
    TaskItem,
)
from engine.cases.store import CASE, CASE_COLUMNS, TASK, TIMER
from engine.cases.tables import AuditEvent, Case
from engine.complaints import restrictions
from engine.core.actors import DEFAULT_GROUP
from engine.core.errors import NotFound
from engine.deadlines import watch
from engine.deadlines.tables import CaseDeadline, CasePause
from engine.disputes import organisations
from engine.evidence.attachments import for_case as attachments_for_case
from engine.task_forms import schema as forms
from engine.timers.incidents import for_case as incidents_for_case

DEADLINE = CaseDeadline.__table__


def case_detail(service, reference: str, *, incidents: bool = True) -> CaseDetail:
    """Everything about a case (see CaseDetail), read in one transaction; `incidents=False` leaves out the
    engine's own trouble and the restrictions of contact, which are for staff (providers read the same page
    without them)."""
    with service.db.read() as session:
        row = session.execute(
            select(*CASE_COLUMNS, CASE.c.created_at, CASE.c.updated_at, CASE.c.closed_at).where(
                CASE.c.reference == reference
            )
        ).first()
        if row is None:
            raise NotFound(f"no case with the reference {reference}")
        work = service.store.load(session, row)
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
        case_deadlines = session.scalars(
            select(CaseDeadline).where(CaseDeadline.case_id == row.id).order_by(CaseDeadline.due_at)
        ).all()
        pauses = session.scalars(
            select(CasePause).where(CasePause.case_id == row.id).order_by(CasePause.started_at)
        ).all()
        conn = session.connection()
        trouble = tuple(incidents_for_case(conn, row.id)) if incidents else ()
        files = tuple(attachments_for_case(conn, row.id))
        case_links = tuple(links.of_case(conn, row.id))
        contact_restrictions = (
            tuple(restrictions.of_case(conn, row.id, row.reference, service.clock.now().date()))
            if incidents
            else ()
        )
    ended = row.status in ("closed", "withdrawn")
    deadlines = tuple(
        DeadlineState(
            name=d.name,
            status=watch.status_of(d, ended),
            due_at=d.due_at,
            regulatory=d.regulatory,
            profile=d.profile,
            calendar_version=d.calendar_version,
            met_at=d.met_at,
            breached_at=d.breached_at,
        )
        for d in case_deadlines
    )
    data = wfx.case_data(work.wf)
    return CaseDetail(
        reference=row.reference,
        status=row.status,
        stage=row.stage,
        outcome=row.outcome,
        process_id=work.version.process_id,
        process_version=work.version.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
        data=data,
        deemed_outcome=data.get("deemed_outcome"),  # engine.deadlines.outcomes
        deadline_extensions=data.get("sla_extensions") or {},  # engine.deadlines.extend
        sla=SlaState(
            profile=row.sla_profile,
            calendar_version=row.calendar_version,
            paused_since=row.paused_since,
            paused_seconds=row.paused_seconds,
            deadlines=deadlines,
            pauses=tuple(SlaPause(p.reason, p.started_at, p.ended_at) for p in pauses),
        ),
        deadlines=deadlines,
        waiting_for=tuple(sorted(set(wfx.waiting_messages(work.wf)) - {watch.DEADLINE_PASSED})),
        tasks=tuple(
            CaseTask(
                id=t.id,
                name=t.name,
                bpmn_id=t.bpmn_id,
                form_id=t.form_id,
                group_id=t.group_id,
                assignee=t.assignee,
                due_at=t.due_at,
            )
            for t in tasks
        ),
        timers=tuple(
            PendingTimer(
                id=t.id,
                bpmn_id=t.bpmn_id,
                due_at=t.due_at,
                interrupting=t.interrupting,
                kind=t.kind,
                deadline=t.deadline,
            )
            for t in timers
        ),
        linked_cases=tuple(
            LinkedCase(
                reference=c.reference,
                process_id=c.process_id,
                status=c.status,
                relation="parent" if c.id == row.parent_case_id else "child",
            )
            for c in linked
        ),
        history=tuple(
            HistoryEvent(
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                action=e.action,
                task_id=e.task_id,
                element=e.element,
                status_before=e.status_before,
                status_after=e.status_after,
                detail=json.loads(e.detail),
                hash=e.hash,
            )
            for e in history
        ),
        incidents=trouble,
        attachments=files,
        case_links=case_links,
        contact_restrictions=contact_restrictions,
    )


# What every task list shows of a task.
_TASK_COLUMNS = (
    TASK.c.id,
    TASK.c.name,
    TASK.c.bpmn_id,
    TASK.c.form_id,
    TASK.c.group_id,
    TASK.c.assignee,
    TASK.c.due_at,
    TASK.c.created_at,
)


def list_tasks(
    service,
    *,
    groups: frozenset[str] | None = None,
    assignee: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[TaskItem]:
    """Ready tasks for the command line, due first; `groups=None` lists every group's."""
    query = (
        select(
            *_TASK_COLUMNS,
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
        # Rows written before group-less tasks were stored as the default group have no group.
        legacy = [TASK.c.group_id.is_(None)] if DEFAULT_GROUP in groups else []
        query = query.where(or_(TASK.c.group_id.in_(sorted(groups)), *legacy))
    if assignee is not None:
        query = query.where(TASK.c.assignee == assignee)
    with service.db.read() as session:
        return [TaskItem(**r._mapping) for r in session.execute(query)]


# --- pages for the API: lists with a total, filters that use indexes ------------------------------------

_INBOX_COLUMNS = (*_TASK_COLUMNS, TASK.c.case_id)


def _group_is(n: int, is_null: bool):
    return TASK.c.group_id.is_(None) if is_null else TASK.c.group_id == bindparam(f"group{n}")


@functools.lru_cache(maxsize=64)
def _inbox_statements(null_groups: tuple[bool, ...], mine: bool, sqlite: bool):
    """The count and page statements for one shape of inbox, built once (building them costs more than
    running them); groups, user, limit and offset are bound per call."""
    me: BindParameter[str] = bindparam("me")
    holders = [TASK.c.assignee == me] if mine else [TASK.c.assignee.is_(None), TASK.c.assignee == me]
    if mine:
        holder = TASK.c.assignee == me
    elif sqlite:
        # SQLite, knowing nothing of the data, would read the assignee index and sort; wrapped in a function
        # the condition cannot use an index, so it keeps to the inbox index.
        holder = func.coalesce(TASK.c.assignee, "").in_([literal(""), me])
    else:
        # PostgreSQL estimates the plain condition from its statistics and picks the inbox index by itself.
        holder = or_(TASK.c.assignee.is_(None), TASK.c.assignee == me)
    want = bindparam("want", type_=Integer)
    counts = union_all(
        *[
            select(func.count().label("n")).select_from(TASK).where(_group_is(n, null), who)
            for n, null in enumerate(null_groups)
            for who in holders
        ]
    )
    parts = []
    for n, null in enumerate(null_groups):
        in_group = _group_is(n, null)
        parts.append(
            select(*_INBOX_COLUMNS, literal(0).label("undated"))
            .where(in_group, holder, TASK.c.due_at.is_not(None))
            .order_by(TASK.c.group_id, TASK.c.due_at, TASK.c.created_at, TASK.c.id)
            .limit(want)
        )
        parts.append(
            select(*_INBOX_COLUMNS, literal(1).label("undated"))
            .where(in_group, holder, TASK.c.due_at.is_(None))
            # The index's whole order: PostgreSQL does not treat `IS NULL` columns as fixed when it
            # matches an ORDER BY to an index, so naming them keeps it from sorting the group.
            .order_by(TASK.c.group_id, TASK.c.due_at, TASK.c.created_at, TASK.c.id)
            .limit(want)
        )
    merged = union_all(*[p.subquery().select() for p in parts]).subquery()
    page = (
        select(merged)
        .order_by(merged.c.undated, merged.c.due_at, merged.c.created_at, merged.c.id)
        .limit(bindparam("size", type_=Integer))
        .offset(bindparam("skip", type_=Integer))
    )
    return counts, page


_INBOX_CASES = select(CASE.c.id, CASE.c.reference, CASE.c.status, CASE.c.stage).where(
    CASE.c.id.in_(bindparam("ids", expanding=True))
)


def task_page(
    service,
    *,
    groups: frozenset[str],
    username: str,
    mine: bool = False,
    group: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[TaskItem], int]:
    """Ready tasks someone may work on, due first, then oldest first; and how many there are in all.

    "May work on": the task's group is one of `groups` (a group-less one counts as DEFAULT_GROUP's) and
    nobody else holds it; `mine` keeps only the caller's own. Each group is read on its own, in the order
    of `ix_task_inbox` (group, due time, creation), so a page costs the same at a hundred tasks or a
    million whatever the database knows about its data; the groups' first rows are merged in one statement.
    The total counts ranges of the covering index (group, assignee).
    """
    wanted: list[str | None] = [group] if group is not None else list(sorted(groups))
    if group is None and DEFAULT_GROUP in groups:
        wanted.append(None)  # group-less rows written before they were stored as the default group
    if not wanted:
        return [], 0
    counts, page_query = _inbox_statements(tuple(g is None for g in wanted), mine, service.db.is_sqlite)
    offset = (page - 1) * page_size
    params: dict[str, Any] = {f"group{n}": g for n, g in enumerate(wanted) if g is not None}
    params.update(me=username, want=offset + page_size, size=page_size, skip=offset)
    with service.db.reading() as conn:
        total = sum(conn.execute(counts, params).scalars())
        if offset >= total:
            return [], total
        rows = conn.execute(page_query, params).all()
        cases = {r.id: r for r in conn.execute(_INBOX_CASES, {"ids": list({r.case_id for r in rows})})}
    items = []
    for r in rows:
        case = cases[r.case_id]
        items.append(
            TaskItem(
                id=r.id,
                name=r.name,
                bpmn_id=r.bpmn_id,
                form_id=r.form_id,
                group_id=r.group_id,
                assignee=r.assignee,
                due_at=r.due_at,
                created_at=r.created_at,
                reference=case.reference,
                status=case.status,
                stage=case.stage,
            )
        )
    return items, total


def task_detail(service, task_id: str) -> TaskDetail:
    """A ready task with its form definition and the values the case already has for the form's fields."""
    with service.db.reading() as conn:
        row = conn.execute(
            select(
                *CASE_COLUMNS,
                TASK.c.id.label("task_id"),
                TASK.c.name,
                TASK.c.bpmn_id.label("task_bpmn_id"),
                TASK.c.form_id,
                TASK.c.group_id,
                TASK.c.assignee,
                TASK.c.due_at,
                TASK.c.created_at,
            )
            .join(TASK, TASK.c.case_id == CASE.c.id)
            .where(TASK.c.id == task_id)
        ).first()
        if row is None:
            raise NotFound(f"no ready task {task_id}")
        work = service.store.load(conn, row)
        definition = work.version.forms.get(row.form_id) if row.form_id else None
        choices = organisations.options(conn) if organisations.uses_options(definition) else None
    task = wfx.find_task(work.wf, task_id)
    data = dict(task.data) if task is not None else wfx.case_data(work.wf)
    return TaskDetail(
        id=row.task_id,
        name=row.name,
        bpmn_id=row.task_bpmn_id,
        reference=row.reference,
        case_status=row.status,
        stage=row.stage,
        form_id=row.form_id,
        group_id=row.group_id,
        assignee=row.assignee,
        due_at=row.due_at,
        created_at=row.created_at,
        form_definition=definition,
        values={
            **(forms.prefill(definition, data) if definition else {}),
            # Options the engine supplies (form-js reads a valuesKey's list from the data it is given).
            **({organisations.OPTIONS_KEY: choices} if choices is not None else {}),
        },
    )


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_cases(
    service,
    *,
    now: dt.datetime,
    status: str | None = None,
    stage: str | None = None,
    group: str | None = None,
    assignee: str | None = None,
    overdue: bool | None = None,
    text: str | None = None,
    process_id: str | None = None,
    case_ids: list[int] | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[CaseItem], int]:
    """Cases for staff lists, newest first, with the total; each filter is one indexed condition.

    `group` and `assignee` look at the case's open tasks; `overdue` means an open task past its due time or
    an SLA deadline past due and not met; `text` searches the reference and the summary fields.
    """
    conds = []
    if status:
        conds.append(CASE.c.status == status)
    if stage:
        conds.append(CASE.c.stage == stage)
    if process_id:
        conds.append(CASE.c.process_id == process_id)
    if case_ids is not None:
        conds.append(CASE.c.id.in_(case_ids or [-1]))
    if group:
        conds.append(exists().where(TASK.c.case_id == CASE.c.id, TASK.c.group_id == group))
    if assignee:
        conds.append(exists().where(TASK.c.case_id == CASE.c.id, TASK.c.assignee == assignee))
    if overdue is not None:
        late = or_(
            exists().where(TASK.c.case_id == CASE.c.id, TASK.c.due_at < now),
            exists().where(
                DEADLINE.c.case_id == CASE.c.id, DEADLINE.c.due_at < now, DEADLINE.c.met_at.is_(None)
            ),
        )
        conds.append(and_(late, CASE.c.closed_at.is_(None)) if overdue else not_(late))
    if text:
        pattern = _like(text.strip())
        conds.append(
            or_(
                func.lower(CASE.c.reference).like(pattern, escape="\\"),
                func.lower(CASE.c.summary).like(pattern, escape="\\"),
            )
        )
    columns = (
        CASE.c.reference,
        CASE.c.process_id,
        CASE.c.status,
        CASE.c.stage,
        CASE.c.outcome,
        CASE.c.summary,
        CASE.c.created_at,
        CASE.c.updated_at,
        CASE.c.closed_at,
    )
    query = (
        select(*columns)
        .where(*conds)
        .order_by(CASE.c.created_at.desc(), CASE.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    with service.db.reading() as conn:
        total = conn.scalar(select(func.count()).select_from(CASE).where(*conds)) or 0
        rows = conn.execute(query).all() if total else []
    return [
        CaseItem(
            reference=r.reference,
            process_id=r.process_id,
            status=r.status,
            stage=r.stage,
            outcome=r.outcome,
            summary=json.loads(r.summary or "{}"),
            created_at=r.created_at,
            updated_at=r.updated_at,
            closed_at=r.closed_at,
        )
        for r in rows
    ], total
