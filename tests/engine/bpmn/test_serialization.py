"""Stored workflow states must keep loading: a state saved by this engine, kept as a fixture, runs on; and the
fast converter must write and read exactly SpiffWorkflow's own format."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import itertools
import json
import random
import re
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import orjson
import pytest
from SpiffWorkflow import task as spiff_task
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import fastconvert
from engine.bpmn import workflow as wfx
from engine.bpmn.fastconvert import FastStateConverter, NotCanonical
from engine.bpmn.serialization import (
    REGISTRY,
    SERIALIZER_VERSION,
    dump_state,
    load_state,
    reference_dump_state,
    reference_load_state,
    spec_from_json,
)
from engine.cases import queries, references
from engine.cases import store as case_store
from engine.cases.service import CaseService
from engine.core.clock import FixedClock
from engine.registry.specs import SpecCache
from engine.store.db import Database
from engine.store.migrate import upgrade
from engine.timers.worker import TimerWorker
from tests.support.builders import FIXTURES, ROOT, START, deploy, make_user
from tests.support.fast_path import fast_path_only
from tests.support.paths import Desk

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


def test_spec_cache_builds_each_version_once(service, clock):
    from tests.support.builders import deploy

    deploy(service, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
    cache = SpecCache()
    with service.db.reading() as conn:
        first = cache.latest(conn, "lifecycle")
        assert cache.latest(conn, "lifecycle") is first
    assert first.spec.name == "lifecycle"


# --- the fast converter writes and reads exactly what SpiffWorkflow's registry does ----------------------
#
# engine/fastconvert.py mirrors SpiffWorkflow's converters for the top workflow, sub-workflows and tasks.
# These tests hold it to them at many points of real workflows' lives: the same stored dictionary (and
# bytes) as `REGISTRY.convert`, the same workflow objects when read (down to which containers tasks' data
# share), and the same next step when both copies run on.


def decoded(blob: bytes) -> dict[str, Any]:
    return orjson.loads(zlib.decompress(blob))


def shape(value: Any, seen: dict[int, int]) -> Any:
    """`value` spelled out with its types; containers are numbered at first sight, so that which containers
    tasks' data share (SpiffWorkflow copies a parent's data one level deep) is compared too."""
    if isinstance(value, dict | list | tuple | set):
        number = seen.setdefault(id(value), len(seen))
        if isinstance(value, dict):
            items: Any = [(shape(k, seen), shape(v, seen)) for k, v in value.items()]
        elif isinstance(value, set):
            items = sorted(repr(shape(v, seen)) for v in value)
        else:
            items = [shape(v, seen) for v in value]
        return (type(value).__name__, number, items)
    return (type(value).__name__, repr(value))


def describe(wf: BpmnWorkflow) -> list[Any]:
    """Everything a restored workflow is made of, for comparing two restorations of the same state."""
    seen: dict[int, int] = {}
    out: list[Any] = []
    for w in [wf, *wf.subprocesses.values()]:
        tasks = [
            (
                shape(key, seen),
                list(vars(t)),
                shape(t.id, seen),
                shape(t._parent, seen),
                shape(t._children, seen),
                t._state,
                t.triggered,
                id(t.task_spec),
                t.thread_id,
                t.workflow is w,
                shape(t.data, seen),
                shape(t.internal_data, seen),
                t.last_state_change,
            )
            for key, t in w.tasks.items()
        ]
        subscribers = [
            (cb.__name__, id(cb.__self__), [a.id for a in args], kwargs)
            for cb, args, kwargs in (getattr(w.completed_event, "hard_subscribers", None) or [])
        ]
        out.append(
            (
                type(w).__name__,
                list(vars(w)),
                w.spec.name,
                shape(w.data, seen),
                shape(w.correlations, seen),
                w.success,
                w.completed,
                w.last_task.id if w.last_task is not None else None,
                w.last_task is None or w.tasks.get(w.last_task.id) is w.last_task,
                w.task_tree.id,
                w.task_tree is w.tasks.get(w.task_tree.id),
                getattr(w, "parent_task_id", None),
                w.depth,
                subscribers,
                tasks,
            )
        )
    out.append(
        (
            list(wf.subprocesses),
            [(key, t.id, t.workflow.spec.name) for key, t in wf.event_manager.tasks.items()],
            REGISTRY.convert(wf.bpmn_events),
            type(wf.script_engine).__name__,
        )
    )
    return out


@contextmanager
def deterministic(seed: int = 7) -> Iterator[None]:
    """New task ids, state-change times and case references from a seeded source, so that two runs of the
    same steps can be compared."""
    rng = random.Random(seed)
    ticks = itertools.count()
    with (
        patch.object(spiff_task, "uuid4", lambda: uuid.UUID(int=rng.getrandbits(128), version=4)),
        patch.object(spiff_task, "time", SimpleNamespace(time=lambda: 1_790_000_000.0 + next(ticks) / 8)),
        patch.object(references, "secrets", SimpleNamespace(choice=rng.choice)),
    ):
        yield


def check_state(
    wf: BpmnWorkflow,
    spec: Any,
    subprocess_specs: dict[str, Any],
    next_step: Callable[[BpmnWorkflow], None] | None = None,
    json_only: bool = True,
) -> bytes:
    """One point of a workflow's life: written alike, read alike, and (given `next_step`) run on alike.

    Read back by either path and written by SpiffWorkflow's registry, a state gives back the dictionary
    stored, once values JSON does not hold (NaN, sets, int keys) have been through one round trip: before
    that, SpiffWorkflow's own deltas differ (NaN is unequal to itself, so every task stores it again).
    `json_only` says the workflow's data holds none of them.
    """
    blob = dump_state(wf)
    reference = reference_dump_state(wf)
    assert decoded(blob) == decoded(reference)
    assert blob == reference  # the same key order too
    fast = load_state(blob, spec, subprocess_specs)
    slow = reference_load_state(blob, spec, subprocess_specs)
    assert describe(fast) == describe(slow)
    assert reference_dump_state(fast) == reference_dump_state(slow)
    assert dump_state(fast) == reference_dump_state(slow)
    settled = reference_dump_state(slow)
    if json_only:
        assert decoded(settled) == decoded(blob)
    again = load_state(settled, spec, subprocess_specs)
    assert decoded(reference_dump_state(again)) == decoded(settled)
    assert describe(again) == describe(reference_load_state(settled, spec, subprocess_specs))
    if next_step is not None:
        with deterministic():
            next_step(fast)
        with deterministic():
            next_step(slow)
        assert describe(fast) == describe(slow)
        assert reference_dump_state(fast) == reference_dump_state(slow)
        assert dump_state(fast) == reference_dump_state(slow)
    return blob


# --- raw SpiffWorkflow: sub-processes, a call activity, multi-instance, odd data ------------------------

NESTED_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_nested" targetNamespace="t">
  <bpmn:message id="m_reply" name="reply" />
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="setup" />
    <bpmn:scriptTask id="setup"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>items = [1, 2, 3]
nested = {"a": {"b": [1, {"c": "ü"}]}, "d": [[1, 2], {"e": None}]}
temp = "deleted by the called process"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="setup" targetRef="sub" />
    <bpmn:subProcess id="sub"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:startEvent id="sub_start"><bpmn:outgoing>s1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="inner_task" />
      <bpmn:userTask id="inner_task">
        <bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing>
      </bpmn:userTask>
      <bpmn:boundaryEvent id="inner_timer" attachedToRef="inner_task" cancelActivity="false">
        <bpmn:outgoing>s3</bpmn:outgoing>
        <bpmn:timerEventDefinition>
          <bpmn:timeDate>"2099-01-01T00:00:00+00:00"</bpmn:timeDate></bpmn:timerEventDefinition>
      </bpmn:boundaryEvent>
      <bpmn:sequenceFlow id="s3" sourceRef="inner_timer" targetRef="timer_end" />
      <bpmn:endEvent id="timer_end"><bpmn:incoming>s3</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="s2" sourceRef="inner_task" targetRef="sub_end" />
      <bpmn:endEvent id="sub_end"><bpmn:incoming>s2</bpmn:incoming></bpmn:endEvent>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f3" sourceRef="sub" targetRef="call" />
    <bpmn:callActivity id="call" calledElement="called">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="f4" sourceRef="call" targetRef="each" />
    <bpmn:userTask id="each"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>
        <bpmn:loopDataOutputRef>results</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="item" name="item" />
        <bpmn:outputDataItem id="result" name="result" />
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f5" sourceRef="each" targetRef="wait_reply" />
    <bpmn:intermediateCatchEvent id="wait_reply">
      <bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:messageEventDefinition messageRef="m_reply" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="wait_reply" targetRef="final" />
    <bpmn:userTask id="final">
      <bpmn:incoming>f6</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f7" sourceRef="final" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f7</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmn:process id="called" isExecutable="true">
    <bpmn:startEvent id="c_start"><bpmn:outgoing>c1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="c1" sourceRef="c_start" targetRef="c_task" />
    <bpmn:userTask id="c_task">
      <bpmn:incoming>c1</bpmn:incoming><bpmn:outgoing>c2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="c2" sourceRef="c_task" targetRef="c_script" />
    <bpmn:scriptTask id="c_script"><bpmn:incoming>c2</bpmn:incoming><bpmn:outgoing>c3</bpmn:outgoing>
      <bpmn:script>del temp
called_done = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="c3" sourceRef="c_script" targetRef="c_end" />
    <bpmn:endEvent id="c_end"><bpmn:incoming>c3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def odd_data(step: int) -> dict[str, Any]:
    """Data no form produces but scripts and code can: what the registry (or the JSON encoder) converts,
    what it drops, and enough plain keys (16 or more) that the fast path's whole-dict comparisons are used."""
    return {
        "amount": decimal.Decimal("1234.50") + step,
        "decided_at": dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC),
        "period": dt.timedelta(days=3),
        "ref": uuid.UUID(int=step + 1),
        "pair": ("a", step),
        "tags": {"x"},
        "callback": len,
        "ratio": 0.25,
        "not_a_number": float("nan"),
        "decimal_nan": decimal.Decimal("NaN"),
        "big": 2**62,
        "unicode": "Zo\u00eb \u2013 \u201cquotes\u201d \u2013 \u65e5\u672c\u8a9e \u2013 \U0001f642",
        "empty": {},
        "nested": {"list": [1, [2, {"deep": "ü"}], None], "none": None, "true": True},
        "int_keys": {1: "one", 2: "two"},
        **{f"plain_{n}": n for n in range(12)},
    }


