"""The restricted language: every classic sandbox escape is refused, ordinary process code works."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.bpmn import scripting
from engine.bpmn.scripting import (
    GUARDS,
    HELPERS,
    RestrictedEnvironment,
    ScriptContext,
    ScriptRefused,
    check_expression,
    check_script,
)
from engine.core.clock import FixedClock
from engine.registry import load_bundle, validate_bundle

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment()


@pytest.fixture(autouse=True)
def fixed_time():
    token = scripting.set_context(ScriptContext(clock=FixedClock(NOW)))
    yield
    scripting.reset_context(token)


def run(env: RestrictedEnvironment, script: str, **data) -> dict:
    env.execute(script, data)
    return data


# --- escapes ---------------------------------------------------------------------------------------------

# Refused when compiled: the deploy-time check reports them, so they never reach a running case.
COMPILE_REFUSED = [
    ("__import__('os')", '"__import__" is an invalid variable name'),
    ("().__class__.__base__.__subclasses__()", '"__subclasses__" is an invalid attribute name'),
    ("type(1).__subclasses__()", '"__subclasses__" is an invalid attribute name'),
    ("(lambda: 1).__globals__", '"__globals__" is an invalid attribute name'),
    ("(i for i in [1]).gi_frame", '"gi_frame" is a restricted name'),
    ("(lambda c=().__class__: c)()", '"__class__" is an invalid attribute name'),
    ("(lambda g=(i for i in x): g.gi_frame)()", '"gi_frame" is a restricted name'),
    ("exec('1')", "Exec calls are not allowed"),
    ("eval('1')", "Eval calls are not allowed"),
    ("__builtins__", '"__builtins__" is an invalid variable name'),
    ("_getattr_", '"_getattr_" is an invalid variable name'),
    ("math.__dict__", '"__dict__" is an invalid attribute name'),
    ("now.__globals__", '"__globals__" is an invalid attribute name'),
]


@pytest.mark.parametrize(("source", "reason"), COMPILE_REFUSED)
def test_escape_is_refused_when_compiled(env, source, reason):
    assert reason in (check_expression(source) or "")
    with pytest.raises(ScriptRefused, match="Line 1"):
        env.evaluate(source, {"x": [1]})


# Compile, but cannot run: the names are simply not there, or the guard refuses the attribute.
RUN_REFUSED = [
    ("open('/etc/passwd')", NameError, "open"),
    ("getattr(x, '__class__')", NameError, "getattr"),
    ("getattr(x, '_' + '_class__')", NameError, "getattr"),
    ("hasattr(x, '__class__')", NameError, "hasattr"),
    ("compile('1', 'f', 'eval')", NameError, "compile"),
    ("globals()", NameError, "globals"),
    ("locals()", NameError, "locals"),
    ("vars()", NameError, "vars"),
    ("dir()", NameError, "dir"),
    ("type(1)", NameError, "type"),
    ("type(1).mro()", NameError, "type"),
    ("type('X', (), {})", NameError, "type"),
    ("input()", NameError, "input"),
    ('"{0.__class__}".format(1)', NotImplementedError, "format"),
    ('"{0.__class__}".format_map({"0": 1})', NotImplementedError, "format"),
    ('str.format("{0.__class__}", 1)', NotImplementedError, "format"),
]


@pytest.mark.parametrize(("source", "error", "name"), RUN_REFUSED)
def test_escape_is_refused_when_run(env, source, error, name):
    with pytest.raises(error, match=name):
        env.evaluate(source, {"x": 1})


@pytest.mark.parametrize(
    "script",
    ["import os", "from os import path", "import os as o\nx = 1", "if True:\n    from subprocess import run"],
)
def test_imports_are_refused_when_compiled_with_their_line(env, script):
    line = script.count("\n") + 1 if "if True" in script else 1
    assert f"Line {line}: imports are not allowed" in check_script(script)
    with pytest.raises(ScriptRefused, match="imports are not allowed"):
        env.execute(script, {})


def test_script_escapes_are_refused(env):
    with pytest.raises(NameError, match="open"):
        env.execute("with open('/etc/passwd') as f:\n    data = f.read()", {})
    with pytest.raises(ScriptRefused, match="classes are not allowed"):
        env.execute("class A:\n    pass", {})
    with pytest.raises(ScriptRefused, match="gi_frame"):
        env.execute("g = (i for i in [1])\nf = g.gi_frame", {})
    with pytest.raises(ScriptRefused, match="__name__"):
        env.execute("t = str\nz = t.__name__", {})


def test_math_is_not_a_class_that_hands_out_object(env):
    # `math` used to be a class: `math.mro()[1]` was `object`, the first step to every subclass.
    with pytest.raises(TypeError):
        env.evaluate("math.mro()", {})
    with pytest.raises(TypeError, match="attribute-less"):
        env.execute("math.floor = 5", {})
    assert env.evaluate("math.floor(2.7) + math.ceil(0.2)", {}) == 3


def test_attribute_writes_on_data_are_refused(env):
    with pytest.raises(TypeError, match="attribute-less"):
        env.execute("x.real = 3", {"x": 1})


# --- ordinary code ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("amount * 2 + 1", {"amount": 20}, 41),
        ("amount // 3, amount % 3, amount ** 2", {"amount": 7}, (2, 1, 49)),
        ("customer['tier'] == 'gold' and total > 100", {"customer": {"tier": "gold"}, "total": 101}, True),
        ("[i * 2 for i in items if i > 1]", {"items": [1, 2, 3]}, [4, 6]),
        ("{k: v for k, v in sorted(d.items())}", {"d": {"b": 2, "a": 1}}, {"a": 1, "b": 2}),
        ("category in ('fees', 'service')", {"category": "fees"}, True),
        ("len(notes) > 2 and max(scores) == 9", {"notes": "abc", "scores": [1, 9]}, True),
        ("'%s-%d' % (prefix, n)", {"prefix": "LIF", "n": 7}, "LIF-7"),
        ("(lambda a=x: a)()", {"x": 5}, 5),
        ("sum(a * b for a, b in zip(p, q))", {"p": [1, 2], "q": [3, 4]}, 11),
    ],
)
def test_expressions_evaluate(env, source, data, expected):
    assert check_expression(source) is None
    assert env.evaluate(source, data) == expected


def test_scripts_write_back_to_task_data(env):
    script = (
        "total = 0\n"
        "for name, amount in items:\n"
        "    total += amount\n"
        "count = len(items)\n"
        "count -= 1\n"
        "summary = {'total': total, 'names': [n for n, a in items]}\n"
        "flags = []\n"
        "flags.append(total > 10)\n"
        "(first, second), third = (1, 2), 3\n"
        "head, *rest = [1, 2, 3]\n"
        "try:\n"
        "    ratio = 1 / 0\n"
        "except ZeroDivisionError as exc:\n"
        "    ratio = None\n"
    )
    data = run(env, script, items=[("a", 4), ("b", 9)])
    assert data == {
        "items": [("a", 4), ("b", 9)],
        "name": "b",  # loop variables stay, as in Python
        "amount": 9,
        "total": 13,
        "count": 1,
        "summary": {"total": 13, "names": ["a", "b"]},
        "flags": [True],
        "first": 1,
        "second": 2,
        "third": 3,
        "head": 1,
        "rest": [2, 3],
        "ratio": None,
    }


def test_scripts_do_not_leak_helpers_guards_or_functions(env):
    data = run(env, "def double(v):\n    return v * 2\ny = double(x)\nclock = now\nimport_time = now()", x=2)
    assert data == {"x": 2, "y": 4, "import_time": NOW.isoformat()}
    leaked = set(data) & (set(GUARDS) | set(HELPERS) | {"__builtins__", "double", "clock"})
    assert leaked == set()


def test_deleting_a_variable_removes_it_from_task_data(env):
    assert run(env, "del scratch\nkept = 1", scratch=1, other=2) == {"other": 2, "kept": 1}


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_task_data_naming_a_helper_is_refused(env, name):
    with pytest.raises(ValueError, match=rf"task data uses the name\(s\) \['{name}'\].*rename those fields"):
        env.execute("x = 1", {name: "value"})


def test_helpers_use_the_clock_of_the_call(env):
    assert env.evaluate("now()", {}) == "2026-11-23T09:30:00+00:00"
    assert env.evaluate("today()", {}) == "2026-11-23"
    assert env.evaluate("add_days(today(), 10)", {}) == "2026-12-03"
    assert env.evaluate("add_days(now(), 1.5)", {}) == "2026-11-24T21:30:00+00:00"
    assert env.evaluate("add_days(received, -1) < today()", {"received": "2026-11-23"}) is True


def test_add_days_keeps_a_date_a_date():
    # A date compared as text with today(): "2026-01-03T00:00:00" would never equal "2026-01-03".
    assert scripting.add_days("2026-01-01", 2) == "2026-01-03"
    assert scripting.add_days("2026-01-01T08:00:00+01:00", 1) == "2026-01-02T08:00:00+01:00"


def test_deadline_outside_a_case_says_so(env):
    with pytest.raises(ValueError, match="only available while a case runs"):
        env.evaluate('deadline("first_response")', {})


def test_deadline_gets_the_data_of_the_task_being_evaluated(env):
    seen = []

    def deadline(data, name):
        seen.append((dict(data), name))
        return NOW + dt.timedelta(days=data["days"])

    token = scripting.set_context(ScriptContext(clock=FixedClock(NOW), deadline=deadline))
    try:
        assert env.evaluate('deadline("reply")', {"days": 2}) == "2026-11-25T09:30:00+00:00"
    finally:
        scripting.reset_context(token)
    assert seen == [({"days": 2}, "reply")]


BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="calc" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s"/>
    <bpmn:scriptTask id="s"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>score = points * 2
due = add_days(today(), 14)
points += 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def test_script_task_in_a_workflow_writes_its_variables_and_nothing_else(tmp_path: Path):
    from engine.bpmn.workflow import SCRIPT_ENGINE

    (tmp_path / "calc.bpmn").write_text(BPMN)
    [proc] = validate_bundle(load_bundle([tmp_path / "calc.bpmn"]))
    wf = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
    wf.task_tree.data["points"] = 3
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.data == {"points": 4, "score": 6, "due": "2026-12-07"}
