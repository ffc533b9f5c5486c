"""Extending a regulatory deadline: a recorded decision, taken only as far as the case's profile allows.

Some regimes let a firm take longer in complex cases if it tells the complainant in time (Poland: 30 days to
60, with a notice before day 30 giving the reason, what must be established and the expected date; China's
NFRA: 15 days to 30, then a further 30 with a superior's approval). The profile says which extensions exist
(`extensions` on the deadline, see engine/sla/extensions.py); this service takes the next one: it checks the
limit and the approval, records the decision in the case data (`sla_extensions`, from which every computation
of the deadline adds it) and in the audit trail, moves the deadline's timers and record, and queues the letter
that tells the complainant. All in one transaction with the case.

It takes the `CaseService` and uses its read, run and commit steps, like the service's own methods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from engine.access import policy as access
from engine.bpmn import workflow as wfx
from engine.cases.store import CASE, CASE_COLUMNS
from engine.core.actors import Actor
from engine.core.errors import ConflictError, FormInvalid, NotFound, WorkflowFailed
from engine.deadlines import bookkeeping as sla
from engine.deadlines import compute as deadlines
from engine.deadlines import watch
from engine.deadlines.tables import CaseDeadline
from engine.identity.tables import User
from engine.letters import queue as notify

TEMPLATE = "deadline_extension_letter"
DATA_KEY = "sla_extensions"
# Who may agree as the second approver (who decides: the access policy's EXTEND_DEADLINES).
APPROVERS = access.SUPERVISORS
_CLOSED = ("closed", "withdrawn")
DEADLINE = CaseDeadline.__table__


class ExtensionRefused(ConflictError):
    """The profile allows no (further) extension of this deadline."""

    title = "Extension refused"


@dataclass(frozen=True)
class ExtensionDecision:
    """What the person extending says: why, what remains to be established, who agreed (when needed)."""

    reason: str
    to_establish: str = ""
    approved_by: str | None = None


def extend_deadline(
    service, reference: str, name: str, decision: ExtensionDecision, actor: Actor
) -> dict[str, Any]:
    """Take the next extension the profile allows on deadline `name` of case `reference`.

    Refuses (nothing written) when the role may not decide, the profile allows no extension of this deadline,
    every allowed extension was taken, a required second approver is missing, unknown, not a supervisor or
    the same person, or the deadline is already met, passed or the case closed.
    """
    access.require(actor, access.Action.EXTEND_DEADLINES)
    reason = (decision.reason or "").strip()
    if not reason:
        raise FormInvalid(
            {"reason": ["Say why the deadline is extended; the complainant's letter gives it."]}
        )
    work = _read(service, reference)
    if work.status in _CLOSED:
        raise ConflictError(f"case {reference} is {work.status}; its deadlines cannot be extended")
    data = wfx.case_data(work.wf)
    try:
        profile = deadlines.profile_for(data, service.sla_profiles)
    except ValueError as exc:
        raise WorkflowFailed(f"The case's deadlines cannot be computed: {exc}") from exc
    if name not in profile.deadlines:
        raise NotFound(f"the SLA profile '{profile.name}' has no deadline '{name}'")
    policy = profile.rule(name).policy
    allowed = policy.extensions if policy is not None else ()
    if policy is None or not allowed:
        raise ExtensionRefused(
            f"the SLA profile '{profile.name}' ({profile.title}) does not allow extending '{name}'"
        )
    taken = list((data.get(DATA_KEY) or {}).get(name) or [])
    step = policy.step(len(taken))
    if step is None:
        raise ExtensionRefused(
            f"'{name}' was extended {len(taken)} time(s) already, as many as the SLA profile "
            f"'{profile.name}' allows"
        )
    errors: dict[str, list[str]] = {}
    approver = (decision.approved_by or "").strip() or None
    if step.second_approver:
        problem = _approver_problem(service, approver, actor)
        if problem:
            errors["approved_by"] = [problem]
    to_establish = (decision.to_establish or "").strip()
    if step.state_to_establish and not to_establish:
        errors["to_establish"] = ["Say what must still be established; the complainant's letter gives it."]
    if errors:
        raise FormInvalid(errors, "The extension needs more before it can be taken.")
    now = service.clock.now()
    paused = sla.paused_total(work, now)
    try:
        if not deadlines.recomputable(data, name, service.sla_profiles):
            raise ConflictError(f"'{name}' has not started yet (it counts from '{profile.rule(name).from_}')")
        before = deadlines.due(data, name, now, service.sla_profiles, paused)
    except (ValueError, KeyError) as exc:  # e.g. a case whose data lost its receipt time
        raise WorkflowFailed(f"The case's deadline '{name}' cannot be computed: {exc}") from exc
    if before <= now:
        raise ConflictError(
            f"'{name}' passed at {before.isoformat()}; an extension must be decided and announced before it"
        )
    with service.db.reading() as conn:
        settled = conn.execute(
            select(DEADLINE.c.met_at, DEADLINE.c.breached_at).where(
                DEADLINE.c.case_id == work.id, DEADLINE.c.name == name
            )
        ).first()
    if settled is not None and (settled.met_at or settled.breached_at):
        raise ConflictError(f"'{name}' is already {'met' if settled.met_at else 'breached'}")

    entry = {
        "by": step.by.text,
        "at": now.isoformat(),
        "decided_by": actor.username,
        "approved_by": approver if step.second_approver else None,
        "reason": reason,
        "to_establish": to_establish or None,
        "previous_due": before.isoformat(),
        "rule": step.note or None,
    }
    extended = {**(data.get(DATA_KEY) or {}), name: [*taken, entry]}
    for task in wfx.live_tasks(work.wf):
        task.data[DATA_KEY] = extended
    after = deadlines.due({**data, DATA_KEY: extended}, name, now, service.sla_profiles, paused)
    entry["due"] = after.isoformat()
    _rearm(work, name, now, service.sla_profiles, paused)
    work.record(actor.username, "deadline_extended", deadline=name, **entry)
    notify.complainant_letter(
        work,
        TEMPLATE,
        {**data, DATA_KEY: extended},
        now,
        service.sla_profiles,
        {
            "deadline": name,
            "new_due": entry["due"],
            "previous_due": entry["previous_due"],
            "reason": entry["reason"],
            "to_establish": entry["to_establish"],
        },
        audit={"deadline": name},
    )

    def move_record(conn: Connection, case_id: int, _result) -> None:
        # The deadline's record and the engine's breach timer (engine.deadlines.watch), while still open.
        watch.move(conn, case_id, name, after)

    service.commit([work], move_record)
    return {
        "reference": reference,
        "deadline": name,
        "previous_due_at": before,
        "due_at": after,
        "extensions_taken": len(taken) + 1,
        "extensions_allowed": len(allowed),
        "extension": entry,
    }


def _read(service, reference: str):
    """The case as it stands, read without a lock (the commit's version check catches a second writer)."""
    with service.db.reading() as conn:
        row = conn.execute(select(*CASE_COLUMNS).where(CASE.c.reference == reference)).first()
        if row is None:
            raise NotFound(f"no case with the reference {reference}")
        return service.store.load(conn, row)


def _approver_problem(service, approver: str | None, actor: Actor) -> str | None:
    """Why `approver` cannot be the second approver, or None when they can."""
    if approver is None:
        return "This extension needs a second approver: name the supervisor who agreed."
    if approver == actor.username:
        return "The second approver must be someone other than the person extending."
    with service.db.read() as session:
        user = session.scalars(select(User).where(User.username == approver)).first()
    if user is None or not user.active:
        return f"{approver} is not an active user."
    if not APPROVERS & set(user.roles.split()):
        return f"{approver} is not a supervisor; a supervisor or administrator must agree."
    return None


def _rearm(work, name: str, now: dt.datetime, profiles: str | None, paused: dt.timedelta) -> None:
    """Waiting timers that stand for the deadline move to its new due time (SpiffWorkflow honours it)."""
    for timer in wfx.snapshot(work.wf, work.version).timers.values():
        if work.version.element(timer.bpmn_id).get("deadline") != name:
            continue
        task = wfx.find_task(work.wf, timer.id)
        if task is not None:
            task.internal_data["event_value"] = deadlines.due(
                task.data, name, now, profiles, paused
            ).isoformat()