def parse(tmp_path, text: str, process: str) -> tuple[Any, dict[str, Any]]:
    path = tmp_path / f"{process}.bpmn"
    path.write_text(text)
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(path)])
    return parser.get_spec(process), parser.get_subprocess_specs(process)


def advance(wf: BpmnWorkflow) -> bool:
    """Complete the first ready task with some data (or answer the waiting message); False at the end."""
    ready = wf.get_tasks(state=TaskState.READY, manual=True)
    if ready:
        task = ready[0]
        step = sum(1 for t in wf.get_tasks(state=TaskState.COMPLETED))
        if task.task_spec.bpmn_id == "each":
            task.data["result"] = {"item": task.data["item"], "amount": decimal.Decimal(task.data["item"])}
        else:
            task.data.update(odd_data(step))
            task.data.pop("plain_3", None)  # a key deleted on the way
            task.data[f"answer_{task.task_spec.bpmn_id}"] = step
        task.run()
        wf.do_engine_steps()
        return True
    for task in wf.get_tasks(state=TaskState.WAITING):
        if task.task_spec.bpmn_id == "wait_reply":
            ed = task.task_spec.event_definition
            wf.send_event(BpmnEvent(ed, {"accepted": True, "note": "ça va"}, {}))
            wf.do_engine_steps()
            return True
    return False


