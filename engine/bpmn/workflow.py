"""Questions asked of a running SpiffWorkflow instance, and the one way the engine runs it.

Everything here works on an in-memory workflow; nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import scripting
from engine.bpmn.budget import step_budget
from engine.core import clock as clock_mod
from engine.core import fast_path
from engine.core.actors import DEFAULT_GROUP
from engine.core.clock import Clock
from engine.core.errors import MessageNotExpected, WorkflowFailed
from engine.registry.specs import LoadedVersion

SCRIPT_ENGINE = scripting.RestrictedScriptEngine()


@dataclass(frozen=True)
class ReadyTask:
    id: str
    bpmn_id: str
    name: str
    form_id: str | None
    group_id: str | None


@dataclass(frozen=True)
class WaitingTimer:
    id: str
    bpmn_id: str
    due_at: dt.datetime
    interrupting: bool
    attached_to: str | None


@contextmanager
def running(
    clock: Clock,
    case_reference: str | None,
    deadline: Callable[[Mapping[str, Any], str], dt.datetime] | None,
) -> Iterator[None]:
    """Run workflow code with this call's clock and case, and turn its failures into WorkflowFailed."""
    budget = step_budget()
    token = scripting.set_context(scripting.ScriptContext(clock, case_reference, deadline, budget))
    try:
        with clock_mod.using(clock):
            yield
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task", None)
        element = task.task_spec.bpmn_id if task is not None else None
        line = getattr(exc, "line_number", None) or None
        detail = str(exc).split("\n", 1)[0].rstrip(".")
        cause = getattr(exc, "exception", None) or exc.__cause__
        if budget.exceeded is not None:  # say so even where SpiffWorkflow's wrapping drops the cause
            cause = budget.exceeded
        if cause is not None and str(cause) not in detail:
            detail += f": {type(cause).__name__}: {str(cause).strip(chr(34))}"
        name = getattr(task.task_spec, "bpmn_name", None) if task is not None else None
        where = f" in '{name or element}'" if element else ""
        raise WorkflowFailed(f"The process failed{where}: {detail}", element=element, line=line) from exc
    finally:
        scripting.reset_context(token)


def new_workflow(version: LoadedVersion, data: dict[str, Any]) -> BpmnWorkflow:
    wf = BpmnWorkflow(version.spec, version.subprocess_specs, script_engine=SCRIPT_ENGINE)
    wf.task_tree.data.update(data)
    return wf


def attach(wf: BpmnWorkflow) -> BpmnWorkflow:
    wf.script_engine = SCRIPT_ENGINE
    return wf


def run(wf: BpmnWorkflow) -> None:
    wf.do_engine_steps()


def find_task(wf: BpmnWorkflow, task_id: str):
    try:
        return wf.get_task_from_id(uuid.UUID(task_id))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class Snapshot:
    """Where a workflow stands, gathered in one walk of its task tree (walks are the expensive part)."""

    ready: dict[str, ReadyTask]
    timers: dict[str, WaitingTimer]
    waiting: list[str]  # BPMN ids the case waits at: ready user tasks first, then catch events
    messages: dict[str, Any]  # message name -> the waiting task that catches it


_LIVE = TaskState.READY | TaskState.WAITING


def live_tasks(wf: BpmnWorkflow) -> Iterator:
    """READY and WAITING tasks, in the order `wf.get_tasks_iterator(state=READY | WAITING)` gives them.

    The same depth-first walk (subprocesses before the children of their task, never into predicted
    branches, no deeper than SpiffWorkflow's own walks go, so the case shows what the engine will run)
    without the iterator's generic per-task filter, which costs more than the rest of reading a case.
    """
    subprocesses = wf.subprocesses
    stack = [wf.task_tree]
    depths = [0]  # beside the stack: tuples would cost more than the walk
    while stack:
        task = stack.pop()
        depth = depths.pop()
        state = task._state
        if state & _LIVE:
            yield task
        if depth >= _MAX_DEPTH:
            continue
        sub = subprocesses.get(task.id)
        if sub is not None or (task._children and state >= TaskState.FUTURE):
            children = task.children
            stack.extend(reversed(children))
            depths.extend([depth + 1] * len(children))
            if sub is not None:
                stack.append(sub.task_tree)
                depths.append(depth + 1)


def end(wf: BpmnWorkflow, data: dict[str, Any]) -> None:
    """End the workflow where it stands, its open tasks cancelled, with `data` added to the case data.

    For what the engine decides outside the diagram (a duplicate merged into its original): the case's
    data is the last completed task's once the workflow has ended (`case_data`), so the data goes there and
    to every live task; `outcome` in it becomes the case's outcome.
    """
    for task in list(live_tasks(wf)):
        task.data.update(data)
    (wf.last_task or wf.task_tree).data.update(data)
    wf.cancel()


