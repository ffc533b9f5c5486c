"""How far a case has come through its diagram: what a process diagram on a case page highlights.

The workflow's task tree is the truth: every element the case passed is a COMPLETED task, and each task's
nearest ancestor with a BPMN id is the element it came from, so the pair names the sequence flow taken (loops
and the branch an exclusive gateway chose come out right; a flow is never guessed from two finished ends).
Current elements are what the case waits at (ready user tasks, waiting catch events); waiting timers are the
diagram's timers with their due time, and boundary events that catch a watched deadline, due when it is.
Reads only.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.bpmn import workflow as wfx
from engine.cases.store import CASE, CASE_COLUMNS, TIMER
from engine.core.errors import NotFound
from engine.deadlines.tables import CaseDeadline
from engine.registry.elements import NS
from engine.registry.tables import ProcessVersion

DEADLINE = CaseDeadline.__table__
_PASSED = TaskState.COMPLETED
_REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True, slots=True)
class DiagramTimer:
    """A timer the case waits for, on the element that carries it: a BPMN timer or a deadline's catch."""

    element_id: str
    due_at: dt.datetime
    deadline: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    """The case's path through its process version's diagram, by BPMN element id."""

    reference: str
    process_id: str
    version: int
    completed: tuple[str, ...]  # flow nodes and sequence flows already passed
    current: tuple[str, ...]  # what the case waits at now
    timers: tuple[DiagramTimer, ...]


@dataclass(frozen=True, slots=True)
class Diagram:
    """A case's process diagram (the BPMN XML of its version, as deployed) and its progress on it."""

    xml: str
    progress: Progress


def passed(wf: BpmnWorkflow) -> tuple[set[str], set[tuple[str, str]]]:
    """The BPMN ids of completed elements, and the (from, to) steps the case took between elements."""
    done: set[str] = set()
    steps: set[tuple[str, str]] = set()
    for task in wf.get_tasks(state=_REACHED):
        bpmn_id = task.task_spec.bpmn_id
        if not bpmn_id:
            continue  # SpiffWorkflow's own joins and splits
        if task.state == _PASSED:
            done.add(bpmn_id)
        parent = task.parent
        while parent is not None and not parent.task_spec.bpmn_id:
            parent = parent.parent
        if parent is not None:
            steps.add((parent.task_spec.bpmn_id, bpmn_id))
    return done, steps


@functools.lru_cache(maxsize=32)
def _flows(version_id: int, xml: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(source, target) -> ids of the sequence flows between them, read once per process version."""
    root = etree.fromstring(xml.encode())
    found: dict[tuple[str, str], list[str]] = {}
    for flow in root.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
        key = (flow.get("sourceRef") or "", flow.get("targetRef") or "")
        found.setdefault(key, []).append(flow.get("id") or "")
    return {k: tuple(v) for k, v in found.items()}


def bpmn_xml(files_json: str, process_id: str) -> str:
    """The deployed BPMN file of a version (a version keeps exactly one, beside its DMN and forms)."""
    files = json.loads(files_json)
    for name, text in sorted(files.items()):
        if name.endswith(".bpmn") and f'id="{process_id}"' in text:
            return text
    for name, text in sorted(files.items()):
        if name.endswith(".bpmn"):
            return text
    raise NotFound(f"the version of {process_id} has no BPMN file")


def diagram(service, reference: str) -> Diagram:
    """The case's diagram and where the case stands on it; NotFound for an unknown reference."""
    with service.db.reading() as conn:
        row = conn.execute(select(*CASE_COLUMNS).where(CASE.c.reference == reference)).first()
        if row is None:
            raise NotFound(f"no case with the reference {reference}")
        work = service.store.load(conn, row)
        files = conn.scalar(select(ProcessVersion.files).where(ProcessVersion.id == work.version.id))
        timers = conn.execute(
            select(TIMER.c.bpmn_id, TIMER.c.due_at, TIMER.c.deadline, TIMER.c.kind).where(
                TIMER.c.case_id == row.id
            )
        ).all()
        open_deadlines = dict(
            conn.execute(
                select(DEADLINE.c.name, DEADLINE.c.due_at).where(
                    DEADLINE.c.case_id == row.id,
                    DEADLINE.c.met_at.is_(None),
                    DEADLINE.c.breached_at.is_(None),
                )
            ).all()
        )
    xml = bpmn_xml(files or "{}", work.version.process_id)
    flows = _flows(work.version.id, xml)
    done, steps = passed(work.wf)
    snap = wfx.snapshot(work.wf, work.version)
    current = tuple(snap.waiting)
    completed = set(done)
    for step in steps:
        completed.update(flows.get(step, ()))
    shown: dict[str, DiagramTimer] = {}
    for t in timers:
        if t.kind == "bpmn" and t.bpmn_id:
            shown[t.bpmn_id] = DiagramTimer(t.bpmn_id, t.due_at, t.deadline)
    # A boundary event catching a deadline's `deadline_passed` fires when that deadline is breached.
    for task in wfx.live_tasks(work.wf):
        bpmn_id = task.task_spec.bpmn_id
        if task.state != TaskState.WAITING or not bpmn_id or bpmn_id in shown:
            continue
        name = work.version.element(bpmn_id).get("deadline")
        if name and name in open_deadlines:
            shown[bpmn_id] = DiagramTimer(bpmn_id, open_deadlines[name], name)
    progress = Progress(
        reference=row.reference,
        process_id=work.version.process_id,
        version=work.version.version,
        completed=tuple(sorted(completed - set(current))),
        current=current,
        timers=tuple(sorted(shown.values(), key=lambda t: (t.due_at, t.element_id))),
    )
    return Diagram(xml, progress)