def test_sub_processes_call_activities_and_odd_data_are_written_and_read_as_spiffworkflow_does(tmp_path):
    spec, subs = parse(tmp_path, NESTED_BPMN, "outer")
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    wf.data.update({"case": {"ref": "ü", "amount": decimal.Decimal("3.10")}, "helper": len, "lib": itertools})
    wf.correlations = {"process": {"ref": "CMP-1"}}
    seen_subprocesses = 0
    steps = 0
    while True:
        check_state(wf, spec, subs, next_step=advance, json_only=False)
        seen_subprocesses = max(seen_subprocesses, len(wf.subprocesses))
        if not advance(wf):
            break
        steps += 1
    assert wf.completed and steps == 7  # inner task, called task, three instances, the reply, final
    assert seen_subprocesses == 2
    # Read back as SpiffWorkflow reads it: Decimal and datetimes restored, sets and tuples as lists,
    # callables as None (task data) or dropped (workflow data), NaN as None, int keys as strings.
    final = load_state(dump_state(wf), spec, subs)
    data = final.last_task.data
    assert data["amount"] == decimal.Decimal("1234.50") + data["answer_final"]
    assert data["decided_at"] == dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    assert (data["pair"][0], data["tags"], data["callback"], data["not_a_number"]) == ("a", ["x"], None, None)
    assert data["int_keys"] == {"1": "one", "2": "two"} and "plain_3" not in data and "temp" not in data
    assert data["results"][2]["amount"] == decimal.Decimal(3)
    assert final.data["case"] == {"ref": "ü", "amount": decimal.Decimal("3.10")}
    assert "helper" not in final.data and "lib" not in final.data and "callback" not in final.data


