"""The inbox: the tasks a person may work on, due first, with filters, search and pages.

One statement per page, whatever the page size: the tasks joined with their cases, the due time derived in
SQL, and the total counted by a window over the same rows (`count(*) OVER ()`). Only a page past the last
one costs a second statement (the count alone).

**Due time.** Tasks carry no due time of their own today (the task index has the column, the diagrams set
none); a task is due when its case's earliest deadline not yet met is due (engine.deadlines records, one
row per case and deadline). The derivation is a correlated `min()` over the case's deadline rows, read
through their unique (case, name) index: a few rows per case, never Python per row. Sorting by that time
puts overdue tasks first (they have the earliest due times), then the rest by due time, then the undated.

**Paging: offsets with a total**, not keyset cursors. The sort key is derived and moves by itself (a
deadline met, a case's profile changed, time passing the due moment), so a cursor taken from one page may
not exist in the next state of the list; and the pages show "page 3 of 12", which needs the total, i.e.
every matching row, anyway. People work the first pages of an inbox; an offset over a few pages costs the
same as the count already spent.

**Search** matches the case's `search_text` (its reference, summary fields and search-only fields such as
the complaint's description, casefolded when the case is saved) against the casefolded words: the same
case-insensitive result in every script on SQLite and PostgreSQL, with no per-database collation.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, not_, or_, select

from engine.cases.involvement import involved_clause
from engine.cases.read_models import InboxItem, InboxPage
from engine.cases.store import CASE, TASK
from engine.core.actors import DEFAULT_GROUP, Actor
from engine.deadlines.tables import CaseDeadline

DEADLINE = CaseDeadline.__table__
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class InboxFilters:
    """What an inbox may be narrowed to; None means "any"."""

    stage: str | None = None
    status: str | None = None
    process_id: str | None = None
    sla_profile: str | None = None
    overdue: bool | None = None
    search: str | None = None
    group: str | None = None
    mine: bool = False  # only the tasks the person holds


def next_deadline(case_id: Any) -> Any:
    """SQL: the due time of the case's earliest deadline not yet met (breached ones included)."""
    return (
        select(func.min(DEADLINE.c.due_at))
        .where(DEADLINE.c.case_id == case_id, DEADLINE.c.met_at.is_(None))
        .scalar_subquery()
    )


def due_time() -> Any:
    """SQL: when a task is due, its own due time, else its case's next deadline."""
    return func.coalesce(TASK.c.due_at, next_deadline(TASK.c.case_id))


def like_pattern(words: str) -> str:
    """A LIKE pattern (escape `\\`) that finds `words` anywhere in a casefolded text."""
    folded = " ".join(words.split()).casefold()
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def group_condition(groups: frozenset[str]) -> ColumnElement[bool]:
    """SQL: the task belongs to one of `groups` (a lane-less row written before the default group was
    stored counts as DEFAULT_GROUP's)."""
    legacy = [TASK.c.group_id.is_(None)] if DEFAULT_GROUP in groups else []
    return or_(TASK.c.group_id.in_(sorted(groups)), *legacy)


def inbox(
    service,
    actor: Actor,
    filters: InboxFilters | None = None,
    *,
    page: int = 1,
    page_size: int = 50,
) -> InboxPage:
    """The tasks `actor` may work on: their groups' tasks that nobody else holds (or only theirs, `mine`),
    leaving out the cases that name them as involved (engine.access.policy.may_be_offered, in SQL)."""
    filters = filters or InboxFilters()
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    groups = actor.groups if actor.does_casework else frozenset()
    if filters.group is not None:
        groups = groups & {filters.group}
    if not groups:
        return InboxPage([], 0, page, page_size)
    now = service.clock.now()
    me = actor.username
    due = due_time().label("due")
    conds: list[ColumnElement[bool]] = [
        group_condition(groups),
        TASK.c.assignee == me if filters.mine else or_(TASK.c.assignee.is_(None), TASK.c.assignee == me),
        not_(involved_clause(TASK.c.case_id, me)),
    ]
    for column, value in (
        (CASE.c.stage, filters.stage),
        (CASE.c.status, filters.status),
        (CASE.c.process_id, filters.process_id),
        (CASE.c.sla_profile, filters.sla_profile),
    ):
        if value:
            conds.append(column == value)
    if filters.overdue is True:
        conds.append(due_time() < now)
    elif filters.overdue is False:
        conds.append(or_(due_time().is_(None), due_time() >= now))
    if filters.search and filters.search.strip():
        conds.append(CASE.c.search_text.like(like_pattern(filters.search), escape="\\"))
    # Only the case columns a filter needs are read for every candidate task; the page's few rows are
    # joined with the rest of their case afterwards (on SQLite, columns stored after the workflow state
    # cost a walk through its overflow pages per row).
    needs_case = any((filters.stage, filters.status, filters.process_id, filters.sla_profile, filters.search))
    candidates = select(TASK).join(CASE, CASE.c.id == TASK.c.case_id) if needs_case else select(TASK)
    candidates = candidates.where(*conds)
    ranked = (
        candidates.with_only_columns(
            TASK.c.id,
            TASK.c.case_id,
            TASK.c.due_at.label("task_due"),
            due,
            func.count().over().label("total"),
        )
        .order_by(due.asc().nulls_last(), TASK.c.created_at, TASK.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .subquery("ranked")
    )
    query = (
        select(
            TASK.c.id,
            TASK.c.name,
            TASK.c.bpmn_id,
            TASK.c.form_id,
            TASK.c.group_id,
            TASK.c.assignee,
            TASK.c.created_at,
            ranked.c.task_due,
            ranked.c.due,
            ranked.c.total,
            CASE.c.reference,
            CASE.c.status,
            CASE.c.stage,
            CASE.c.process_id,
            CASE.c.sla_profile,
            CASE.c.summary,
        )
        .select_from(ranked)
        .join(TASK, TASK.c.id == ranked.c.id)
        .join(CASE, CASE.c.id == ranked.c.case_id)
        .order_by(ranked.c.due.asc().nulls_last(), TASK.c.created_at, TASK.c.id)
    )
    with service.db.reading() as conn:
        rows = conn.execute(query).all()
        # A page past the last one has no row to carry the total: only then count on its own.
        count = select(func.count()).select_from(candidates.with_only_columns(TASK.c.id).subquery())
        total = rows[0].total if rows else conn.scalar(count) or 0
    return InboxPage([_item(r, now) for r in rows], total, page, page_size)


def _item(r: Any, now: dt.datetime) -> InboxItem:
    left = (r.due - now).total_seconds() if r.due is not None else None
    return InboxItem(
        id=r.id,
        name=r.name,
        bpmn_id=r.bpmn_id,
        form_id=r.form_id,
        group_id=r.group_id,
        assignee=r.assignee,
        created_at=r.created_at,
        due_at=r.due,
        due_source="task" if r.task_due is not None else ("deadline" if r.due is not None else None),
        seconds_left=left,
        overdue=left is not None and left < 0,
        reference=r.reference,
        status=r.status,
        stage=r.stage,
        process_id=r.process_id,
        sla_profile=r.sla_profile,
        summary=json.loads(r.summary or "{}"),
    )
