"""A case whose process code goes over its budget: that step fails, naming the element; nothing is written."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from engine.cases.tables import AuditEvent, Case
from engine.core.actors import Actor
from engine.core.errors import ProcessInvalid, WorkflowFailed
from tests.support.builders import deploy
from tests.support.scripted import decided_at_start, deploy_scripted, scripted_at_start

STARTER = Actor("starter", roles=frozenset({"handler"}))


def count(service, model) -> int:
    with service.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("x = 10 ** 10 ** 10", "an integer over 10,000 bits"),
        ("while True:\n    pass", "more than 1,000,000 loop steps"),
    ],
)
def test_a_case_start_over_budget_fails_naming_the_element(service, tmp_path, script, reason):
    pid = deploy_scripted(service, tmp_path, script)
    started = time.monotonic()
    with pytest.raises(WorkflowFailed) as err:
        service.start_case(pid, {}, STARTER)
    assert time.monotonic() - started < 3.0
    assert err.value.element == "fee"
    assert "in 'Work out the fee'" in err.value.detail
    assert f"over the process code budget: {reason}" in err.value.detail
    assert count(service, Case) == 0 and count(service, AuditEvent) == 0


def test_a_class_in_a_script_is_refused_at_deploy(service, tmp_path):
    with pytest.raises(ProcessInvalid) as err:
        deploy(service, scripted_at_start(tmp_path, "class A:\n    pass"))
    (problem,) = err.value.problems
    assert problem.element == "fee"
    assert "classes are not allowed in process code" in problem.message


def test_a_decision_cell_over_budget_fails_naming_the_element(service, tmp_path):
    deploy(service, *decided_at_start(tmp_path, "> 10 ** 10 ** 10"))
    with pytest.raises(WorkflowFailed) as err:
        service.start_case("decided", {"amount": 5}, STARTER)
    assert err.value.element == "band"
    assert "over the process code budget: an integer over 10,000 bits" in err.value.detail
    assert count(service, Case) == 0
