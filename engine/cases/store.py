"""A case in work: read once, changed in memory, written back in one version-checked unit.

`CaseWork` holds what was read (the row and the indexes as they were), the live workflow, and the audit
events to write. `save` derives the new indexes, status and stage from the workflow and writes only what
changed: one UPDATE of the case, at most one DELETE and one INSERT per index, and the audit events.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from engine.bpmn import workflow as wfx
from engine.bpmn.serialization import SERIALIZER_VERSION, dump_state, load_state
from engine.cases.audit import GENESIS, event_hash, new_salt
from engine.cases.audit import personal as audit_personal
from engine.cases.references import new_reference
from engine.cases.tables import AuditEvent, Case, CaseSearch, Task
from engine.core.clock import Clock
from engine.core.errors import ConflictError, NotFound, WorkflowFailed
from engine.deadlines import bookkeeping as sla
from engine.deadlines import compute, outcomes, watch
from engine.letters import queue as notify
from engine.letters.tables import Outbox
from engine.registry.specs import LoadedVersion, SpecCache
from engine.store import batch, hot
from engine.store.db import Database
from engine.timers.tables import Timer

CASE = Case.__table__
TASK = Task.__table__
TIMER = Timer.__table__
AUDIT = AuditEvent.__table__

# Columns read with every case, in every service.
CASE_COLUMNS = (
    CASE.c.id,
    CASE.c.reference,
    CASE.c.process_version_id,
    CASE.c.status,
    CASE.c.stage,
    CASE.c.outcome,
    CASE.c.state,
    CASE.c.serializer_version,
    CASE.c.lock_version,
    CASE.c.last_hash,
    CASE.c.audit_salt,
    CASE.c.parent_case_id,
    CASE.c.open_children,
    CASE.c.sla_profile,
    CASE.c.calendar_version,
    CASE.c.paused_since,
    CASE.c.paused_seconds,
)


@dataclass
class PendingEvent:
    actor: str
    action: str
    task_id: str | None = None
    element: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def search_text(reference: str, values: list[Any]) -> str:
    """What a case is found by: its reference and the given values, casefolded (`Ä` and `ä`, `ß` and `ss`
    match in any script on either database, since both sides of the LIKE are folded in Python)."""
    parts = [reference, *(str(v) for v in values if v not in (None, "") and not isinstance(v, dict | list))]
    return "\n".join(parts).casefold()


@dataclass
class CaseWork:
    version: LoadedVersion
    wf: BpmnWorkflow
    reference: str
    id: int | None = None  # None until a new case is inserted
    drawn_id: int | None = None  # a new case's id drawn beforehand (PostgreSQL), so its INSERT can wait
    lock_version: int = 0
    last_hash: str = GENESIS
    audit_salt: str | None = None  # None: not read yet (a new case draws one), or erased (a new one then)
    status: str | None = None
    stage: str | None = None
    outcome: str | None = None
    parent_case_id: int | None = None
    open_children: int = 0
    created_by: str = ""
    before_tasks: dict[str, wfx.ReadyTask] = field(default_factory=dict)
    before_timers: dict[str, wfx.WaitingTimer] = field(default_factory=dict)
    events: list[PendingEvent] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # references of cases started from this one now
    parent_work: CaseWork | None = None  # the parent, when it is in the same unit of work
    closed_counted: bool = False
    children_ended: bool = False
    sla_profile: str | None = None
    calendar_version: str | None = None
    paused_since: dt.datetime | None = None
    paused_seconds: float = 0.0
    pause_started: str | None = None  # reason of a pause that began in this unit of work
    pause_ended: bool = False
    sla_profile_from: str | None = None  # the profile in force before a change in this unit of work
    outbox: list[dict[str, Any]] = field(default_factory=list)  # notifications to write with the case
    drop_timers: list[str] = field(default_factory=list)  # engine timers (warnings) consumed now
    staff_notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    data_memo: dict[str, Any] | None = None  # the case data, taken once per save
    timer_actor: str = "system"  # who fires timers in this unit (a worker's name)
    # Ids of the tasks already completed when the case was loaded: the others completed in this unit. (Ids,
    # not timestamps: another node's clock may run behind ours.)
    completed_before: frozenset = frozenset()
    salt_drawn: bool = False  # the salt is new in this unit of work: write it with the case

    @property
    def saved_id(self) -> int:
        """The case's id, for a case that is in the database (loaded, or inserted in this unit of work)."""
        if self.id is None:
            raise RuntimeError(f"case {self.reference} has no id before it is inserted")
        return self.id

    @classmethod
    def from_row(cls, row: Row, version: LoadedVersion, wf: BpmnWorkflow) -> CaseWork:
        work = cls(
            version=version,
            wf=wf,
            reference=row.reference,
            id=row.id,
            lock_version=row.lock_version,
            last_hash=row.last_hash,
            audit_salt=row.audit_salt,
            status=row.status,
            stage=row.stage,
            outcome=row.outcome,
            parent_case_id=row.parent_case_id,
            open_children=row.open_children,
            sla_profile=row.sla_profile,
            calendar_version=row.calendar_version,
            paused_since=row.paused_since,
            paused_seconds=row.paused_seconds or 0.0,
        )
        work.snapshot()
        if version.has_notify or version.has_sla_events:
            work.completed_before = frozenset(
                t.id for t in wf.get_tasks_iterator(state=wfx.TaskState.COMPLETED)
            )
        return work

    def passed(self) -> list:
        """Tasks completed in this unit of work."""
        return [
            t
            for t in self.wf.get_tasks_iterator(state=wfx.TaskState.COMPLETED)
            if t.id not in self.completed_before
        ]

    def depth(self) -> int:
        return 0 if self.parent_work is None else self.parent_work.depth() + 1

    def snapshot(self) -> None:
        """Remember the indexes as stored, so saving writes only the difference."""
        snap = wfx.snapshot(self.wf, self.version)
        self.before_tasks, self.before_timers = snap.ready, snap.timers

    def record(
        self,
        actor: str,
        action: str,
        task_id: str | None = None,
        element: str | None = None,
        *,
        personal: Any = None,
        **detail: Any,
    ) -> None:
        """Queue an audit event. Values a person submitted go in `personal`: the event keeps only their
        field names and salted digest (engine.cases.audit), never the values themselves."""
        if personal is not None:
            if self.audit_salt is None:
                self.audit_salt = new_salt()
                self.salt_drawn = True
            detail.update(audit_personal(self.audit_salt, personal))
        self.events.append(PendingEvent(actor, action, task_id, element, detail))

    # --- derived facts ---------------------------------------------------------------------------------

    def derive(self, snap: wfx.Snapshot) -> tuple[str, str | None, str | None]:
        """Status, stage and outcome, read from the diagram's extension properties."""
        wf = self.wf
        if wf.completed:
            end = wfx.final_end_event(wf)
            meta = self.version.element(end) if end else {}
            data = wfx.case_data(wf)
            # An outcome the law decided at a breach (deemed accepted) stands above the diagram's, except a
            # withdrawal, which the complainant chose.
            outcome = meta.get("outcome") or data.get("outcome")
            if outcome != "withdrawn":
                outcome = outcomes.deemed(data) or outcome
            status = "withdrawn" if outcome == "withdrawn" else "closed"
            return status, meta.get("stage") or "closed", outcome
        stage = None
        status = "open"
        for bpmn_id in snap.waiting:
            meta = self.version.element(bpmn_id)
            if stage is None and meta.get("stage"):
                stage = meta["stage"]
            if meta.get("status") and status == "open":
                status = meta["status"]
        if self.open_children > 0:
            status = "escalated"
        # An outcome a deadline's breach decided (deemed accepted) shows while the case still runs.
        return status, stage, outcomes.deemed(self.data_memo)