def test_events_correlations_and_internal_data_go_through_the_registry(tmp_path):
    spec, subs = parse(tmp_path, NESTED_BPMN, "outer")
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    ed = SpiffMessageEventDefinition("notice")
    wf.bpmn_events = [BpmnEvent(ed, {"amount": decimal.Decimal("1.50"), "at": dt.datetime(2026, 1, 2)}, {})]
    (timer,) = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "inner_timer"]
    timer.internal_data["extra"] = {"when": dt.datetime(2026, 1, 2, tzinfo=dt.UTC), "fn": len, "n": [1, 2]}
    check_state(wf, spec, subs, next_step=advance, json_only=False)
    restored = load_state(dump_state(wf), spec, subs)
    assert restored.bpmn_events[0].payload["amount"] == decimal.Decimal("1.50")
    (timer,) = [
        t for t in restored.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "inner_timer"
    ]
    assert timer.internal_data["extra"] == {"when": dt.datetime(2026, 1, 2, tzinfo=dt.UTC), "n": [1, 2]}
    assert [t.task_spec.bpmn_id for t in restored.event_manager.tasks.values()] == ["inner_timer"]


def test_a_state_the_fast_reader_does_not_expect_is_read_by_spiffworkflow(tmp_path):
    """A task stored under a key that is not its id's string: SpiffWorkflow keys it by the key."""
    spec, subs = parse(tmp_path, NESTED_BPMN, "outer")
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    dct = decoded(dump_state(wf))
    dct["tasks"] = {(k.upper() if t["task_spec"] == "setup" else k): t for k, t in dct["tasks"].items()}
    blob = zlib.compress(orjson.dumps(dct))
    with pytest.raises(NotCanonical):
        FastStateConverter(REGISTRY).restore(decoded(blob), spec, subs)
    fast = load_state(blob, spec, subs)
    assert describe(fast) == describe(reference_load_state(blob, spec, subs))


