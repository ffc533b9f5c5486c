"""Messages between cases: a case's thrown message reaches its linked case, or starts the case it starts.

All of it happens inside the unit of work of the call that threw: a complaint rejected by its complainant
and the dispute case it starts are saved in one transaction, linked both ways.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from engine.bpmn import workflow as wfx
from engine.cases.store import CASE, CaseStore, CaseWork
from engine.registry.specs import LoadedVersion
from engine.registry.tables import ProcessVersion


def route(store: CaseStore, session: Connection, works: list[CaseWork]) -> list[CaseWork]:
    """Deliver messages thrown by cases to their linked cases, or start the case a message starts.

    Returns every case touched, parents before the children started from them.
    """
    touched: list[CaseWork] = []
    by_id: dict[int, CaseWork] = {w.id: w for w in works if w.id is not None}
    queue = list(works)
    while queue:
        work = queue.pop(0)
        if work not in touched:
            touched.append(work)
        thrown = wfx.thrown_messages(work.wf)
        if work.wf.completed and work.open_children > 0 and not work.children_ended:
            work.children_ended = True
            queue.extend(_end_children(store, session, work, by_id))
        parent = _parent_of(store, session, work, by_id) if thrown or work.wf.completed else None
        if work.wf.completed and parent is not None and not work.closed_counted:
            work.closed_counted = True
            parent.open_children = max(0, parent.open_children - 1)
            parent.record("system", "linked_case_closed", reference=work.reference)
            if parent not in touched:
                touched.append(parent)
        for name, payload in thrown:
            if parent is not None and name in wfx.waiting_messages(parent.wf):
                with store.running(parent):
                    wfx.deliver(parent.wf, name, payload)
                    wfx.run(parent.wf)
                parent.record("system", "message", element=name, source=work.reference)
                if parent not in queue:
                    queue.append(parent)
                continue
            starter = _process_started_by(store, session, name)
            if starter is None:
                work.record("system", "message_undelivered", element=name)
                continue
            child = store.new(starter, {}, "system")
            child.parent_work = work
            child.parent_case_id = work.id
            with store.running(child):
                wfx.run(child.wf)
                wfx.deliver(child.wf, name, payload)
                wfx.run(child.wf)
            child.record("system", "start", element=name, source=work.reference)
            work.open_children += 1
            work.linked.append(child.reference)
            work.record("system", "linked_case_started", element=name, reference=child.reference)
            queue.append(child)
    return sorted(touched, key=lambda w: w.depth())


def _end_children(
    store: CaseStore, session: Connection, work: CaseWork, by_id: dict[int, CaseWork]
) -> list[CaseWork]:
    """A case that ends withdraws the linked cases still running from it (its dispute, say)."""
    ended = []
    ids = session.execute(
        select(CASE.c.id).where(
            CASE.c.parent_case_id == work.id, CASE.c.status.not_in(("closed", "withdrawn"))
        )
    ).scalars()
    for child_id in ids:
        child = by_id.get(child_id) or store.load_by_id(session, child_id)
        by_id[child_id] = child
        if "withdraw" not in wfx.waiting_messages(child.wf):
            continue
        with store.running(child):
            wfx.deliver(child.wf, "withdraw", {"reason": f"case {work.reference} ended", "by": "system"})
            wfx.run(child.wf)
        child.record("system", "message", element="withdraw", source=work.reference)
        ended.append(child)
    return ended


def _parent_of(
    store: CaseStore, session: Connection, work: CaseWork, by_id: dict[int, CaseWork]
) -> CaseWork | None:
    if work.parent_work is not None:
        return work.parent_work
    if work.parent_case_id is None:
        return None
    parent = by_id.get(work.parent_case_id)
    if parent is None:
        parent = store.load_by_id(session, work.parent_case_id)
        by_id[work.parent_case_id] = parent
    return parent


def _process_started_by(store: CaseStore, session: Connection, message: str) -> LoadedVersion | None:
    latest = session.execute(
        select(ProcessVersion.process_id, ProcessVersion.id).order_by(
            ProcessVersion.process_id, ProcessVersion.version.desc()
        )
    ).all()
    seen: set[str] = set()
    for process_id, version_id in latest:
        if process_id in seen:
            continue
        seen.add(process_id)
        version = store.specs.get(session, version_id)
        if message in version.message_starts:
            return version
    return None
