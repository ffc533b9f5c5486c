"""The engine watches every deadline of the case's SLA profile, wherever the case waits.

The diagram does not have to draw a timer for a deadline. A profile deadline that names the `sla_event`s that
meet it (`met_by`) is armed for the case when it applies: at receipt, or when the event it counts from
happens. Arming writes the `case_deadline` record and two engine-owned rows in the `timer` table, which the
timer worker claims and fires like any other: `deadline` (due at the deadline: the breach) and `reminder`
(at the warning share of the span, then every `repeat` until the deadline is met). A deadline is met when
one of its events happens before it is due, breached when its time passes first; a reminder is neither.

At breach the engine records it, mails the people on the case and the supervisors, and delivers the message
`deadline_passed` (payload `{"deadline": name}`) to whatever in the case waits for it: a catch event with
property `deadline=<name>` catches only that deadline, one without catches any. Nothing waiting is fine.

A process watches the deadlines whose `met_by` events it marks somewhere (the events it can meet), so a
dispute is not held to a complaint's acknowledgement. Belongs in `engine/deadlines/` after the restructure.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.bpmn import workflow as wfx
from engine.deadlines import DeadlineRule, SlaProfile, outcomes
from engine.deadlines import bookkeeping as sla
from engine.deadlines import compute as deadlines
from engine.deadlines.tables import CaseDeadline
from engine.timers.tables import Timer

DEADLINE = CaseDeadline.__table__
TIMER = Timer.__table__
DEADLINE_PASSED = "deadline_passed"
KINDS = ("deadline", "reminder")
_NAMESPACE = uuid.UUID("6f1d7c1e-2b0a-4a57-9d8e-0c6a1f3b9e21")

_OPEN = and_(DEADLINE.c.met_at.is_(None), DEADLINE.c.breached_at.is_(None))
# Met, breached or moved: only while the deadline is still open, so a settled record never changes.
_SETTLE = update(DEADLINE).where(
    DEADLINE.c.case_id == bindparam("b_case"), DEADLINE.c.name == bindparam("b_name"), _OPEN
)
# Met only before it is due: an event after the due time comes too late, even if the breach is still to fire.
_MEET = _SETTLE.where(DEADLINE.c.due_at >= bindparam("b_now"))


def timer_id(case_id: int, name: str, kind: str) -> str:
    """The id of a deadline's engine timer: derived, so re-arming replaces the row without a lookup."""
    return str(uuid.uuid5(_NAMESPACE, f"{case_id}/{name}/{kind}"))


def watched(version, profile: SlaProfile) -> list[DeadlineRule]:
    """The profile's deadlines this process can meet: their `met_by` events are marked in its diagram."""
    marked = version.sla_events
    return [r for r in profile.deadlines.values() if r.watched and marked.intersection(r.met_by)]


def status_of(record: Any, case_ended: bool) -> str:
    """What a deadline record means to staff: met, breached, open, or stopped (the case ended first)."""
    if record.breached_at is not None:
        return "breached"
    if record.met_at is not None:
        return "met"
    return "stopped" if case_ended else "open"


def interval(rule: DeadlineRule) -> dt.timedelta | None:
    if rule.repeat is None:
        return None
    return dt.timedelta(days=rule.repeat.days) + rule.repeat.elapsed


def first_reminder(
    start: dt.datetime, due: dt.datetime, share: float, rule: DeadlineRule, now: dt.datetime
) -> dt.datetime | None:
    """The warning point of the span; when that has passed, the next repeat after now (or none)."""
    at = start + (due - start) * share
    step = interval(rule)
    if at > now:
        return at
    if step is None:
        return None
    missed = (now - at) // step + 1
    return at + step * missed


# --- at save ----------------------------------------------------------------------------------------


def close_out(conn: Connection, work, now: dt.datetime, profiles: str | None = None) -> None:
    """A case that ends now with a deadline past due and not met (a diagram's own timer ended it at that
    deadline, before the engine's timer fired) records the breach all the same, with its mail."""
    overdue = conn.execute(
        select(DEADLINE.c.name, DEADLINE.c.due_at, DEADLINE.c.regulatory).where(
            DEADLINE.c.case_id == work.id, _OPEN, DEADLINE.c.due_at <= now
        )
    ).all()
    for name, due, regulatory in overdue:
        work.record(
            "system", "deadline_breached", deadline=name, due_at=due.isoformat(), regulatory=regulatory
        )
        conn.execute(_SETTLE, {"b_case": work.id, "b_name": name, "breached_at": now})
        work.staff_notices.append(("staff_escalation", {"deadline": name, "due_at": due.isoformat()}))
        outcomes.decide_on_breach(work, name, now, profiles)  # deemed accepted, where the rule says


