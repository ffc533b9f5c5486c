"""Which SLA profile a new complaint gets, asked outside a case: the `sla_profile` decision table, evaluated.

A case picks its profile in its diagram (a business rule task calling `sla_profile`, in
processes/sla_profile.dmn) from where the complaint arose, its category, channel and hardship. Pages that
explain deadlines before any complaint exists (How to complain) ask the same table the same question, with
SpiffWorkflow's DMN engine and the restricted script engine cases use, so the answer never drifts from what
a case would get.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn.scripting import RestrictedScriptEngine
from engine.deadlines.checks import PROFILE_DECISION
from engine.deadlines.jurisdictions import calendar_region

DEFAULT_PROFILE = "default"


def default_decision_path() -> Path:
    return Path(__file__).resolve().parents[2] / "processes" / "sla_profile.dmn"


@functools.lru_cache(maxsize=4)
def _engine(path: str, _mtime_ns: int) -> DMNEngine:
    parser = SpiffBpmnParser()
    parser.add_dmn_file(path)
    dmn = parser.dmn_parsers[PROFILE_DECISION]
    dmn.parse()
    return DMNEngine(dmn.decision.decisionTables[0])


def choose_profile(
    jurisdiction: str | None,
    category: str | None = None,
    channel: str = "web",
    hardship: bool = False,
    path: str | os.PathLike[str] | None = None,
) -> str:
    """The SLA profile the decision table gives a complaint with these facts; `default` when none matches."""
    where = Path(path) if path is not None else default_decision_path()
    engine = _engine(str(where), where.stat().st_mtime_ns)
    data: dict[str, Any] = {
        "calendar_region": calendar_region(jurisdiction or "other"),  # as the diagram: no code is "other"
        "category": category,
        "channel": channel,
        "hardship_or_vulnerability": hardship,
    }
    # What DMNEngine reads of a task: its data, and the script engine of its workflow.
    workflow = SimpleNamespace(script_engine=RestrictedScriptEngine())
    task = SimpleNamespace(data=data, workflow=workflow, task_spec=None)
    result = engine.result(task)
    return str(result.get(PROFILE_DECISION) or DEFAULT_PROFILE) if result else DEFAULT_PROFILE
