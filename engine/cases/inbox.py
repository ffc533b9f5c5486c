"""The inbox: the tasks a person may work on, due first, with filters, search and pages.

**Due time.** Tasks carry no due time of their own today (the task index has the column, the diagrams set
none); a task is then due when its case's earliest deadline not yet met is due (engine.deadlines records,
one row per case and deadline), derived in SQL. Sorting by it puts overdue tasks first (they have the
earliest due times), then the rest, then the undated.

**Cost follows the page, not the queue.** A page merges three branches, each read in index order and cut
at the page's end: tasks with a due time of their own; tasks dated by a deadline, read by walking the open
deadlines in due order (`ix_case_deadline_open_due`) and keeping each case's first (`ix_case_deadline_open`);
and undated tasks, read only when a page gets past the dated ones (finding them means looking at every task
of the queue). Only the page's rows are joined with the rest of their case. The total counts the (group,
assignee) index and takes away the tasks of cases that name the person as involved (a handful). So a page is
two statements whatever its size, three when it reaches the undated tasks.

**Paging: offsets with a total**, not keyset cursors. The sort key is derived and moves by itself (a
deadline met, a case's profile changed, time passing the due moment), so a cursor taken from one page may
not exist in the next state of the list; and the pages show "page 3 of 12", which needs the total anyway.
People work the first pages of an inbox, where an offset costs a few rows more per branch.

**Search** matches the case's `case_search` row (its reference, summary fields and search-only fields such as
the complaint's description, casefolded when the case is saved) against the casefolded words: the same
case-insensitive result in every script on SQLite and PostgreSQL, with no per-database collation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    cast,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)

from engine.cases.involvement import INVOLVED
from engine.cases.read_models import InboxItem, InboxPage
from engine.cases.store import CASE, TASK
from engine.cases.tables import CaseSearch
from engine.core.actors import DEFAULT_GROUP, Actor
from engine.deadlines.tables import CaseDeadline
from engine.store.types import UTCDateTime

DEADLINE = CaseDeadline.__table__
SEARCH = CaseSearch.__table__
MAX_PAGE_SIZE = 200
# A whole case reference (engine.cases.references: prefix, year, eight characters), in any case.
WHOLE_REFERENCE = re.compile(r"[A-Za-z]{2,10}-\d{4}-[0-9A-Za-z]{8}")
# A typed NULL for the union's time columns (PostgreSQL takes a bare NULL for text).
_NO_TIME = cast(null(), UTCDateTime())


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


def _earliest_open(deadline: Any) -> Any:
    """SQL: `deadline` (an alias of the deadline table) is its case's earliest deadline not yet met (the
    lowest id among equal due times, so that each case yields one row)."""
    other = DEADLINE.alias("other")
    first = (
        select(other.c.id)
        .where(other.c.case_id == deadline.c.case_id, other.c.met_at.is_(None))
        .order_by(other.c.due_at, other.c.id)
        .limit(1)
        .scalar_subquery()
    )
    return and_(deadline.c.met_at.is_(None), deadline.c.id == first)


def _has_open_deadline(case_id: Any, before: dt.datetime | None = None) -> Any:
    conds = [DEADLINE.c.case_id == case_id, DEADLINE.c.met_at.is_(None)]
    if before is not None:
        conds.append(DEADLINE.c.due_at < before)
    return exists().where(*conds)


def inbox(
    service,
    actor: Actor,
    filters: InboxFilters | None = None,
    *,
    page: int = 1,
    page_size: int = 50,
) -> InboxPage:
    """The tasks `actor` may work on: their groups' tasks that nobody else holds (or only theirs, `mine`),
    leaving out the cases that name them as involved (engine.access.policy.may_be_offered, in SQL).

    Two statements whatever the page size: the page, and the total. The page merges three ranked branches,
    each read in index order and cut at the page's end, so its cost follows the page, not the queue: tasks
    with a due time of their own (none today), tasks dated by their case's earliest open deadline (read
    from the open deadlines in due order, `ix_case_deadline_open_due`), and undated tasks (oldest first).
    Only the page's rows are joined with the rest of their case.
    """
    filters = filters or InboxFilters()
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    groups = actor.groups if actor.does_casework else frozenset()
    if filters.group is not None:
        groups = groups & {filters.group}
    if not groups:
        return InboxPage([], 0, page, page_size)
    now = service.clock.now()
    me = actor.username
    mine = TASK.c.assignee == me
    if filters.mine:
        holder = mine
    elif service.db.is_sqlite:
        # As in engine.cases.queries.task_page: wrapped in a function the condition cannot use the assignee
        # index, so SQLite keeps to the inbox index's order instead of reading a group and sorting it.
        holder = func.coalesce(TASK.c.assignee, "").in_([literal(""), literal(me)])
    else:
        holder = or_(TASK.c.assignee.is_(None), mine)
    conds: list[ColumnElement[bool]] = [group_condition(groups), holder]
    involved = select(INVOLVED.c.case_id).where(INVOLVED.c.username == me)
    case_conds = [
        column == value
        for column, value in (
            (CASE.c.stage, filters.stage),
            (CASE.c.status, filters.status),
            (CASE.c.process_id, filters.process_id),
            (CASE.c.sla_profile, filters.sla_profile),
        )
        if value
    ]
    search = filters.search.strip() if filters.search else ""
    if WHOLE_REFERENCE.fullmatch(search):
        # A whole reference, as read off a letter: one lookup in the unique index, not a search.
        case_conds.append(CASE.c.reference == search.upper())
        search = ""

    def scoped(query: Select, offered: bool = True) -> Select:
        """The query narrowed to the tasks in view; `offered`: without those the person is kept from."""
        query = query.where(*conds)
        if offered:
            query = query.where(TASK.c.case_id.not_in(involved))
        if case_conds:
            query = query.join(CASE, CASE.c.id == TASK.c.case_id).where(*case_conds)
        if search:
            query = query.join(SEARCH, SEARCH.c.case_id == TASK.c.case_id).where(
                SEARCH.c.text.like(like_pattern(search), escape="\\")
            )
        return query

    want = page * page_size
    dated = DEADLINE.alias("dated")
    columns = (TASK.c.id, TASK.c.case_id, TASK.c.created_at)
    own = scoped(select(*columns, TASK.c.due_at.label("task_due"), TASK.c.due_at.label("due"))).where(
        TASK.c.due_at.is_not(None)
    )
    by_deadline = scoped(
        select(*columns, _NO_TIME.label("task_due"), dated.c.due_at.label("due"))
        .select_from(dated)
        .join(TASK, TASK.c.case_id == dated.c.case_id)
        .where(_earliest_open(dated), TASK.c.due_at.is_(None))
    )
    undated = scoped(
        select(*columns, _NO_TIME.label("task_due"), _NO_TIME.label("due")).where(
            TASK.c.due_at.is_(None), not_(_has_open_deadline(TASK.c.case_id))
        )
    )
    if filters.overdue is None:
        late_own: list[Any] = []
        late_deadline: list[Any] = []
    elif filters.overdue:
        late_own, late_deadline = [TASK.c.due_at < now], [dated.c.due_at < now]
    else:
        late_own, late_deadline = [TASK.c.due_at >= now], [dated.c.due_at >= now]
    dated_branches = [
        own.where(*late_own).order_by(TASK.c.due_at, TASK.c.created_at, TASK.c.id).limit(want),
        by_deadline.where(*late_deadline).order_by(dated.c.due_at, TASK.c.created_at, TASK.c.id).limit(want),
    ]
    # Undated tasks group by group, in the order of `ix_task_inbox` (group, due time, creation): each group's
    # oldest are read from the index and the scan stops at the page's end, as in the task list of the API.
    undated_branches = [
        undated.where(TASK.c.group_id.is_(None) if group is None else TASK.c.group_id == group)
        .order_by(TASK.c.group_id, TASK.c.due_at, TASK.c.created_at, TASK.c.id)
        .limit(want)
        for group in [*sorted(groups), *([None] if DEFAULT_GROUP in groups else [])]
    ]
    with service.db.reading() as conn:
        rows = conn.execute(_page(dated_branches, page, page_size)).all()
        if len(rows) < page_size and filters.overdue is not True:
            # The dated tasks end on this page: the undated ones follow them (finding those means looking
            # at every task of the queue, so it is done only when a page gets that far).
            rows = conn.execute(_page([*dated_branches, *undated_branches], page, page_size)).all()
        total = conn.scalar(_count(scoped, involved, filters.overdue, now)) or 0
    return InboxPage([_item(r, now) for r in rows], total, page, page_size)


def _page(branches: list[Select], page: int, page_size: int) -> Select:
    """One page of the branches merged in due order (undated last), joined with the rest of their rows."""
    merged = union_all(*[b.subquery().select() for b in branches]).subquery("merged")
    ranked = (
        select(merged)
        .order_by(merged.c.due.is_(None), merged.c.due, merged.c.created_at, merged.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .subquery("ranked")
    )
    return (
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
        .order_by(ranked.c.due.is_(None), ranked.c.due, ranked.c.created_at, ranked.c.id)
    )


def _count(scoped: Callable[..., Select], involved: Select, overdue: bool | None, now: dt.datetime) -> Select:
    """The number of tasks on all pages: those in view less those the person is kept from (a few), so
    that without filters the count reads the (group, assignee) index alone."""
    every = scoped(select(func.count()).select_from(TASK), offered=False)
    kept = scoped(select(func.count()).select_from(TASK), offered=False).where(TASK.c.case_id.in_(involved))
    if overdue is not None:
        every, kept = every.where(_late(overdue, now)), kept.where(_late(overdue, now))
    return select(every.scalar_subquery() - kept.scalar_subquery())


def _late(overdue: bool, now: dt.datetime) -> Any:
    late = or_(  # never NULL, so that `not_(late)` is its complement
        and_(TASK.c.due_at.is_not(None), TASK.c.due_at < now),
        and_(TASK.c.due_at.is_(None), _has_open_deadline(TASK.c.case_id, before=now)),
    )
    return late if overdue else not_(late)


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