# Where a second writer of a case, its writes sent together with the version check, trips over the rows of
# the writer that got there first: the audit event's sequence number (which runs on from the version read)
# and the ids of the tasks and timers both computed from the same state (PostgreSQL's constraint names).
RACE_KEYS = frozenset({"audit_event_case_id_seq_key", "task_pkey", "timer_pkey"})
_UPDATE_CASE = update(CASE).where(
    CASE.c.id == bindparam("b_id"), CASE.c.lock_version == bindparam("b_lock_version")
)
_DELETE_TASK = delete(TASK).where(TASK.c.id == bindparam("b_id"))
_DELETE_TIMER = delete(TIMER).where(TIMER.c.id == bindparam("b_id"))
_INSERT_TASK = insert(TASK)
_TASK_DUE = update(TASK).where(TASK.c.id == bindparam("b_id"))
_REPLACE_TASK = update(TASK).where(TASK.c.id == bindparam("b_old"))
_INSERT_TIMER = insert(TIMER)
_INSERT_AUDIT = insert(AUDIT)
_INSERT_CASE = insert(CASE).returning(CASE.c.id)
_INSERT_CASE_WITH_ID = insert(CASE)
_INSERT_OUTBOX = insert(Outbox.__table__)
_SEARCH = CaseSearch.__table__
_INSERT_SEARCH = insert(_SEARCH)
_UPDATE_SEARCH = update(_SEARCH).where(_SEARCH.c.case_id == bindparam("b_id"))
_ENDED = ("closed", "withdrawn")


