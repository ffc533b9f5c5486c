"""REDRESSAL_FAST_PATH: on unless set off; off, every fast path gives way to the libraries' ordinary code.

These tests check whichever mode the run is in: `make test` runs them with it on, `make test-slow-path`
again with it off.
"""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from sqlalchemy import Engine, event

from engine.bpmn import workflow as wfx
from engine.bpmn.serialization import dump_state, load_state
from engine.core import fast_path
from tests.support.builders import FIXTURES


def test_the_switch_is_on_unless_set_off_and_refuses_anything_else():
    assert fast_path.from_environment({}) is True
    assert fast_path.from_environment({"REDRESSAL_FAST_PATH": "on"}) is True
    assert fast_path.from_environment({"REDRESSAL_FAST_PATH": "off"}) is False
    assert fast_path.from_environment({"REDRESSAL_FAST_PATH": " OFF "}) is False
    assert fast_path.from_environment({"REDRESSAL_FAST_PATH": "0"}) is False
    with pytest.raises(ValueError, match="REDRESSAL_FAST_PATH must be 'on' or 'off', not 'fast'"):
        fast_path.from_environment({"REDRESSAL_FAST_PATH": "fast"})


def test_every_statement_goes_through_connection_execute_exactly_when_the_fast_path_is_off(
    lifecycle, handler
):
    """`Connection.execute` reports each statement before and after it runs; the hot path only before."""
    before: list[str] = []
    after: list[str] = []

    def saw(into: list[str]):
        return lambda _conn, _cursor, statement, *_: into.append(statement)

    listeners = [("before_cursor_execute", saw(before)), ("after_cursor_execute", saw(after))]
    for name, listener in listeners:
        event.listen(Engine, name, listener)
    try:
        case = lifecycle.start_case("lifecycle", {}, handler)
        lifecycle.complete_task(case.tasks[0].id, {"severity_points": 3, "subject": "Fee"}, handler)
    finally:
        for name, listener in listeners:
            event.remove(Engine, name, listener)
    assert before
    if fast_path.ON:
        assert len(after) < len(before)
    else:
        assert after == before


def test_states_and_the_task_walk_are_spiffworkflows_own_exactly_when_the_fast_path_is_off(monkeypatch):
    """SpiffWorkflow's converter writes each task's data delta with DeepMerge and builds tasks through
    `Task.__init__`; its iterator walks the tasks. The fast converter and walk do neither."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(FIXTURES / "processes" / "lifecycle.bpmn")])
    spec = parser.get_spec("lifecycle")
    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()
    calls = {"delta": 0, "task": 0, "walk": 0}

    def counted(name: str, original):
        def count(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        return count

    monkeypatch.setattr(
        DeepMerge, "get_updated_keys", staticmethod(counted("delta", DeepMerge.get_updated_keys))
    )
    monkeypatch.setattr(Task, "__init__", counted("task", Task.__init__))
    monkeypatch.setattr(BpmnWorkflow, "get_tasks_iterator", counted("walk", BpmnWorkflow.get_tasks_iterator))
    restored = load_state(dump_state(wf), spec, {})
    live = [t.id for t in wfx.live_tasks(restored)]
    assert live and live == [t.id for t in wfx.live_tasks(wf)]
    spiffworkflows_own = {name: count > 0 for name, count in calls.items()}
    assert spiffworkflows_own == dict.fromkeys(calls, not fast_path.ON)