def test_ids_in_another_spelling_are_looked_up_as_spiffworkflow_does(tmp_path):
    """Upper-case ids everywhere: the fast reader's string maps miss and it falls back on UUIDs."""
    spec, subs = parse(tmp_path, NESTED_BPMN, "outer")
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    advance(wf)
    advance(wf)
    text = zlib.decompress(dump_state(wf)).decode()
    for task_id in re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text):
        text = text.replace(task_id, task_id.upper())
    blob = zlib.compress(text.encode())
    fast = load_state(blob, spec, subs)
    slow = reference_load_state(blob, spec, subs)
    # SpiffWorkflow finds sub-workflows by their task id's canonical string, so here it finds none.
    assert (len(wf.subprocesses), len(fast.subprocesses), len(slow.subprocesses)) == (2, 0, 0)
    assert fast.last_task is not None and len(fast.tasks) == len(wf.tasks)
    assert describe(fast) == describe(slow)
    assert dump_state(fast) == reference_dump_state(slow)


def test_the_id_cache_may_be_dropped_at_any_time(tmp_path, monkeypatch):
    spec, subs = parse(tmp_path, NESTED_BPMN, "outer")
    monkeypatch.setattr(fastconvert._IdCache, "LIMIT", 3)
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    for _ in range(4):
        check_state(wf, spec, subs, json_only=False)
        wf = load_state(dump_state(wf), spec, subs)
        advance(wf)


def test_nan_among_plain_values_is_stored_again_by_every_task_as_spiffworkflow_does(tmp_path):
    """NaN is unequal to itself, so SpiffWorkflow stores it in every task's updates even where the data is
    the parent's; the fast path's whole-dict comparison (16 keys or more) must not hide that."""
    spec, subs = parse(tmp_path, (ROOT / "bench" / "six_tasks.bpmn").read_text(), "Process_complaint6")
    wf = BpmnWorkflow(spec, subs)
    wf.task_tree.data.update({f"k{n}": n for n in range(20)} | {"score": float("nan"), "rate": 0.5})
    wf.do_engine_steps()
    dct = decoded(check_state(wf, spec, subs, next_step=advance, json_only=False))
    updates = [t["delta"]["updates"] for t in dct["tasks"].values() if t["delta"] and t["data"] == {}]
    assert {"score": None} in updates


def test_tasks_take_the_current_thread_id_pool_as_spiffworkflow_does(tmp_path, monkeypatch):
    spec, subs = parse(tmp_path, NESTED_BPMN, "outer")
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    monkeypatch.setattr(spiff_task.Task, "thread_id_pool", 5)
    check_state(wf, spec, subs, next_step=advance)
    assert {t.thread_id for t in load_state(dump_state(wf), spec, subs).get_tasks()} == {5}


def test_a_migrated_old_state_is_written_in_the_current_format():
    saved = json.loads(STATE.read_text())
    spec_json = json.dumps(saved["spec"])
    spec, subs = spec_from_json(spec_json)
    wf = load_state(base64.b64decode(saved["state"]), spec, subs, saved["serializer_version"], spec_json)
    check_state(wf, spec, subs)


# --- the engine: every save and load of real cases, fast path against SpiffWorkflow's registry ----------