def on_save(
    conn: Connection,
    work,
    now: dt.datetime,
    profiles: str | None,
    events: dict[str, str],
    is_new: bool,
    resumed: bool,
) -> None:
    """Meet, arm and re-arm the case's watched deadlines for what happened in this unit of work."""
    if work.wf.completed:
        # The case ended: nothing more to watch. Deadlines still open show as stopped.
        conn.execute(delete(TIMER).where(TIMER.c.case_id == work.id, TIMER.c.kind.in_(KINDS)))
        _meet(conn, work, events, profiles, now)
        return
    data = sla.live_data(work)
    profile = deadlines.profile_for(data, profiles)
    rules = watched(work.version, profile)
    met = _meet(conn, work, events, profiles, now)
    arm = [r for r in rules if r.name not in met and ((is_new and r.from_ == "receipt") or r.from_ in events)]
    if work.sla_profile_from is not None and not is_new:
        arm = []  # rearm_for_profile did it, before the audit events were written
    elif resumed:
        arm += [r for r in rules if r.pausable and r not in arm and r.name not in met]
    for rule in arm:
        if deadlines.recomputable(data, rule.name, profiles):
            _arm(conn, work, data, profile, rule, now, profiles)


def _meet(conn: Connection, work, events: dict[str, str], profiles: str | None, now: dt.datetime) -> set[str]:
    """Deadlines one of whose events happened now are met (when still open) and stop reminding."""
    if not events:
        return set()
    try:
        profile = deadlines.profile_for(sla.live_data(work), profiles)
    except ValueError:
        return set()
    met = {r.name for r in watched(work.version, profile) if set(r.met_by) & events.keys()}
    for name in sorted(met):
        done = conn.execute(_MEET, {"b_case": work.id, "b_name": name, "met_at": now, "b_now": now})
        # Its event stops the reminders either way; the breach still fires when the event came too late.
        stop = KINDS if done.rowcount else ("reminder",)
        conn.execute(delete(TIMER).where(TIMER.c.id.in_([timer_id(work.id, name, k) for k in stop])))
    return met


def _arm(
    conn: Connection,
    work,
    data: dict[str, Any],
    profile: SlaProfile,
    rule: DeadlineRule,
    now: dt.datetime,
    profiles: str | None,
) -> dt.datetime:
    """Write the record (unless it is settled) and the deadline's two timers, replacing earlier ones."""
    due = deadlines.due(data, rule.name, now, profiles, sla.paused_total(work, now))
    values = {
        "due_at": due,
        "regulatory": rule.regulatory,
        "profile": profile.name,
        "calendar_version": profile.version,
    }
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(DEADLINE)
    conn.execute(
        insert.values(
            case_id=work.id, name=rule.name, met_at=None, breached_at=None, **values
        ).on_conflict_do_update(index_elements=["case_id", "name"], set_=values, where=_OPEN)
    )
    start = deadlines.start_of(data, rule.name, now, profiles)
    remind = first_reminder(start, due, profile.warning_share, rule, now)
    _replace_timers(conn, work.id, rule.name, due, remind)
    return due


def _replace_timers(
    conn: Connection, case_id: int, name: str, due: dt.datetime, remind: dt.datetime | None
) -> None:
    ids = [timer_id(case_id, name, k) for k in KINDS]
    conn.execute(delete(TIMER).where(TIMER.c.id.in_(ids)))
    rows = [_timer_row(case_id, name, "deadline", due)]
    if remind is not None:
        rows.append(_timer_row(case_id, name, "reminder", remind))
    conn.execute(TIMER.insert(), rows)


def _timer_row(case_id: int, name: str, kind: str, due: dt.datetime) -> dict[str, Any]:
    return {
        "id": timer_id(case_id, name, kind),
        "case_id": case_id,
        "bpmn_id": f"{kind}:{name}",
        "due_at": due,
        "interrupting": False,
        "kind": kind,
        "deadline": name,
        "claimed_by": None,
        "claimed_until": None,
    }


