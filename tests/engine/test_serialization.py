"""Stored workflow states must keep loading: a state saved by this engine, kept as a fixture, runs on."""

from __future__ import annotations

import base64
import decimal
import json

from engine.clock import FixedClock
from engine.registry.specs import SpecCache
from engine.runtime import workflow as wfx
from engine.serialization import dump_state, load_state, spec_from_json
from tests.conftest import FIXTURES

STATE = FIXTURES / "states" / "lifecycle-waiting-1.5.json"


def test_a_state_saved_earlier_loads_and_runs_to_its_end():
    saved = json.loads(STATE.read_text())
    spec_json = json.dumps(saved["spec"])
    spec, subs = spec_from_json(spec_json)
    wf = wfx.attach(
        load_state(base64.b64decode(saved["state"]), spec, subs, saved["serializer_version"], spec_json)
    )
    assert [
        t.task_spec.bpmn_id
        for t in wf.get_tasks(state=wfx.TaskState.WAITING)
        if t.task_spec.bpmn_id == "wait_reply"
    ] == ["wait_reply"]
    assert wfx.case_data(wf)["score"] == 4
    clock = FixedClock("2026-11-24T09:00:00+00:00")
    with wfx.running(clock, "LIF-2026-FIXTUR", lambda data, name: clock.now()):
        wfx.deliver(wf, "complainant_reply", {"accept": True})
        wfx.run(wf)
    assert wf.completed and wfx.final_end_event(wf) == "end_closed"


def test_state_round_trip_keeps_money_exact_and_spec_out():
    saved = json.loads(STATE.read_text())
    spec, subs = spec_from_json(json.dumps(saved["spec"]))
    wf = load_state(base64.b64decode(saved["state"]), spec, subs)
    wf.last_task.data["redress_amount"] = decimal.Decimal("12.30")
    blob = dump_state(wf)
    assert b"task_specs" not in __import__("zlib").decompress(blob)  # the spec is stored once per version
    again = load_state(blob, spec, subs)
    assert again.last_task.data["redress_amount"] == decimal.Decimal("12.30")
    assert len(blob) < 8 * 1024


def test_spec_cache_builds_each_version_once(runtime, clock):
    from tests.conftest import deploy

    deploy(runtime, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
    cache = SpecCache()
    with runtime.db.reading() as conn:
        first = cache.latest(conn, "lifecycle")
        assert cache.latest(conn, "lifecycle") is first
    assert first.spec.name == "lifecycle"
