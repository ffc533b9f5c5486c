"""Refusals say what to write: each kind of file SpiffWorkflow 3.2 refuses, or runs differently from what it
says, gets a sentence naming the file, the element and what to write instead. One small file per kind, in
tests/fixtures/refusals/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.core.errors import Problem, ProcessInvalid
from engine.registry import load_bundle, validate_bundle
from engine.registry.refusals import reword
from tests.support.builders import FIXTURES, ROOT

REFUSALS = FIXTURES / "refusals"
REDRESSAL = Path(sys.executable).parent / "redressal"


def problems(name: str) -> list[Problem]:
    """The problems of tests/fixtures/refusals/NAME.bpmn (with NAME.dmn beside it when there is one)."""
    paths = [REFUSALS / f"{name}.bpmn"] + (
        [REFUSALS / f"{name}.dmn"] if (REFUSALS / f"{name}.dmn").exists() else []
    )
    with pytest.raises(ProcessInvalid) as err:
        validate_bundle(load_bundle(paths))
    return err.value.problems


def the_problem(name: str, element: str) -> str:
    """The one problem of the file, checked to name the file, the element and its line; its message."""
    [problem] = problems(name)
    assert problem.file == str(REFUSALS / f"{name}.bpmn")
    assert problem.element == element and problem.line, problem
    assert "0x" not in problem.message and "Error(" not in problem.message, problem.message
    return problem.message


def test_a_service_task_says_there_are_no_services_and_what_to_draw_instead():
    message = the_problem("service_task_without_operator", "charge_card")
    assert "must have an operator" not in message
    assert message.startswith("is a service task, and this engine calls no services")
    assert 'camunda:class="com.example.ChargeCard" is not run here' in message
    assert "script task" in message and "user task" in message


def test_a_timer_without_a_time_says_how_to_write_one():
    message = the_problem("timer_without_time", "wait_a_day")
    assert "Unknown Time Specification" not in message
    assert "timeDate" in message and '"P3D"' in message and "deadline(" in message


@pytest.mark.parametrize(
    ("name", "element", "start"),
    [
        ("data_output_unresolved", "record", "writes to 'missing_store'"),
        ("data_input_unresolved", "read", "reads from 'missing_object'"),
    ],
)
def test_a_data_association_that_does_not_resolve_names_the_reference(name, element, start):
    message = the_problem(name, element)
    assert message.startswith(start)
    assert "Cannot resolve" not in message and "<Element" not in message
    assert "bpmn:dataObjectReference" in message


@pytest.mark.parametrize("kind", ["message", "signal", "error", "escalation"])
def test_an_event_reference_that_does_not_resolve_says_what_to_add(kind):
    element = "fail" if kind == "error" else "wait_for_it"
    message = the_problem(f"{kind}_reference_unresolved", element)
    assert "raise_validation_exception" not in message
    assert message.startswith(f'its {kind} event refers to {kind}Ref="no_such_{kind}"')
    assert f'add <bpmn:{kind} id="no_such_{kind}"' in message


def test_a_juel_condition_is_answered_with_its_python():
    message = the_problem("juel_condition", "f_holiday")
    assert "SyntaxError" not in message
    assert message.endswith("write Python: `isHoliday`")


@pytest.mark.parametrize(
    ("juel", "python"),
    [
        ("${isHoliday}", "isHoliday"),
        ("${amount > 1000 && !approved}", "amount > 1000 and not approved"),
        ("#{status eq 'open' || empty owner}", "status == 'open' or not owner"),
    ],
)
def test_juel_operators_become_python(juel, python):
    from engine.registry.lint import juel_as_python

    assert juel_as_python(juel) == python


def test_an_embedded_camunda_form_is_refused_with_what_to_write():
    message = the_problem("camunda_embedded_form", "review")
    assert "no forms/" not in message
    assert 'camunda:formKey="embedded:app:forms/review.html"' in message
    assert 'save it as forms/review.json and write camunda:formKey="review"' in message


def test_a_dmn_literal_expression_is_refused_in_the_dmn_and_where_it_is_called():
    found = {(Path(p.file).name, p.element): p.message for p in problems("dmn_literal_expression")}
    assert set(found) == {
        ("dmn_literal_expression.dmn", "discount"),
        ("dmn_literal_expression.bpmn", "decide"),
    }
    assert "has a literalExpression" in found["dmn_literal_expression.dmn", "discount"]
    assert "IndexError" not in " ".join(found.values())
    assert "calls the decision 'discount'" in found["dmn_literal_expression.bpmn", "decide"]


def test_a_dmn_decision_graph_is_refused_with_one_file_per_decision():
    found = {(Path(p.file).name, p.element): p.message for p in problems("dmn_decision_graph")}
    assert set(found) == {("dmn_decision_graph.dmn", "approver"), ("dmn_decision_graph.bpmn", "decide")}
    assert "one decision per DMN file" in found["dmn_decision_graph.dmn", "approver"]
    assert "'list' object" not in " ".join(found.values())


def test_camunda_attributes_the_engine_ignores_are_warnings_and_deploy_goes_on():
    [parsed] = validate_bundle(load_bundle([REFUSALS / "camunda_assignee.bpmn"]))
    warnings = {(w.element, w.message.split(" is ignored")[0]) for w in parsed.warnings}
    assert warnings == {
        ("start", 'camunda:initiator="initiator"'),
        ("review", 'camunda:assignee="${initiator}"'),
        ("review", 'camunda:candidateGroups="reviewers"'),
    }
    assignee = next(w for w in parsed.warnings if "assignee" in w.message)
    assert "lane" in assignee.message and assignee.line


def test_validate_prints_warnings_and_succeeds(tmp_path):
    env = {"REDRESSAL_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [str(REDRESSAL), "processes", "validate", str(REFUSALS / "camunda_assignee.bpmn")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok camunda_assignee")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("warning: ") for line in lines), lines


def test_nothing_in_the_fixtures_crashes():
    """Every file is either valid or refused with located sentences: never another exception."""
    for path in sorted(REFUSALS.glob("*.bpmn")):
        paths = [path] + ([path.with_suffix(".dmn")] if path.with_suffix(".dmn").exists() else [])
        try:
            validate_bundle(load_bundle(paths))
        except ProcessInvalid as exc:
            assert all(p.file and p.element for p in exc.problems), [str(p) for p in exc.problems]


def test_an_unknown_error_keeps_spiffworkflows_words_without_object_addresses():
    message = reword("KeyError('x')", None)
    assert message.startswith("SpiffWorkflow 3.2 cannot read this element (KeyError('x'))")
    text = "Odd thing at <Element {http://www.omg.org/spec/BPMN/20100524/MODEL}targetRef at 0x7f20382f2a00>"
    assert reword(text, None) == "Odd thing at bpmn:targetRef"


def test_a_camunda_form_reference_says_to_save_it_as_form_js():
    from engine.registry.lint import form_key_problem

    message = form_key_problem("camunda-forms:deployment:review.form")
    assert message.endswith(
        'save it as forms/review.json (its "id" "review") and write camunda:formKey="review"'
    )
    assert form_key_problem("review") is None


@pytest.mark.parametrize(
    ("name", "element", "start", "spiff"),
    [
        (
            "loop_without_condition",
            "task",
            "is a loop task without a condition",
            "loopMaximum or loopCondition must",
        ),
        ("multi_instance_without_count", "task", "is a multi-instance task", "A multiinstance task must"),
        ("camunda_decision_ref", "task", "is a business rule task that names no decision", "No DMN Diagram"),
    ],
)
def test_loops_and_decisions_say_what_to_write(name, element, start, spiff):
    message = the_problem(name, element)
    assert message.startswith(start) and spiff not in message


def test_a_data_store_names_the_store_and_where_to_keep_the_data():
    message = the_problem("data_store_without_implementation", "ledger")
    assert message.startswith("uses the data store 'Ledger', which has no implementation in this engine")


def test_a_script_in_another_language_says_to_write_python():
    message = the_problem("groovy_script", "greet")
    assert "SyntaxError" not in message
    assert message.startswith('the script is groovy (scriptFormat="groovy"), but scripts here are Python')


def test_a_cron_timer_says_to_write_an_iso_interval():
    message = the_problem("cron_timer", "every_five_minutes")
    assert "SyntaxError" not in message
    assert "is a cron expression" in message and '"R/PT5M"' in message
