"""Validation at deploy: every problem, each with file, element id and line; then versioned deployment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.bpmn.workflow import SCRIPT_ENGINE
from engine.cases import queries
from engine.core.errors import Problem, ProcessInvalid
from engine.registry import ParsedProcess, load_bundle, validate_bundle
from tests.support.builders import deploy, make_user

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" \
xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="test">
  <bpmn:process id="{pid}" name="Test process" isExecutable="true">
"""
TAIL = """  </bpmn:process>
</bpmn:definitions>
"""
START = """    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
"""


def bpmn(body: str, pid: str = "p") -> str:
    return HEAD.format(pid=pid) + START + body + TAIL


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle` (the test's own expectation of where it is)."""
    for n, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in the text")


def problems_of(*paths: Path, forms: Path | None = None) -> list[Problem]:
    with pytest.raises(ProcessInvalid) as err:
        validate_bundle(load_bundle(list(paths), forms))
    return err.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


LINEAR = """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <bpmn:userTask id="task" name="Do it"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""


# --- problems, each located ------------------------------------------------------------------------------


def test_xml_that_is_not_well_formed_gives_the_line(tmp_path):
    text = bpmn('    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end">\n')
    path = write(tmp_path, "broken.bpmn", text)
    problem = only(problems_of(path))
    assert (problem.file, problem.element) == (str(path), None)
    assert problem.line == line_of(text, "</bpmn:process>")
    assert problem.message.startswith("is not well-formed XML: ")
    assert str(problem).startswith(f"{path}:{problem.line}: is not well-formed XML")


def test_a_flow_to_a_missing_element_names_the_flow_and_the_missing_id(tmp_path):
    text = bpmn(
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>\n'
        '    <bpmn:task id="task"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f_lost</bpmn:outgoing>'
        "</bpmn:task>\n"
        '    <bpmn:sequenceFlow id="f_lost" sourceRef="task" targetRef="nowhere"/>\n'
    )
    path = write(tmp_path, "lost.bpmn", text)
    problem = only(problems_of(path))
    assert (problem.element, problem.line) == ("f_lost", line_of(text, 'id="f_lost"'))
    assert problem.message == "the sequence flow leads to 'nowhere', but there is no element with that id"
    assert "perhaps a form" not in str(problem)


def test_a_condition_with_a_syntax_error_names_the_flow_and_its_line(tmp_path):
    text = bpmn(
        """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f_else">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f_big</bpmn:outgoing><bpmn:outgoing>f_else</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_big" sourceRef="gw" targetRef="end">
      <bpmn:conditionExpression>amount &gt;&gt;= 1000</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_else" sourceRef="gw" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f_big</bpmn:incoming><bpmn:incoming>f_else</bpmn:incoming>
    </bpmn:endEvent>
"""
    )
    path = write(tmp_path, "cond.bpmn", text)
    problem = only(problems_of(path))
    assert (problem.file, problem.element) == (str(path), "f_big")
    assert problem.line == line_of(text, "amount &gt;&gt;= 1000")
    assert problem.message.startswith("the condition does not compile: ")
    assert "amount >>= 1000" in problem.message


def test_a_script_that_imports_is_refused_with_element_and_line(tmp_path):
    text = bpmn(
        """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:scriptTask id="calc"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>import os</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""
    )
    path = write(tmp_path, "imports.bpmn", text)
    problem = only(problems_of(path))
    assert (problem.element, problem.line) == ("calc", line_of(text, "import os"))
    assert "the script does not compile" in problem.message
    assert "imports are not allowed" in problem.message


def timer(expression: str) -> str:
    return bpmn(
        f"""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration>{expression}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""
    )


def test_a_timer_that_does_not_compile_is_located(tmp_path):
    text = timer('"P1D')
    problem = only(problems_of(write(tmp_path, "timer.bpmn", text)))
    assert (problem.element, problem.line) == ("wait", line_of(text, "<bpmn:timeDuration>"))
    assert problem.message.startswith("the timer timeDuration does not compile: ")


@pytest.mark.parametrize("bare", ["P10D", "2026-12-01T09:00:00Z"])
def test_a_timer_with_unquoted_iso_text_asks_for_quotes(tmp_path, bare):
    # `P10D` compiles (as a name) and would fail only when a case reaches the timer.
    text = timer(bare)
    problem = only(problems_of(write(tmp_path, "timer.bpmn", text)))
    assert (problem.element, problem.line) == ("wait", line_of(text, "<bpmn:timeDuration>"))
    assert f'needs quotes: "{bare}"' in problem.message


def test_quoted_and_computed_timers_are_accepted(tmp_path):
    for n, expression in enumerate(['"P10D"', 'deadline("reply")', "add_days(today(), 3) + 'T09:00:00Z'"]):
        [proc] = validate_bundle(load_bundle([write(tmp_path, f"t{n}.bpmn", timer(expression))]))
        assert proc.elements["wait"]["type"] == "intermediateCatchEvent"


def test_a_user_task_naming_a_missing_form(tmp_path):
    text = bpmn(LINEAR.replace('name="Do it">', 'name="Do it" camunda:formKey="no_such_form">'))
    path = write(tmp_path, "p.bpmn", text)
    problem = only(problems_of(path, forms=tmp_path / "forms"))
    assert (problem.file, problem.element, problem.line) == (str(path), "task", line_of(text, 'id="task"'))
    assert "'no_such_form'" in problem.message and "forms/no_such_form.json" in problem.message


def test_a_form_whose_id_differs_from_its_file_name(tmp_path):
    bpmn_path = write(tmp_path, "p.bpmn", bpmn(LINEAR.replace('name="Do it">', 'camunda:formKey="intake">')))
    form = {"id": "intake_v2", "components": [{"type": "textfield", "key": "subject"}]}
    form_path = write(tmp_path, "forms/intake.json", json.dumps(form))
    problem = only(problems_of(bpmn_path, forms=tmp_path / "forms"))
    assert problem.file == str(form_path)
    assert problem.message == "form 'intake': its \"id\" is 'intake_v2' but the file name says 'intake'"


def test_a_form_without_an_id_takes_it_from_its_file_name(tmp_path):
    # form-js needs no "id"; forms saved by other tools often have none, and were refused.
    path = write(tmp_path, "p.bpmn", bpmn(LINEAR.replace('name="Do it">', 'camunda:formKey="intake">')))
    form = {"components": [{"type": "textfield", "key": "subject"}]}
    write(tmp_path, "forms/intake.json", json.dumps(form))
    [proc] = validate_bundle(load_bundle([path], tmp_path / "forms"))
    assert proc.forms["intake"]["id"] == "intake"


def test_a_form_with_a_feel_limit_beyond_the_subset_is_refused_naming_the_expression(tmp_path):
    path = write(tmp_path, "p.bpmn", bpmn(LINEAR.replace('name="Do it">', 'camunda:formKey="intake">')))
    form = {"components": [{"type": "number", "key": "amount", "validate": {"min": "=count(items)"}}]}
    form_path = write(tmp_path, "forms/intake.json", json.dumps(form))
    problem = only(problems_of(path, forms=tmp_path / "forms"))
    assert problem.file == str(form_path)
    assert problem.message.startswith(
        "form 'intake': field 'amount' has the \"min\" '=count(items)', which the engine cannot evaluate: "
        "it calls the function 'count'"
    )


def test_an_event_subprocess_is_refused_with_the_reason(tmp_path):
    text = bpmn(
        LINEAR
        + """    <bpmn:subProcess id="withdrawal" triggeredByEvent="true">
      <bpmn:startEvent id="w_start"><bpmn:outgoing>w1</bpmn:outgoing><bpmn:messageEventDefinition/>
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="w1" sourceRef="w_start" targetRef="w_end"/>
      <bpmn:endEvent id="w_end"><bpmn:incoming>w1</bpmn:incoming></bpmn:endEvent>
    </bpmn:subProcess>
"""
    )
    problems = problems_of(write(tmp_path, "esp.bpmn", text))
    problem = next(p for p in problems if p.element == "withdrawal")
    assert problem.line == line_of(text, 'id="withdrawal"')
    assert "event subprocesses are not supported" in problem.message
    assert "does not end the process" in problem.message
    assert "interrupting boundary events" in problem.message


def test_every_problem_of_a_deployment_is_reported(tmp_path):
    text = bpmn(
        """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:scriptTask id="calc"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>import subprocess</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f4"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="review">
      <bpmn:conditionExpression>().__class__.__base__</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="review"/>
    <bpmn:userTask id="review" camunda:formKey="missing"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>"P10D</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
"""
    )
    path = write(tmp_path, "many.bpmn", text)
    bad_dmn = write(tmp_path, "bad.dmn", dmn(["[1..10]", '"x"']))
    problems = problems_of(path, bad_dmn)
    located = {(p.file, p.element, p.line) for p in problems}
    assert located == {
        (str(path), "calc", line_of(text, "import subprocess")),
        (str(path), "f3", line_of(text, "__base__")),
        (str(path), "review", line_of(text, 'id="review"')),
        (str(path), "wait", line_of(text, "<bpmn:timeDate>")),
        (str(bad_dmn), "r0", line_of(dmn(["[1..10]", '"x"']), "[1..10]")),
    }, [str(p) for p in problems]


# --- DMN ---------------------------------------------------------------------------------------------------

DMN_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="d" namespace="test">
  <decision id="priority" name="Priority">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in1" label="Amount">
        <inputExpression id="ie1" typeRef="number"><text>amount</text></inputExpression>
      </input>
      <output id="out1" name="priority" typeRef="string"/>
"""


def dmn(cells: list[str], outputs: list[str] | None = None) -> str:
    outputs = outputs or [f'"p{n}"' for n in range(len(cells))]
    rules = "".join(
        f'      <rule id="r{n}">\n'
        f'        <inputEntry id="in_r{n}"><text>{cell}</text></inputEntry>\n'
        f'        <outputEntry id="out_r{n}"><text>{out}</text></outputEntry>\n'
        "      </rule>\n"
        for n, (cell, out) in enumerate(zip(cells, outputs, strict=True))
    )
    return DMN_HEAD + rules + "    </decisionTable>\n  </decision>\n</definitions>\n"


RULE_TASK = bpmn(
    """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>priority</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
""",
    pid="triage",
)


def test_a_feel_range_in_a_dmn_cell_is_refused_with_the_python_form(tmp_path):
    table = dmn(['"x"', "[1..10]"])
    path = write(tmp_path, "priority.dmn", table)
    problem = only(problems_of(write(tmp_path, "triage.bpmn", RULE_TASK), path))
    assert (problem.file, problem.element, problem.line) == (str(path), "r1", line_of(table, "[1..10]"))
    assert "is FEEL, but cells here are Python" in problem.message
    assert "`1 <= ? <= 10`" in problem.message


@pytest.mark.parametrize(
    ("cell", "advice"),
    [
        ('"a", "b"', '`? in ("a", "b")`'),  # FEEL's "any of"; in Python a tuple that never equals the input
        ('not("a")', "`? != value`"),
        ("in (1, 2)", "write `? in (1, 2)`"),  # SpiffWorkflow would run `amountin (1, 2)`
    ],
)
def test_dmn_cells_that_would_misbehave_are_refused(tmp_path, cell, advice):
    path = write(tmp_path, "priority.dmn", dmn([cell]))
    problem = only(problems_of(write(tmp_path, "triage.bpmn", RULE_TASK), path))
    assert problem.element == "r0"
    assert advice in problem.message


def test_a_good_dmn_table_validates_and_decides(tmp_path):
    table = dmn(
        [">= 1000", "500 &lt; ? &lt; 1000", "? in (1, 2, 3)", "0", "-"],
        ['"high"', '"medium"', '"tiny"', '"none"', '"low"'],
    )
    [proc] = validate_bundle(
        load_bundle([write(tmp_path, "triage.bpmn", RULE_TASK), write(tmp_path, "priority.dmn", table)])
    )
    assert proc.process_id == "triage"
    assert str(tmp_path / "priority.dmn") in proc.files
    decided = {}
    for amount in (5000, 1000, 700, 2, 0, 100):
        wf = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
        wf.task_tree.data["amount"] = amount
        wf.do_engine_steps()
        assert wf.is_completed()
        decided[amount] = wf.data["priority"]
    assert decided == {5000: "high", 1000: "high", 700: "medium", 2: "tiny", 0: "none", 100: "low"}


# --- the result of a valid bundle -------------------------------------------------------------------------


def test_a_valid_bundle_yields_processes_with_a_stable_content_hash(tmp_path):
    text = bpmn(LINEAR, pid="simple")
    first = validate_bundle(load_bundle([write(tmp_path / "a", "simple.bpmn", text)]))
    again = validate_bundle(load_bundle([write(tmp_path / "a", "simple.bpmn", text)]))
    elsewhere = validate_bundle(load_bundle([write(tmp_path / "b", "simple.bpmn", text)]))
    [proc] = first
    assert isinstance(proc, ParsedProcess)
    assert (proc.process_id, proc.name) == ("simple", "Test process")
    assert proc.elements["task"]["type"] == "userTask"
    assert proc.elements["task"]["line"] == line_of(text, 'id="task"')
    assert len(proc.content_hash) == 64
    assert proc.content_hash == again[0].content_hash == elsewhere[0].content_hash
    changed = validate_bundle(
        load_bundle([write(tmp_path / "a", "simple.bpmn", text.replace('name="Do it"', 'name="Do that"'))])
    )
    assert changed[0].content_hash != proc.content_hash


def test_a_form_change_changes_the_hash_of_the_processes_using_it(tmp_path):
    path = write(tmp_path, "p.bpmn", bpmn(LINEAR.replace('name="Do it">', 'camunda:formKey="intake">')))
    form = {"id": "intake", "components": [{"type": "textfield", "key": "subject"}]}
    write(tmp_path, "forms/intake.json", json.dumps(form))
    [before] = validate_bundle(load_bundle([path], tmp_path / "forms"))
    assert before.forms == {"intake": form}
    form["components"][0]["validate"] = {"required": True}
    write(tmp_path, "forms/intake.json", json.dumps(form))
    [after] = validate_bundle(load_bundle([path], tmp_path / "forms"))
    assert after.content_hash != before.content_hash


# --- deploying -------------------------------------------------------------------------------------------

CAMUNDA = HEAD.format(pid="camunda_flow") + (
    """    <bpmn:laneSet id="lanes">
      <bpmn:lane id="triage_team" name="Triage team">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
"""
    + START
    + """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Review" camunda:formKey="review_form">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""
    + TAIL
)
REVIEW_FORM = {"id": "review_form", "components": [{"type": "textfield", "key": "verdict"}]}


def test_identical_deploy_is_a_no_op_and_a_change_is_version_2(service, tmp_path):
    path = write(tmp_path, "simple.bpmn", bpmn(LINEAR, pid="simple"))
    [first] = deploy(service, path)
    [same] = deploy(service, path)
    assert (first.process_id, first.version, first.created) == ("simple", 1, True)
    assert (same.version, same.version_id, same.created) == (1, first.version_id, False)
    write(tmp_path, "simple.bpmn", bpmn(LINEAR.replace("Do it", "Do it now"), pid="simple"))
    [second] = deploy(service, path)
    assert (second.version, second.created) == (2, True) and second.version_id != first.version_id
    [again] = deploy(service, path)
    assert (again.version, again.created) == (2, False)


def test_camunda_form_key_and_lane_ids_reach_the_task(service, tmp_path):
    path = write(tmp_path, "camunda_flow.bpmn", CAMUNDA)
    write(tmp_path, "forms/review_form.json", json.dumps(REVIEW_FORM))
    deploy(service, path, forms=tmp_path / "forms")
    tina = make_user(service, "tina", "triage_team")
    started = service.start_case("camunda_flow", {}, tina)
    [task] = queries.case_detail(service, started.reference).tasks
    assert (task.bpmn_id, task.form_id, task.group_id) == ("review", "review_form", "triage_team")
    done = service.complete_task(task.id, {"verdict": "upheld"}, tina)
    assert done.status == "closed"
    assert queries.case_detail(service, started.reference).data["verdict"] == "upheld"
