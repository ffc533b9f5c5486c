"""The case services: one method per thing a person (or a timer) does to a case.

Each call reads what it needs without holding a lock, runs the workflow in memory, then writes everything in
one short transaction whose case UPDATE is checked against the version it read. A second writer of the same
case gets ConflictError, never a lost update; a failure anywhere leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from engine.access import policy as access
from engine.bpmn import workflow as wfx
from engine.bpmn.serialization import TYPE_KEY, misread_keys
from engine.cases import involvement, routing
from engine.cases.store import CASE, CASE_COLUMNS, TASK, TIMER, CaseStore, CaseWork, save
from engine.core.actors import CASEWORK_ROLES, DEFAULT_GROUP, SYSTEM, Actor
from engine.core.clock import Clock, SystemClock
from engine.core.errors import (
    ConflictError,
    FormInvalid,
    MessageNotExpected,
    NotFound,
    PermissionDenied,
    TaskNotReady,
)
from engine.deadlines import bookkeeping as sla
from engine.deadlines import compute as deadlines
from engine.deadlines import outcomes, watch
from engine.disputes import organisations
from engine.identity.tables import Membership, User
from engine.letters import queue as notify
from engine.registry.specs import LoadedVersion, SpecCache
from engine.store import hot
from engine.store.db import Database
from engine.task_forms import properties as form_properties
from engine.task_forms.layout import deep_merge

_SELECT_TASK = (
    select(
        *CASE_COLUMNS,
        TASK.c.id.label("task_id"),
        TASK.c.group_id,
        TASK.c.assignee,
        TASK.c.form_id,
        TASK.c.bpmn_id.label("task_bpmn_id"),
        # Whether the complaint names the caller as involved (objectivity): read with the task, not after.
        involvement.involved_clause(CASE.c.id, bindparam("username")).label("involved"),
    )
    .join(TASK, TASK.c.case_id == CASE.c.id)
    .where(TASK.c.id == bindparam("task_id"))
)
_SELECT_TIMER = (
    select(
        *CASE_COLUMNS,
        TIMER.c.id.label("timer_id"),
        TIMER.c.due_at,
        TIMER.c.bpmn_id.label("timer_bpmn_id"),
        TIMER.c.kind,
        TIMER.c.deadline,
        TIMER.c.interrupting,
    )
    .join(TIMER, TIMER.c.case_id == CASE.c.id)
    .where(TIMER.c.id == bindparam("timer_id"))
)
_SELECT_CASE = select(*CASE_COLUMNS).where(CASE.c.reference == bindparam("reference"))

# Extra writes that must commit with the case: (connection, case id, result) -> None.
Within = Callable[[Connection, int, "CaseResult"], None]

RESERVED_KEYS = frozenset({"case_reference", "deadline", "now", "today", "add_days", "calendar_region_of"})


@dataclass
class TaskView:
    id: str
    name: str
    bpmn_id: str
    form_id: str | None
    group_id: str | None
    assignee: str | None = None
    due_at: dt.datetime | None = None


@dataclass
class CaseResult:
    """What a write service reports back: the case as it now stands."""

    reference: str
    status: str
    stage: str | None
    outcome: str | None
    process_id: str
    process_version: int
    tasks: list[TaskView] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "status": self.status,
            "stage": self.stage,
            "outcome": self.outcome,
            "process_id": self.process_id,
            "process_version": self.process_version,
            "tasks": [t.__dict__ for t in self.tasks],
            "linked_cases": self.linked,
        }


class _ReferenceTaken(Exception):
    """A new case drew a reference that exists already (about once in a trillion draws)."""


def _fresh_on_collision(method: Callable) -> Callable:
    """Run the whole service call again from the database when a new case's reference was taken.

    Nothing was committed, and the in-memory cases of the failed attempt are thrown away: the retry reads,
    runs and draws anew, so no letter, audit event or linked case of the first attempt survives twice.
    """

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for _attempt in range(3):
            try:
                return method(*args, **kwargs)
            except _ReferenceTaken:
                continue
        raise ConflictError("could not allocate a unique case reference; try again")

    return wrapper


class CaseService:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        specs: SpecCache | None = None,
        sla_profiles: str | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.specs = specs or SpecCache()
        self.sla_profiles = sla_profiles
        self.store = CaseStore(db, self.clock, self.specs, sla_profiles)

    # --- helpers ---------------------------------------------------------------------------------------

    def _result(self, work: CaseWork) -> CaseResult:
        tasks = [TaskView(t.id, t.name, t.bpmn_id, t.form_id, t.group_id) for t in work.before_tasks.values()]
        return CaseResult(
            work.reference,
            work.status or "open",
            work.stage,
            work.outcome,
            work.version.process_id,
            work.version.version,
            tasks,
            list(work.linked),
        )

    @staticmethod
    def _check_data(data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise FormInvalid({"_schema": ["Expected an object of field values."]})
        bad = {
            k: ["This name is reserved."]
            for k in data
            if not isinstance(k, str) or k.startswith("_") or k in RESERVED_KEYS or not k.isidentifier()
        }
        clean = dict(data)
        bad.update(_unstorable(clean))
        if bad:
            raise FormInvalid(bad)
        return clean

    def _validated(
        self,
        version: LoadedVersion,
        form_id: str | None,
        data: Any,
        case_data: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`case_data` is what the form opened with: its conditions and option lists (valuesKey) read it."""
        if form_id and form_id in version.forms:
            return form_properties.validate_submission(version.forms[form_id], data, case_data)
        return self._check_data(data)

    # --- starting ---------------------------------------------------------------------------------------

    @_fresh_on_collision
    def start_case(
        self,
        process_id: str,
        data: Mapping[str, Any] | None,
        actor: Actor,
        *,
        validate_start_form: bool = True,
        within: Within | None = None,
    ) -> CaseResult:
        """Start a case of the newest version of a process, with the start event's form data.

        `within(conn, case_id, result)` writes what belongs with the new case (a complainant's tracking token)
        in the same transaction, so a crash never leaves one without the other.
        """
        with self.db.reading() as conn:
            version, case_id = self.specs.latest_for_new_case(conn, process_id)
        start_form = next(
            (
                m.get("form_id")
                for m in version.elements.values()
                if m.get("type") == "startEvent" and m.get("form_id")
            ),
            None,
        )
        clean = self._validated(version, start_form if validate_start_form else None, data or {})
        work = self.store.new(version, clean, actor.username)
        work.drawn_id = case_id
        with self.store.running(work):
            wfx.run(work.wf)
        work.record(actor.username, "start", personal=clean)
        named = clean.get(involvement.FIELD)
        if isinstance(named, str) and named.strip():
            within = self._with_involved(work, named, actor, within)
        return self.commit([work], within)

    def _with_involved(self, work: CaseWork, text: str, actor: Actor, within: Within | None) -> Within:
        """The staff the complaint names (engine.cases.involvement) are recorded with the new case, in its
        transaction, and its audit trail says who they are."""
        with self.db.reading() as conn:
            named = involvement.match(conn, text)
        if named:
            work.record(actor.username, "involvement_recorded", usernames=named, source="complaint")

        def both(conn: Connection, case_id: int, result: CaseResult) -> None:
            involvement.record_in(
                conn, case_id, named, involvement.FROM_COMPLAINT, actor.username, self.clock.now()
            )
            if within is not None:
                within(conn, case_id, result)

        return both

    # --- the unit of work --------------------------------------------------------------------------------

    def commit(self, works: list[CaseWork], within: Within | None = None) -> CaseResult:
        """Route what the cases threw, then save every touched case in one transaction."""
        first = works[0]
        try:
            with self.db.transaction() as conn:
                touched = routing.route(self.store, conn, list(works))
                now = self.clock.now()
                for work in touched:
                    for template, params in work.staff_notices:
                        notify.staff_notice(conn, work, template, now, **params)
                    work.staff_notices = []
                    save(conn, work, now, self.sla_profiles)
                result = self._result(first)
                if within is not None:
                    within(conn, first.saved_id, result)
            return result
        except IntegrityError as exc:
            if "reference" in str(exc.orig).lower():
                raise _ReferenceTaken() from exc
            raise

    def read_task(self, task_id: str, username: str = ""):
        """The task row with its case row (and whether `username` is named as involved), and the case."""
        with self.db.reading() as conn:
            row = hot.first(conn, _SELECT_TASK, {"task_id": task_id, "username": username})
            if row is None:
                raise TaskNotReady(f"task {task_id} is not waiting for work (done, cancelled or unknown)")
            return row, self.store.load(conn, row)

    @_fresh_on_collision
    def complete_task(
        self, task_id: str, data: Mapping[str, Any] | None, actor: Actor, *, within: Within | None = None
    ) -> CaseResult:
        """Validate the form, complete the task as `actor`, run the process on to its next wait.

        `within(conn, case_id, result)` runs inside the same transaction (an idempotency record, say).
        """
        row, work = self.read_task(task_id, actor.username)
        access.require_task(actor, row.group_id, involved=row.involved)
        if row.assignee and row.assignee != actor.username:
            raise ConflictError(f"this task is held by {row.assignee}")
        task = wfx.find_task(work.wf, task_id)
        opened_with = task.data if task is not None else None
        definition = work.version.forms.get(row.form_id) if row.form_id else None
        if organisations.uses_options(definition):
            # The referral's choice of provider: the engine supplies the active organisations as options.
            with self.db.reading() as conn:
                opened_with = {**(opened_with or {}), organisations.OPTIONS_KEY: organisations.options(conn)}
        clean = self._validated(work.version, row.form_id, data or {}, opened_with)
        if task is None or task.state != wfx.TaskState.READY:
            raise TaskNotReady(f"task {task_id} is not waiting for work any more")
        with self.store.running(work):
            task.data.update(deep_merge(task.data, clean))  # a group's values join what the case holds
            task.run()
            wfx.run(work.wf)
        work.record(
            actor.username,
            "complete_task",
            task_id,
            row.task_bpmn_id,
            personal=clean,
            claimed=None if row.assignee else actor.username,
        )
        return self.commit([work], within)

    def claim_task(self, task_id: str, actor: Actor) -> CaseResult:
        return self._set_assignee(task_id, actor, actor.username, "claim")

    def release_task(self, task_id: str, actor: Actor) -> CaseResult:
        return self._set_assignee(task_id, actor, None, "release")

    def assign_task(self, task_id: str, assignee: str, actor: Actor, reason: str = "") -> CaseResult:
        """A supervisor gives a task to a member of its group; from, to, who and why are recorded."""
        access.require(actor, access.Action.ASSIGN_TASKS)
        if not (reason or "").strip():
            raise FormInvalid({"reason": ["Say why the task is reassigned."]})
        return self._set_assignee(task_id, actor, assignee, "assign", reason=reason.strip())

    def _set_assignee(
        self, task_id: str, actor: Actor, assignee: str | None, action: str, reason: str = ""
    ) -> CaseResult:
        row, work = self.read_task(task_id, assignee or actor.username)
        if action == "claim":
            access.require_task(actor, row.group_id, involved=row.involved)
            if row.assignee == actor.username:
                return self._result(work)
            if row.assignee:
                raise ConflictError(f"this task is already held by {row.assignee}")
        elif action == "release":
            if row.assignee is None:
                return self._result(work)
            if row.assignee != actor.username and not actor.is_supervisor:
                raise PermissionDenied(
                    f"this task is held by {row.assignee}; only they or a supervisor may release it"
                )
        elif assignee is not None:
            group = row.group_id or DEFAULT_GROUP
            with self.db.read() as session:
                roles = session.scalar(
                    select(User.roles)
                    .join(Membership, Membership.user_id == User.id)
                    .where(Membership.group_id == group)
                    .where(User.username == assignee)
                )
            if roles is None:
                raise FormInvalid({"assignee": [f"{assignee} is not a member of the group '{group}'."]})
            if not CASEWORK_ROLES & set(roles.split()):
                raise FormInvalid({"assignee": [f"{assignee} has no role that works on tasks."]})
            access.require_assignee(assignee, involved=row.involved)
        work.record(
            actor.username,
            action,
            task_id,
            row.task_bpmn_id,
            **{"from": row.assignee, "to": assignee},
            **({"reason": reason} if reason else {}),
        )
        with self.db.transaction() as conn:
            # The case before the task, the order every writer of a case takes their locks in: the other
            # way round, a claim racing a completion deadlocks on PostgreSQL.
            save(conn, work, self.clock.now(), self.sla_profiles)
            result = conn.execute(
                update(TASK)
                .where(TASK.c.id == task_id, _same_assignee(row.assignee))
                .values(assignee=assignee)
            )
            if result.rowcount != 1:
                raise ConflictError("the task changed hands in the meantime; reload it")
        return self._result(work)

    # --- messages and timers ------------------------------------------------------------------------------

    @_fresh_on_collision
    def deliver_message(self, reference: str, name: str, payload: Any, actor: Actor) -> CaseResult:
        """A named BPMN message reaches the case: the complainant replied, a provider reported, ..."""
        if name == watch.DEADLINE_PASSED:
            raise PermissionDenied(f"only the engine delivers '{name}', when a deadline of the case passes")
        unstorable = _unstorable(payload)
        if unstorable:
            raise FormInvalid({f"payload.{k}": v for k, v in unstorable.items()})
        work = self._read_case(reference)
        with self.store.running(work):
            wfx.deliver(work.wf, name, payload if payload is not None else {})
            wfx.run(work.wf)
        work.record(actor.username, "message", element=name, personal=payload if payload is not None else {})
        return self.commit([work])

    def withdraw(self, reference: str, actor: Actor, reason: str = "") -> CaseResult:
        """Withdrawal is just the `withdraw` message; the process decides what it means where it stands."""
        try:
            return self.deliver_message(
                reference, "withdraw", {"reason": reason, "by": actor.username}, actor
            )
        except MessageNotExpected:
            raise MessageNotExpected(f"case {reference} cannot be withdrawn at this point") from None

    @_fresh_on_collision
    def fire_timer(self, timer_id: str, actor: Actor = SYSTEM) -> CaseResult | None:
        """Fire a due timer; None when its case has moved on (the stale index row is dropped)."""
        with self.db.reading() as conn:
            row = hot.first(conn, _SELECT_TIMER, {"timer_id": timer_id})
            if row is None:
                return None
            work = self.store.load(conn, row)
        now = self.clock.now()
        if row.due_at > now:
            raise ConflictError(f"timer {timer_id} is not due until {row.due_at.isoformat()}")
        if row.kind in watch.KINDS:
            return self._fire_watched(work, row, actor, now)
        if row.kind == "warning":
            return self._warn(work, row, actor, now)
        task = wfx.find_task(work.wf, timer_id)
        if task is None or task.state != wfx.TaskState.WAITING:
            with self.db.transaction() as conn:
                conn.execute(TIMER.delete().where(TIMER.c.id == timer_id))
            return None
        deferred = sla.defer_paused(work, now, self.sla_profiles) if work.version.has_sla else []
        if deferred:
            work.record(
                actor.username,
                "deadline_deferred",
                timer_id,
                row.timer_bpmn_id,
                elements=deferred,
                reason="the clock is paused while the case waits for the complainant",
            )
            if row.timer_bpmn_id in deferred:
                return self.commit([work])
        with self.store.running(work):
            work.wf.refresh_timers()
            wfx.run(work.wf)
        # The firing is recorded when the case is saved, with every other timer that fired in this unit.
        work.timer_actor = actor.username
        return self.commit([work])

    def _fire_watched(self, work: CaseWork, row, actor: Actor, now: dt.datetime) -> CaseResult | None:
        """A watched deadline's own timer: a reminder to staff, or the breach (see engine.deadlines.watch)."""
        name, kind = row.deadline, row.kind
        with self.db.reading() as conn:
            record = watch.read_record(conn, work.saved_id, name)
        data = sla.live_data(work)
        profile = deadlines.profile_for(data, self.sla_profiles)
        settled = record is None or record.met_at is not None or name not in profile.deadlines
        if settled or work.wf.completed or (kind == "deadline" and record.breached_at is not None):
            with self.db.transaction() as conn:
                watch.drop_timer(conn, row.timer_id)
            return None
        rule = profile.rule(name)
        if kind == "reminder":
            overdue = record.due_at <= now
            work.record(actor.username, "deadline_reminder", deadline=name, due_at=record.due_at.isoformat())
            work.staff_notices.append(
                (
                    "staff_reminder" if overdue else "deadline_warning",
                    {"deadline": name, "due_at": record.due_at.isoformat()},
                )
            )
            step = watch.interval(rule)
            later = None
            if step is not None:
                later = row.due_at + step
                while later <= now:
                    later += step
            return self.commit([work], lambda conn, *_: watch.next_reminder(conn, work.saved_id, name, later))
        if work.paused_since is not None and rule.pausable:
            due = deadlines.due(data, name, now, self.sla_profiles, sla.paused_total(work, now))
            if due > now:
                work.record(
                    actor.username,
                    "deadline_deferred",
                    deadline=name,
                    due_at=due.isoformat(),
                    reason="the clock is paused while the case waits for the complainant",
                )
                return self.commit([work], lambda conn, *_: watch.move(conn, work.saved_id, name, due))
        work.record(
            actor.username,
            "deadline_breached",
            deadline=name,
            due_at=record.due_at.isoformat(),
            regulatory=record.regulatory,
        )
        work.staff_notices.append(
            ("staff_escalation", {"deadline": name, "due_at": record.due_at.isoformat()})
        )
        outcomes.decide_on_breach(work, name, now, self.sla_profiles)  # deemed accepted, where the rule says
        catching = watch.catches(work.wf, work.version, name)
        if catching:
            with self.store.running(work):
                watch.deliver_passed(work.wf, catching, name)
                wfx.run(work.wf)
            work.record("system", "message", element=watch.DEADLINE_PASSED, payload={"deadline": name})

        def settle(conn: Connection, *_: Any) -> None:
            watch.breach(conn, work.saved_id, name, now)
            watch.drop_timer(conn, row.timer_id)

        return self.commit([work], settle)

    def _warn(self, work: CaseWork, row, actor: Actor, now: dt.datetime) -> CaseResult:
        """The engine's early warning of a deadline: tell the people on the case; the process is untouched."""
        work.record(actor.username, "deadline_warning", element=row.timer_bpmn_id, deadline=row.deadline)
        work.drop_timers.append(row.timer_id)
        work.staff_notices.append(("deadline_warning", {"deadline": row.deadline}))
        return self.commit([work])

    def read_case(self, reference: str) -> CaseWork:
        """The case as it stands, read without a lock (the commit's version check catches a second writer),
        for services of other slices that act on a case (merging, reopening, restricting contact)."""
        return self._read_case(reference)

    def _read_case(self, reference: str) -> CaseWork:
        with self.db.reading() as conn:
            row = hot.first(conn, _SELECT_CASE, {"reference": reference})
            if row is None:
                raise NotFound(f"no case with the reference {reference}")
            return self.store.load(conn, row)


def _unstorable(data: Any) -> dict[str, list[str]]:
    return {
        path: [f"'{TYPE_KEY}' cannot be a name in case data: stored cases keep it for themselves."]
        for path in misread_keys(data)
    }


def _same_assignee(assignee: str | None):
    return TASK.c.assignee.is_(None) if assignee is None else TASK.c.assignee == assignee