def run_engine(
    tmp_path, name: str, scenario: Callable[[CaseService, FixedClock], None], monkeypatch, fast: bool
) -> list[dict[str, Any]]:
    """Run `scenario` on a fresh database with the engine saving and loading states through the fast path
    (checked against the registry at every save and load) or through the registry only; returns every
    state saved, in order."""
    saved: list[dict[str, Any]] = []

    def checked_dump(wf: BpmnWorkflow) -> bytes:
        blob = dump_state(wf)
        assert blob == reference_dump_state(wf)
        saved.append(decoded(blob))
        return blob

    def checked_load(blob, spec, subs, serializer_version=SERIALIZER_VERSION, spec_json=None):
        wf = load_state(blob, spec, subs, serializer_version, spec_json)
        reference = reference_load_state(blob, spec, subs)
        assert describe(wf) == describe(reference)
        assert dump_state(wf) == reference_dump_state(reference)
        assert decoded(reference_dump_state(wf)) == decoded(blob)
        return wf

    def registry_dump(wf: BpmnWorkflow) -> bytes:
        blob = reference_dump_state(wf)
        saved.append(decoded(blob))
        return blob

    def registry_load(blob, spec, subs, serializer_version=SERIALIZER_VERSION, spec_json=None):
        assert serializer_version == SERIALIZER_VERSION
        return reference_load_state(blob, spec, subs)

    monkeypatch.setattr(case_store, "dump_state", checked_dump if fast else registry_dump)
    monkeypatch.setattr(case_store, "load_state", checked_load if fast else registry_load)
    db = Database(f"sqlite:///{tmp_path}/{name}-{'fast' if fast else 'registry'}.sqlite3")
    try:
        upgrade(db)
        clock = FixedClock(START)
        with deterministic():
            scenario(CaseService(db, clock), clock)
    finally:
        db.dispose()
    return saved


def six_tasks(service: CaseService, clock: FixedClock) -> None:
    deploy(service, ROOT / "bench" / "six_tasks.bpmn")
    actor = make_user(service, "hana", "handlers")
    result = service.start_case("Process_complaint6", {"summary": "Fee charged twice"}, actor)
    answers = [
        {"summary": "Fee charged twice \u2013 \u201cagain\u201d", "amount": 12.5},
        {"priority": "high", "tags": ["fees", "ü"], "contact": {"email": "a@example.org", "phone": None}},
        {"handler": "hana", "contact": {"email": "b@example.org"}},
        {"findings": {"batches": [{"id": 1, "ran": 2}], "root_cause": "batch"}},
        {"resolution": "refund", "amount": 25},
        {"approved": True},
    ]
    for answer in answers:
        clock.advance(hours=1)
        result = service.complete_task(result.tasks[0].id, answer, actor)
    assert result.status == "closed"