def rearm_for_profile(
    conn: Connection, work, now: dt.datetime, profiles: str | None, happened: dict[str, str]
) -> None:
    """The assessment chose another profile: every open deadline whose start is known counts again, from
    receipt (or its own event), on the new profile. One audit event says what moved."""
    data = sla.live_data(work)
    profile = deadlines.profile_for(data, profiles)
    every = watched(work.version, profile)
    rules = [r for r in every if not happened.keys() & set(r.met_by)]  # met now: nothing to move
    records = {r.name: r for r in conn.execute(select(DEADLINE).where(DEADLINE.c.case_id == work.id)).all()}
    moves = []
    for rule in rules:
        record = records.get(rule.name)
        if record is not None and (record.met_at is not None or record.breached_at is not None):
            continue
        if not deadlines.recomputable(data, rule.name, profiles):
            continue
        due = _arm(conn, work, data, profile, rule, now, profiles)
        before = record.due_at if record is not None else None
        if before != due:
            moves.append(
                {
                    "deadline": rule.name,
                    "from": before.isoformat() if before else None,
                    "to": due.isoformat(),
                    "regulatory": rule.regulatory,
                }
            )
    kept = {r.name for r in every}
    dropped = [n for n, r in records.items() if n not in kept and r.met_at is None and r.breached_at is None]
    for name in dropped:
        conn.execute(delete(TIMER).where(TIMER.c.id.in_([timer_id(work.id, name, k) for k in KINDS])))
    work.record(
        "system",
        "deadlines_rearmed",
        **{"from": work.sla_profile_from, "to": profile.name, "moved": moves, "dropped": sorted(dropped)},
    )


# --- when an engine timer fires ---------------------------------------------------------------------


def read_record(conn: Connection, case_id: int, name: str):
    return conn.execute(
        select(DEADLINE).where(DEADLINE.c.case_id == case_id, DEADLINE.c.name == name)
    ).first()


def catches(wf, version, name: str) -> list:
    """Waiting catches of `deadline_passed` that want this deadline (their `deadline` property, if any)."""
    found = []
    for task in wfx.live_tasks(wf):
        if task.state != wfx.TaskState.WAITING:
            continue
        ed = getattr(task.task_spec, "event_definition", None)
        if getattr(ed, "name", None) != DEADLINE_PASSED:
            continue
        wanted = version.element(task.task_spec.bpmn_id).get("deadline")
        if wanted in (None, "", name):
            found.append(task)
    return found


def deliver_passed(wf, tasks: list, name: str) -> None:
    """Hand `deadline_passed` to the chosen catch events only (SpiffWorkflow would give it to every one)."""
    from SpiffWorkflow.bpmn import BpmnEvent

    for task in tasks:
        event = BpmnEvent(task.task_spec.event_definition, {"deadline": name}, {})
        task.task_spec.catch(task, event)
        task.task_spec._update(task)


def drop_timer(conn: Connection, timer: str) -> None:
    conn.execute(delete(TIMER).where(TIMER.c.id == timer))


def breach(conn: Connection, case_id: int, name: str, now: dt.datetime) -> None:
    conn.execute(_SETTLE, {"b_case": case_id, "b_name": name, "breached_at": now})


def move(conn: Connection, case_id: int, name: str, due: dt.datetime) -> None:
    """A pausable deadline that fell due while the clock stood still moves on by the paused time."""
    conn.execute(_SETTLE, {"b_case": case_id, "b_name": name, "due_at": due})
    conn.execute(
        update(TIMER)
        .where(TIMER.c.id == timer_id(case_id, name, "deadline"))
        .values(due_at=due, claimed_by=None, claimed_until=None)
    )


def next_reminder(conn: Connection, case_id: int, name: str, at: dt.datetime | None) -> None:
    """Re-arm the reminder row for its next repeat, or drop it when the deadline reminds only once."""
    reminder = timer_id(case_id, name, "reminder")
    if at is None:
        drop_timer(conn, reminder)
        return
    conn.execute(
        update(TIMER).where(TIMER.c.id == reminder).values(due_at=at, claimed_by=None, claimed_until=None)
    )