def save(conn: Connection, work: CaseWork, now: dt.datetime, profiles: str | None = None) -> None:
    """Write the case, its indexes and its audit events; ConflictError if someone saved it first."""
    status_before = work.status
    is_new = work.id is None
    snap = wfx.snapshot(work.wf, work.version)
    _record_fired_timers(work, snap, now)
    happened = sla.record_events(work, now) if work.version.has_sla_events else {}
    if work.version.has_sla and not is_new and work.wf.completed and status_before not in _ENDED:
        watch.close_out(conn, work, now, profiles)
        for template, params in work.staff_notices:
            notify.staff_notice(conn, work, template, now, **params)
        work.staff_notices = []
    if work.version.has_sla or work.version.has_notify or work.version.summary_fields:
        work.data_memo = wfx.case_data(work.wf)
    if work.version.has_sla:
        try:
            snap = sla.settle(work, snap, now, profiles)
            if work.sla_profile_from is not None and not is_new:
                watch.rearm_for_profile(conn, work, now, profiles, happened)
        except (ValueError, KeyError) as exc:  # e.g. an SLA profile since removed from the profiles file
            raise WorkflowFailed(f"The case's deadlines cannot be computed: {exc}") from exc
    if work.version.has_notify:
        notify.complainant_notices(work, now, profiles)
    status, stage, outcome = work.derive(snap)
    tasks, timers = snap.ready, snap.timers
    try:
        state = dump_state(work.wf)
    except TypeError as exc:  # a script put something into the data that has no stored form
        raise WorkflowFailed(f"The case's data cannot be stored: {exc}") from exc

    events = []
    seq = work.lock_version
    prev = work.last_hash
    for ev in work.events or [PendingEvent("system", "update")]:
        seq += 1
        detail = json.dumps(ev.detail, default=str, separators=(",", ":"), sort_keys=True)
        digest = event_hash(
            prev, seq, now, ev.actor, ev.action, ev.task_id, ev.element, status_before, status, detail
        )
        events.append(
            {
                "seq": seq,
                "at": now,
                "actor": ev.actor,
                "action": ev.action,
                "task_id": ev.task_id,
                "element": ev.element,
                "status_before": status_before,
                "status_after": status,
                "detail": detail,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    new_version = seq  # the row version counts audit events: one number, one history
    values = {
        "state": state,
        "serializer_version": SERIALIZER_VERSION,
        "status": status,
        "stage": stage,
        "outcome": outcome,
        "lock_version": new_version,
        "last_hash": prev,
        "updated_at": now,
        "open_children": work.open_children,
        "sla_profile": work.sla_profile,
        "calendar_version": work.calendar_version,
        "paused_since": work.paused_since,
        "paused_seconds": work.paused_seconds,
    }
    if work.salt_drawn or work.id is None:
        values["audit_salt"] = work.audit_salt or new_salt()
        work.salt_drawn = False
    if status in ("closed", "withdrawn") and status_before not in ("closed", "withdrawn"):
        values["closed_at"] = now
    if work.version.summary_fields or work.version.search_fields:
        # Kept current on every save, so lists and filters read it without loading workflow states.
        data = sla.live_data(work)
        summary = {k: _lookup(data, k) for k in work.version.summary_fields}
        values["summary"] = json.dumps(summary, default=str)
        searched = [*summary.values(), *(_lookup(data, k) for k in work.version.search_fields)]
        found_by: str | None = search_text(work.reference, searched)
    else:
        found_by = search_text(work.reference, []) if work.id is None else None
    if work.id is None:
        if work.parent_work is not None:
            work.parent_case_id = work.parent_work.id
        values.setdefault("summary", "{}")
        values.update(
            reference=work.reference,
            process_version_id=work.version.id,
            process_id=work.version.process_id,
            parent_case_id=work.parent_case_id,
            created_at=now,
            created_by=work.created_by,
        )
        if work.drawn_id is not None:
            work.id = values["id"] = work.drawn_id
            batch.queue(conn, _INSERT_CASE_WITH_ID, values)
        else:
            work.id = hot.first(conn, _INSERT_CASE, values).id
    else:
        batch.queue(
            conn,
            _UPDATE_CASE,
            {**values, "b_id": work.id, "b_lock_version": work.lock_version},
            conflict=ConflictError(
                f"case {work.reference} was changed by someone else in the meantime; reload it and try again"
            ),
            conflict_keys=RACE_KEYS,
        )
    if found_by is not None:
        # A new case's row; then kept current by processes that keep summary or search fields.
        statement = _INSERT_SEARCH if is_new else _UPDATE_SEARCH
        batch.queue(conn, statement, {"case_id" if is_new else "b_id": work.id, "text": found_by})
    _write_tasks(conn, work, tasks, timers, now)
    resumed = work.pause_ended
    _write_timers(conn, work, timers, now, profiles, tasks)
    if work.version.has_sla:
        try:
            watch.on_save(conn, work, now, profiles, happened, is_new, resumed)
        except (ValueError, KeyError) as exc:
            raise WorkflowFailed(f"The case's deadlines cannot be computed: {exc}") from exc
        work.sla_profile_from = None
    if work.outbox:
        batch.queue(conn, _INSERT_OUTBOX, [{"case_id": work.id, **row} for row in work.outbox])
        work.outbox = []
    # The event's (case, seq) key is unique and seq runs on from the version read, so a second writer of
    # the same version is refused here too, even where its writes are sent together with the commit.
    batch.queue(conn, _INSERT_AUDIT, [{"case_id": work.id, **ev} for ev in events])

    work.lock_version = new_version
    work.last_hash = prev
    work.status, work.stage, work.outcome = status, stage, outcome
    work.before_tasks, work.before_timers = tasks, timers
    work.events = []
    work.data_memo = None


def _record_fired_timers(work: CaseWork, snap: wfx.Snapshot, now: dt.datetime) -> None:
    """Every timer that fired in this unit gets its audit event, however it came to fire.

    SpiffWorkflow fires all of a case's due timers whenever it refreshes them: the one a worker claimed, but
    also others due at the same time, or one that fell due just before someone completed another task.
    """
    for timer_id, timer in work.before_timers.items():
        if timer_id in snap.timers or timer.due_at > now:
            continue
        task = wfx.find_task(work.wf, timer_id)
        if task is None or task.state != wfx.TaskState.COMPLETED:
            continue  # cancelled (its task was done first), not fired
        deadline = work.version.element(timer.bpmn_id).get("deadline")
        work.record(
            work.timer_actor,
            "timer",
            timer_id,
            timer.bpmn_id,
            due_at=timer.due_at.isoformat(),
            deadline=deadline,
            interrupting=timer.interrupting,
        )
        # No mail: a diagram's deadline timer only moves the case on; the engine's watch of the deadline
        # reminds and escalates (engine.deadlines.watch).


def _write_timers(
    conn: Connection,
    work: CaseWork,
    timers: dict[str, wfx.WaitingTimer],
    now: dt.datetime,
    profiles: str | None,
    tasks: dict[str, wfx.ReadyTask] | None = None,
) -> None:
    """The timer index, changed only where timers came, went or moved; then the SLA records they imply."""
    gone = [tid for tid in work.before_timers if tid not in timers]
    moved = [
        t
        for tid, t in timers.items()
        if tid in work.before_timers and work.before_timers[tid].due_at != t.due_at
    ]
    fresh = [t for tid, t in timers.items() if tid not in work.before_timers]
    if gone or moved or work.drop_timers:
        batch.queue(
            conn, _DELETE_TIMER, [{"b_id": tid} for tid in gone + [t.id for t in moved] + work.drop_timers]
        )
        work.drop_timers = []
    if fresh or moved:
        batch.queue(
            conn,
            _INSERT_TIMER,
            [
                {
                    "id": t.id,
                    "case_id": work.id,
                    "bpmn_id": t.bpmn_id,
                    "due_at": t.due_at,
                    "interrupting": t.interrupting,
                    "kind": "bpmn",
                    "deadline": work.version.element(t.bpmn_id).get("deadline"),
                    "claimed_by": None,
                    "claimed_until": None,
                }
                for t in fresh + moved
            ],
        )
    # A re-armed or deferred deadline moves the due date of the task it is attached to (the earliest wins).
    shifted = {t.attached_to for t in moved if t.attached_to}
    for task in (tasks or {}).values():
        if task.bpmn_id in shifted and task.id in work.before_tasks:
            due = min(t.due_at for t in timers.values() if t.attached_to == task.bpmn_id)
            batch.queue(conn, _TASK_DUE, {"b_id": task.id, "due_at": due})
    if work.version.has_sla:
        sla.write(conn, work, now)


def _write_tasks(
    conn: Connection,
    work: CaseWork,
    tasks: dict[str, wfx.ReadyTask],
    timers: dict[str, wfx.WaitingTimer],
    now: dt.datetime,
) -> None:
    """Bring the task index in line with the workflow in as few statements as possible.

    The usual completion replaces one ready task by the next: that is one UPDATE of the old row (new id and
    all), not a DELETE and an INSERT, which saves a round trip on every completion.
    """
    removed = [tid for tid in work.before_tasks if tid not in tasks]
    added = [t for tid, t in tasks.items() if tid not in work.before_tasks]
    if not removed and not added:
        return
    due_by_task: dict[str, dt.datetime] = {}
    for timer in timers.values():
        if timer.attached_to and (
            timer.attached_to not in due_by_task or timer.due_at < due_by_task[timer.attached_to]
        ):
            due_by_task[timer.attached_to] = timer.due_at

    def row(t: wfx.ReadyTask) -> dict:
        return {
            "id": t.id,
            "case_id": work.id,
            "bpmn_id": t.bpmn_id,
            "name": t.name,
            "form_id": t.form_id,
            "group_id": t.group_id,
            "assignee": None,
            "due_at": due_by_task.get(t.bpmn_id),
            "created_at": now,
        }

    if len(removed) == 1 and len(added) == 1:
        batch.queue(conn, _REPLACE_TASK, {**row(added[0]), "b_old": removed[0]})
        return
    if removed:
        batch.queue(conn, _DELETE_TASK, [{"b_id": tid} for tid in removed])
    if added:
        batch.queue(conn, _INSERT_TASK, [row(t) for t in added])


def _lookup(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


class CaseStore:
    """The one public way to build, load, run and save a case.

    Services, routing between cases, queries and seeding scripts all go through it, so a case is always read
    with its cached spec, run with the call's clock and `deadline()` bound to its clock pauses, and written by
    the same version-checked `save`.
    """

    def __init__(self, db: Database, clock: Clock, specs: SpecCache, sla_profiles: str | None = None) -> None:
        self.db = db
        self.clock = clock
        self.specs = specs
        self.sla_profiles = sla_profiles

    def load(self, conn: Connection | Session, row: Row) -> CaseWork:
        """A case in work from a row read with `CASE_COLUMNS`: its workflow restored on its version's spec."""
        version = self.specs.get(conn, row.process_version_id)
        wf = load_state(
            row.state, version.spec, version.subprocess_specs, row.serializer_version, version.spec_json
        )
        return CaseWork.from_row(row, version, wfx.attach(wf))

    def load_by_id(self, conn: Connection, case_id: int) -> CaseWork:
        """Read and load a case by its id inside a unit of work (no lock: `save` checks the lock version)."""
        row = conn.execute(select(*CASE_COLUMNS).where(CASE.c.id == case_id)).first()
        if row is None:
            raise NotFound(f"linked case {case_id} no longer exists")
        return self.load(conn, row)

    def new(
        self, version: LoadedVersion, data: dict[str, Any], created_by: str, parent: CaseWork | None = None
    ) -> CaseWork:
        """A new case of `version` with a fresh reference, not yet run and not yet saved."""
        now = self.clock.now()
        reference = new_reference(version.reference_prefix, now)
        data = {**data, "case_reference": reference}
        data.setdefault("received_at", now.isoformat())
        work = CaseWork(
            version=version, wf=wfx.new_workflow(version, data), reference=reference, created_by=created_by
        )
        if parent is not None:
            work.parent_case_id = parent.id
        return work

    def running(self, work: CaseWork) -> AbstractContextManager[None]:
        """Run `work`'s workflow with this call's clock, and `deadline()` bound to the case's clock pauses."""
        profiles = self.sla_profiles
        clock = self.clock

        def deadline(data: Mapping[str, Any], name: str) -> dt.datetime:
            return compute.due(data, name, clock.now(), profiles, sla.paused_total(work, clock.now()))

        return wfx.running(clock, work.reference, deadline)

    def save(self, conn: Connection, work: CaseWork) -> None:
        """Write the case, its indexes, audit events and outbox rows; ConflictError if saved first."""
        save(conn, work, self.clock.now(), self.sla_profiles)