_MAX_DEPTH = 1000  # SpiffWorkflow's TaskIterator default, which do_engine_steps and get_tasks use


def spiff_live_tasks(wf: BpmnWorkflow) -> Iterator:
    """`live_tasks` by SpiffWorkflow's own iterator: the fast path switched off (`engine.core.fast_path`)."""
    return wf.get_tasks_iterator(state=_LIVE)


if not fast_path.ON:
    live_tasks = spiff_live_tasks


def snapshot(wf: BpmnWorkflow, version: LoadedVersion) -> Snapshot:
    ready: dict[str, ReadyTask] = {}
    timers: dict[str, WaitingTimer] = {}
    catching: list[str] = []
    messages: dict[str, Any] = {}
    for task in live_tasks(wf):
        spec = task.task_spec
        if task.state == TaskState.READY:
            if spec.manual:
                meta = version.element(spec.bpmn_id)
                ready[str(task.id)] = ReadyTask(
                    str(task.id),
                    spec.bpmn_id,
                    spec.bpmn_name or spec.bpmn_id,
                    meta.get("form_id"),
                    meta.get("group_id") or DEFAULT_GROUP,
                )
            continue
        ed = getattr(spec, "event_definition", None)
        if ed is None:
            continue
        boundary = isinstance(spec, BoundaryEvent)
        if isinstance(ed, TimerEventDefinition):
            timers[str(task.id)] = _timer(task, ed, spec, version.element(spec.bpmn_id).get("attached_to"))
        elif isinstance(ed, MessageEventDefinition):
            messages.setdefault(ed.name, task)
        if not boundary and spec.bpmn_id and spec.bpmn_id not in catching:
            catching.append(spec.bpmn_id)
    waiting = [t.bpmn_id for t in ready.values()]
    waiting += [b for b in catching if b not in waiting]
    return Snapshot(ready, timers, waiting, messages)


def _timer(task, ed: TimerEventDefinition, spec, attached_to: str | None) -> WaitingTimer:
    value = ed.details(task).value
    if isinstance(value, dict):  # cycles keep their next occurrence
        value = value.get("next")
    due = dt.datetime.fromisoformat(value)
    if due.tzinfo is None:
        due = due.astimezone()
    boundary = isinstance(spec, BoundaryEvent)
    interrupting = bool(getattr(spec, "cancel_activity", True)) if boundary else True
    return WaitingTimer(str(task.id), spec.bpmn_id, due, interrupting, attached_to if boundary else None)


def waiting_messages(wf: BpmnWorkflow) -> dict[str, Any]:
    """Message name -> the waiting task that catches it (first one wins)."""
    found: dict[str, Any] = {}
    for task in live_tasks(wf):
        if task.state != TaskState.WAITING:
            continue
        ed = getattr(task.task_spec, "event_definition", None)
        if isinstance(ed, MessageEventDefinition):
            found.setdefault(ed.name, task)
    return found


def deliver(wf: BpmnWorkflow, name: str, payload: Any) -> None:
    task = waiting_messages(wf).get(name)
    if task is None:
        raise MessageNotExpected(f"nothing in this case waits for the message '{name}' now")
    wf.send_event(BpmnEvent(task.task_spec.event_definition, payload, {}))


def thrown_messages(wf: BpmnWorkflow) -> list[tuple[str, Any]]:
    return [
        (ev.event_definition.name, ev.payload)
        for ev in wf.get_events()
        if isinstance(ev.event_definition, MessageEventDefinition)
    ]


def final_end_event(wf: BpmnWorkflow) -> str | None:
    ends = [
        t for t in wf.tasks.values() if t.state == TaskState.COMPLETED and isinstance(t.task_spec, EndEvent)
    ]
    if not ends:
        return None
    return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id


def case_data(wf: BpmnWorkflow) -> dict[str, Any]:
    """The case's data as the last completed task saw it (what people mean by 'the case data')."""
    if wf.completed and wf.last_task is not None:
        return dict(wf.last_task.data)
    ready = wf.get_tasks(state=TaskState.READY, manual=True)
    if ready:
        return dict(ready[0].data)
    waiting = wf.get_tasks(state=TaskState.WAITING)
    if waiting:
        return dict(waiting[0].data)
    return dict(wf.last_task.data) if wf.last_task is not None else dict(wf.task_tree.data)
