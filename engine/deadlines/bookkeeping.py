"""SLA bookkeeping when a case is saved: clock pauses, profile changes, re-armed deadlines, deadline records.

The diagram says where the clock pauses (a waiting element with `sla_pause=true`), which events happen where
(`sla_event`), and may draw its own timers for a deadline (`deadline("name")` timer expressions) to move the
case on. Everything else follows from the case's data and its SLA profile, so process owners never draw
bookkeeping; the deadlines themselves are watched by `engine.deadlines.watch`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update

from engine.bpmn import workflow as wfx
from engine.deadlines import compute as deadlines
from engine.deadlines.tables import CasePause

PAUSE = CasePause.__table__

_END_PAUSE = update(PAUSE).where(PAUSE.c.case_id == bindparam("b_case"), PAUSE.c.ended_at.is_(None))


def live_data(work) -> dict[str, Any]:
    """The case's data; while a save is under way, the copy it took once (walking the tree costs)."""
    return work.data_memo if work.data_memo is not None else wfx.case_data(work.wf)


def record_events(work, now: dt.datetime) -> dict[str, str]:
    """Elements marked `sla_event=<name>` that the case passed now record when <name> happened.

    Deadlines that count from such an event (a reply deadline from `communicated`) can then be recomputed
    later, when the clock pauses or the profile changes, instead of counting from when their timer was armed.
    """
    events = {
        work.version.element(t.task_spec.bpmn_id)["sla_event"]: now.isoformat()
        for t in work.passed()
        if work.version.element(t.task_spec.bpmn_id).get("sla_event")
    }
    if not events:
        return events
    for task in wfx.live_tasks(work.wf):
        task.data["sla_times"] = {**(task.data.get("sla_times") or {}), **events}
    return events


def settle(work, snap: wfx.Snapshot, now: dt.datetime, profiles_path: str | None) -> wfx.Snapshot:
    """Update pauses and the profile in force, re-arm deadline timers that moved; return the new snapshot."""
    data = live_data(work)
    name = data.get("sla_profile") or "default"
    profile = deadlines.profile_for(data, profiles_path)
    rearm = False
    if work.sla_profile != name:
        if work.sla_profile is not None:
            work.record("system", "sla_profile_changed", **{"from": work.sla_profile, "to": name})
            work.sla_profile_from = work.sla_profile
            rearm = True
        work.sla_profile = name
    work.calendar_version = profile.version
    pausing = [b for b in snap.waiting if work.version.element(b).get("sla_pause")]
    if pausing and work.paused_since is None:
        work.paused_since = now
        element = work.version.element(pausing[0])
        work.pause_started = element.get("name") or pausing[0]
        work.record("system", "sla_paused", element=pausing[0])
    elif not pausing and work.paused_since is not None:
        work.paused_seconds += (now - work.paused_since).total_seconds()
        work.paused_since = None
        work.pause_ended = True
        work.record("system", "sla_resumed", paused_seconds=round(work.paused_seconds))
        rearm = True
    if rearm and _rearm(work, snap, now, profiles_path):
        return wfx.snapshot(work.wf, work.version)
    return snap


def paused_total(work, now: dt.datetime) -> dt.timedelta:
    """Time the case's internal clock has stood still, the pause in progress included."""
    current = (now - work.paused_since).total_seconds() if work.paused_since else 0.0
    return dt.timedelta(seconds=work.paused_seconds + current)


def _rearm(work, snap: wfx.Snapshot, now: dt.datetime, profiles_path: str | None) -> bool:
    """Recompute waiting deadline timers whose start is known; SpiffWorkflow honours the new due time."""
    moved = False
    for timer in snap.timers.values():
        name = work.version.element(timer.bpmn_id).get("deadline")
        if not name:
            continue
        task = wfx.find_task(work.wf, timer.id)
        if task is None or not deadlines.recomputable(task.data, name, profiles_path):
            continue
        due = deadlines.due(task.data, name, now, profiles_path, paused_total(work, now))
        if due != timer.due_at:
            task.internal_data["event_value"] = due.isoformat()
            moved = True
    return moved


def defer_paused(work, now: dt.datetime, profiles_path: str | None) -> list[str]:
    """While the clock is paused, due internal deadline timers move on instead of firing.

    Their timers were armed before the pause; without this an internal deadline would escalate a case that
    is waiting for the complainant. Returns the BPMN ids of the timers moved.
    """
    if work.paused_since is None:
        return []
    moved = []
    for timer in wfx.snapshot(work.wf, work.version).timers.values():
        name = work.version.element(timer.bpmn_id).get("deadline")
        if not name or timer.due_at > now:
            continue
        task = wfx.find_task(work.wf, timer.id)
        profile = deadlines.profile_for(task.data, profiles_path)
        if not profile.rule(name).pausable or not deadlines.recomputable(task.data, name, profiles_path):
            continue
        due = deadlines.due(task.data, name, now, profiles_path, paused_total(work, now))
        if due > now:
            task.internal_data["event_value"] = due.isoformat()
            moved.append(timer.bpmn_id)
    return moved


def write(conn: Connection, work, now: dt.datetime) -> None:
    """The clock pause that began or ended in this unit of work.

    Deadline records are the engine's watch (`engine.deadlines.watch`): a diagram's own deadline timers only
    move the case on, they neither meet nor breach a deadline.
    """
    if work.pause_started:
        conn.execute(
            insert(PAUSE),
            {
                "case_id": work.id,
                "reason": work.pause_started,
                "actor": "system",
                "started_at": now,
                "ended_at": None,
            },
        )
        work.pause_started = None
    if work.pause_ended:
        conn.execute(_END_PAUSE, {"b_case": work.id, "ended_at": now})
        work.pause_ended = False
