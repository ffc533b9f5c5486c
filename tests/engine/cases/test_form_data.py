"""A task's form is judged with the data the task opened with, and its values join the case's data."""

from __future__ import annotations

import json
import shutil

import pytest

from engine.cases import queries
from engine.core.errors import FormInvalid
from tests.support.builders import FIXTURES, deploy


@pytest.fixture
def keyed(service, tmp_path):
    """The lifecycle process with an assessment form whose categories come from the case (valuesKey) and
    whose email sits in a group with a path."""
    form = json.loads((FIXTURES / "forms" / "assess_form.json").read_text())
    components = [c for c in form["components"] if c.get("key") not in {"category", "complainant.email"}]
    components.append({"type": "select", "key": "category", "label": "Category", "valuesKey": "categories"})
    components.append(
        {"type": "group", "path": "complainant", "components": [{"type": "textfield", "key": "email"}]}
    )
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "assess_form.json").write_text(json.dumps({**form, "components": components}))
    shutil.copy(FIXTURES / "processes" / "lifecycle.bpmn", tmp_path / "lifecycle.bpmn")
    deploy(service, tmp_path / "lifecycle.bpmn", forms=tmp_path / "forms")
    return service


START = {"categories": ["fees", "service"], "complainant": {"name": "Ann", "email": "old@example.org"}}
ANSWER = {"subject": "Fee charged twice", "severity_points": 3}


def test_options_of_a_task_form_come_from_the_case_data(keyed, handler):
    started = keyed.start_case("lifecycle", START, handler)
    with pytest.raises(FormInvalid) as err:
        keyed.complete_task(started.tasks[0].id, {**ANSWER, "category": "fraud"}, handler)
    assert err.value.errors == {"category": ["Choose one of: fees, service."]}
    keyed.complete_task(started.tasks[0].id, {**ANSWER, "category": "service"}, handler)
    assert queries.case_detail(keyed, started.reference).data["category"] == "service"


def test_a_group_of_a_task_form_changes_its_fields_and_keeps_the_others(keyed, handler):
    started = keyed.start_case("lifecycle", START, handler)
    answer = {**ANSWER, "category": "fees", "complainant": {"email": "new@example.org"}}
    keyed.complete_task(started.tasks[0].id, answer, handler)
    data = queries.case_detail(keyed, started.reference).data
    assert data["complainant"] == {"name": "Ann", "email": "new@example.org"}
