"""A case's path through its diagram, read from the workflow's task tree: what the case page highlights."""

from __future__ import annotations

import pytest

from engine.cases import case_page, progress
from engine.core.errors import NotFound
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock):
    return Desk(service, clock)


def test_the_path_taken_the_current_task_and_the_deadlines_waited_for(desk):
    ref = desk.acknowledged()
    desk.complete(ref, "assessment")
    found = progress.diagram(desk.service, ref)
    p = found.progress
    assert p.current == ("investigate",)
    assert {"start", "init_case", "acknowledgement", "record_acknowledgement", "assess"} <= set(p.completed)
    assert "investigate" not in p.completed and "response" not in p.completed
    # the flows taken are named by their ids in the BPMN file
    assert any(f'<bpmn:sequenceFlow id="{f}"' in found.xml for f in p.completed)
    # the boundary events of 'investigate' that catch deadlines carry the deadlines' due times
    due = desk.due(ref)
    timers = {t.element_id: t for t in p.timers}
    assert timers["investigate_deadline"].due_at == due["final_response"]
    assert timers["investigate_holding"].deadline == "holding_reply"
    assert f'id="{p.process_id}"' in found.xml


def test_only_the_branch_taken_is_done(desk):
    ref = desk.decided()
    desk.tell(ref, "complainant_accept", {"reason": "fine"})
    p = progress.diagram(desk.service, ref).progress
    done = set(p.completed)
    assert "investigate" in done and "request_information" not in done  # the branch not taken
    assert "immediate_action" not in done


def test_unknown_references_are_not_found(desk):
    with pytest.raises(NotFound):
        progress.diagram(desk.service, "CMP-2026-ZZZZZZZZ")
    with pytest.raises(NotFound):
        case_page.read(desk.service, "CMP-2026-ZZZZZZZZ")


def test_the_case_page_names_elements_as_the_diagram_does(desk):
    ref = desk.acknowledged()
    page = case_page.read(desk.service, ref)
    assert page.element_names["acknowledgement"] == "Acknowledge complaint"
    assert page.detail.reference == ref and page.letters == () and page.attachments == ()