def lifecycle_cases(service: CaseService, clock: FixedClock) -> None:
    deploy(service, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
    actor = make_user(service, "hana", "handlers")
    good = {"subject": "Fee charged twice", "severity_points": 3, "category": "fees"}
    first = service.start_case("lifecycle", {"subject": "x"}, actor)
    service.complete_task(first.tasks[0].id, good, actor)
    clock.advance(days=1)
    assert service.deliver_message(first.reference, "complainant_reply", {"accept": True}, actor).status
    second = service.start_case("lifecycle", {}, actor)
    service.complete_task(second.tasks[0].id, good, actor)
    assert service.withdraw(second.reference, actor, "sorted").status == "withdrawn"


def timed_cases(service: CaseService, clock: FixedClock) -> None:
    deploy(service, FIXTURES / "processes" / "timed.bpmn")
    actor = make_user(service, "hana", "handlers")
    for hours in (1, 3):
        service.start_case("timed", {"timer_due": (START + dt.timedelta(hours=hours)).isoformat()}, actor)
    clock.set(START + dt.timedelta(hours=2))
    assert TimerWorker(service, "w1").tick() == 1


def linked_cases(service: CaseService, clock: FixedClock) -> None:
    deploy(service, FIXTURES / "processes" / "linked.bpmn")
    handler = make_user(service, "hana", "handlers")
    disputes = make_user(service, "dora", "disputes")
    parent = service.start_case("parent", {"reason": "rejected"}, handler)
    child = queries.case_detail(service, parent.linked[0])
    assert service.complete_task(child.tasks[0].id, {"decision": "upheld"}, disputes).status == "closed"


def sla_pause_and_resume(service: CaseService, clock: FixedClock) -> None:
    deploy(service, FIXTURES / "processes" / "sla.bpmn")
    actor = make_user(service, "hana", "handlers")
    case = service.start_case("sla_case", {"sla_profile": "uk_fca", "received_at": START.isoformat()}, actor)
    investigate = service.complete_task(case.tasks[0].id, {}, actor).tasks[0].id
    clock.set(START + dt.timedelta(hours=2))
    service.complete_task(investigate, {"need_info": True}, actor)
    clock.set(START + dt.timedelta(days=10, hours=2))
    service.deliver_message(case.reference, "complainant_information", {"documents": 2}, actor)


def complaint_escalated_to_a_dispute(service: CaseService, clock: FixedClock) -> None:
    desk = Desk(service, clock)
    ref = desk.file(complainant={"name": "Ada"}, channel="letter")
    desk.complete(ref, "obtain_contact", contact_email="ada@example.org")
    desk.complete(ref, "acknowledgement")
    desk.complete(ref, "assessment", immediate_action_needed=True)
    desk.complete(ref, "immediate_action")
    desk.complete(ref, "investigation", information_needed=True)
    desk.complete(ref, "information_request")
    desk.wait(days=5)
    desk.tell(ref, "complainant_information", {"documents": ["statement.pdf"]})
    desk.complete(ref, "investigation")
    desk.complete(ref, "response", redress_amount=600)
    desk.complete(ref, "approval")
    desk.complete(ref, "decision_letter")
    desk.tell(ref, "complainant_reject", {"reason": "No."})
    dispute = desk.child(ref)
    desk.complete(dispute, "dispute_referral")
    desk.tell(dispute, "provider_notice", {"provider_reference": "FOS-1"}, as_=desk.provider)
    desk.complete(dispute, "dispute_evaluation")
    desk.tell(dispute, "provider_outcome", {"method": "advisory", "binding": False}, as_=desk.provider)
    desk.complete(dispute, "dispute_decision")
    desk.complete(dispute, "implementation_proof")
    desk.complete(dispute, "dispute_closing")
    assert desk.state(ref)[0] == "closed"


def complaint_deadlines_missed(service: CaseService, clock: FixedClock) -> None:
    desk = Desk(service, clock)
    ref = desk.acknowledged(jurisdiction="other", category="lending", product="Mortgage 0042")
    desk.complete(ref, "assessment", category="lending", complexity="complex")
    desk.wait_until(START + dt.timedelta(weeks=4, minutes=1))
    desk.wait_until(START + dt.timedelta(weeks=8, minutes=1))
    dispute = desk.child(ref)
    desk.complete(dispute, "dispute_referral")
    desk.tell(
        dispute,
        "provider_notice",
        {"provider_reference": "FOS-2", "reply_by": "2027-02-01"},
        as_=desk.provider,
    )
    desk.withdraw(ref)
    assert desk.case(dispute).status == "withdrawn"
    standard = desk.decided()
    desk.wait(days=7, minutes=1)
    desk.wait(days=7)
    desk.complete(standard, "closing", closing_notes="No answer within 14 days.")
    summary = desk.acknowledged()
    desk.complete(summary, "assessment", resolved_at_first_contact=True)
    desk.complete(summary, "summary_resolution")


@fast_path_only  # compares it with SpiffWorkflow's converter, which alone runs when it is off
@pytest.mark.parametrize(
    "scenario",
    [
        six_tasks,
        lifecycle_cases,
        timed_cases,
        linked_cases,
        sla_pause_and_resume,
        complaint_escalated_to_a_dispute,
        complaint_deadlines_missed,
    ],
    ids=lambda f: f.__name__,
)
def test_the_engine_saves_the_same_states_with_the_fast_path_as_with_the_registry(
    scenario, tmp_path, monkeypatch
):
    """Every action reloads the case, so each state saved is also read back, by both paths, and the next
    action runs on what was read: the sequences of states saved must be identical."""
    fast = run_engine(tmp_path, scenario.__name__, scenario, monkeypatch, fast=True)
    registry = run_engine(tmp_path, scenario.__name__, scenario, monkeypatch, fast=False)
    assert len(fast) >= 3
    assert fast == registry
