"""Read models: what lists and pages show, as typed records with named fields.

Queries (engine/cases/queries.py) return these; the API's marshmallow schemas dump them and the coming HTML
templates read the same attribute names, so a field is named once for both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class TaskItem:
    """A ready task in an inbox, with the few facts of its case a list shows."""

    id: str
    name: str
    bpmn_id: str
    form_id: str | None
    group_id: str | None
    assignee: str | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    reference: str
    status: str
    stage: str | None


@dataclass(frozen=True, slots=True)
class TaskDetail:
    """One ready task with its form definition and the values the case already has for the form."""

    id: str
    name: str
    bpmn_id: str
    reference: str
    case_status: str
    stage: str | None
    form_id: str | None
    group_id: str | None
    assignee: str | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    form_definition: dict[str, Any] | None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseItem:
    """A case in a staff list: its state and the summary fields its process keeps on the row."""

    reference: str
    process_id: str
    status: str
    stage: str | None
    outcome: str | None
    summary: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A task in a handler's inbox: when it is due, how long is left, and the case facts the row shows.

    `due_at` is the task's own due time or, when it has none, the earliest deadline of its case not yet met
    (`due_source` says which: `task`, `deadline` or None when neither); `seconds_left` is negative once
    overdue, None without a due time.
    """

    id: str
    name: str
    bpmn_id: str
    form_id: str | None
    group_id: str | None
    assignee: str | None
    created_at: dt.datetime
    due_at: dt.datetime | None
    due_source: str | None
    seconds_left: float | None
    overdue: bool
    reference: str
    status: str
    stage: str | None
    process_id: str
    sla_profile: str | None
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of an inbox and the number of tasks on all pages."""

    items: list[InboxItem]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True, slots=True)
class Involvement:
    """A member of staff kept from a case's tasks, and why (ISO 10002 objectivity)."""

    reference: str
    username: str
    display_name: str
    source: str  # `complaint`: named in the complaint's text at intake; `recorded`: recorded by staff
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    reason: str  # the policy's wording: "named as involved in the complaint"


@dataclass(frozen=True, slots=True)
class DeadlineAlert:
    """A deadline of an open case that is past due (`breached`) or close to it (`near`), with who holds
    the case's work: one row per deadline and open task (a case without tasks shows one row without)."""

    reference: str
    process_id: str
    status: str
    stage: str | None
    deadline: str
    due_at: dt.datetime
    regulatory: bool
    state: str  # `breached` or `near`
    seconds_left: float
    task_id: str | None
    task_name: str | None
    group_id: str | None
    assignee: str | None


@dataclass(frozen=True, slots=True)
class Workload:
    """Open tasks of one handler (`username`) or one group's queue (`group_id`): how many, how many past
    due (the task's due time or its case's earliest open deadline), how many held by someone."""

    key: str
    open: int
    overdue: int
    claimed: int


@dataclass(frozen=True, slots=True)
class Reassignment:
    """A task given to someone by a supervisor, or sent back, from the audit trail."""

    reference: str
    task_id: str | None
    element: str | None
    action: str  # `assign` or `send_back`
    actor: str
    at: dt.datetime
    from_user: str | None
    to_user: str | None
    reason: str


# --- the case detail page and its parts ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseTask:
    """A ready task of one case, as its detail page lists it."""

    id: str
    name: str
    bpmn_id: str
    form_id: str | None
    group_id: str | None
    assignee: str | None
    due_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class PendingTimer:
    """A timer waiting to fire: the diagram's own (`kind="bpmn"`) or one the engine arms for a deadline."""

    id: str
    bpmn_id: str
    due_at: dt.datetime
    interrupting: bool
    kind: str
    deadline: str | None  # the SLA deadline it stands for, if any


@dataclass(frozen=True, slots=True)
class LinkedCase:
    """A case this one started (`child`) or was started by (`parent`)."""

    reference: str
    process_id: str
    status: str
    relation: str  # "parent" or "child"


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One event of the case's hash-chained audit trail."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    task_id: str | None
    element: str | None
    status_before: str | None
    status_after: str | None
    detail: dict[str, Any]
    hash: str


@dataclass(frozen=True, slots=True)
class DeadlineState:
    """A deadline the engine watches for the case, and where it stands (engine.deadlines.watch.status_of)."""

    name: str
    status: str
    due_at: dt.datetime
    regulatory: bool
    profile: str | None
    calendar_version: str | None
    met_at: dt.datetime | None
    breached_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class SlaPause:
    """A time internal deadlines stood still (waiting for the complainant); open while `ended_at` is None."""

    reason: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class SlaState:
    """The case's SLA profile and calendar, its pauses and its deadlines."""

    profile: str | None
    calendar_version: str | None
    paused_since: dt.datetime | None
    paused_seconds: float
    deadlines: tuple[DeadlineState, ...]
    pauses: tuple[SlaPause, ...]


@dataclass(frozen=True, slots=True)
class IncidentItem:
    """A timer firing (or engine delivery) that failed every retry, parked for an administrator."""

    id: int
    case_reference: str
    kind: str
    element: str | None
    error: str
    attempts: int
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    closed_by: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class AttachmentItem:
    """An evidence file's description (never its bytes)."""

    id: int
    name: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """Everything about one case for staff: its state, data, open work, deadlines, links, evidence, history.

    `deadlines` and `sla.deadlines` are the same records (the API has shown both). `data` is the case's
    process data as the workflow holds it; `deemed_outcome` and `deadline_extensions` are read from it
    (engine.deadlines.outcomes, engine.deadlines.extend).
    """

    reference: str
    status: str
    stage: str | None
    outcome: str | None
    process_id: str
    process_version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    data: dict[str, Any]
    deemed_outcome: dict[str, Any] | None
    deadline_extensions: dict[str, list[dict[str, Any]]]
    sla: SlaState
    deadlines: tuple[DeadlineState, ...]
    waiting_for: tuple[str, ...]
    tasks: tuple[CaseTask, ...]
    timers: tuple[PendingTimer, ...]
    linked_cases: tuple[LinkedCase, ...]
    history: tuple[HistoryEvent, ...]
    incidents: tuple[IncidentItem, ...]
    attachments: tuple[AttachmentItem, ...]
    # Merged and reopened cases as seen from this one (engine.cases.links: relation, reference, process_id,
    # status, outcome, at, by).
    case_links: tuple[dict[str, Any], ...] = ()
    # engine.complaints.restrictions.Restriction records (that slice builds on this one, so not named here).
    contact_restrictions: tuple[Any, ...] = ()
