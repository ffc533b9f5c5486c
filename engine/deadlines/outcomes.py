"""A deadline whose breach decides the outcome: Polish consumer rights act art. 7a ("a complaint not answered
in time is deemed accepted") and art. 8 of the Act of 5 August 2015 for financial-market entities.

The profile marks such a deadline with `on_breach = "deemed_upheld"`. When the deadline is breached, the case
records what the law decided: an audit event (`outcome_deemed`), `deemed_outcome` in the case data (which the
case detail shows and process code may read), and the case's outcome, which no later decision overrides (see
`CaseWork.derive`). A late answer may still be sent, but the complaint stays accepted.

`decide_on_breach` is the one entry point, called wherever a breach is detected: today
`engine.cases.store._record_fired_timers`, when an interrupting deadline timer fires. The engine-watched
deadlines of issue 10 section 1 call it from their breach hook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from engine.bpmn import workflow as wfx
from engine.deadlines import compute as deadlines

DATA_KEY = "deemed_outcome"


def decide_on_breach(work, name: str, now: dt.datetime, profiles: str | None) -> dict[str, Any] | None:
    """Record the outcome a breach of deadline `name` decides, if its profile says so; the record or None.

    Idempotent: a case keeps the first outcome decided, so a second breach (re-armed timers) changes nothing.
    """
    data = wfx.case_data(work.wf)
    if data.get(DATA_KEY):
        return None
    try:
        rule = deadlines.profile_for(data, profiles).deadlines.get(name)
    except ValueError:
        return None
    policy = rule.policy if rule is not None else None
    outcome = policy.breach_outcome if policy is not None else None
    if rule is None or policy is None or outcome is None:
        return None
    record = {
        "outcome": outcome,
        "rule": policy.on_breach,
        "deadline": name,
        "profile": data.get("sla_profile") or "default",
        "at": now.isoformat(),
        "note": rule.note or None,
    }
    targets = list(wfx.live_tasks(work.wf))
    if not targets and work.wf.last_task is not None:  # the breach ended the case: its last data counts
        targets = [work.wf.last_task]
    for task in targets:
        task.data[DATA_KEY] = record
    work.record("system", "outcome_deemed", **record)
    return record


def deemed(data: Mapping[str, Any] | None) -> str | None:
    """The outcome a breach decided, if any: it stands above any later decision."""
    record = (data or {}).get(DATA_KEY)
    return record.get("outcome") if isinstance(record, Mapping) else None
