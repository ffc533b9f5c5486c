"""Supervisors: reassign with a reason, send a task back, breaches and near breaches, workload."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.cases import queries, supervision
from engine.core.errors import ConflictError, FormInvalid, PermissionDenied
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def test_reassign_with_a_reason_is_recorded(desk):
    carl = desk._person("carl", "handlers")
    ref = desk.file()
    task = desk.task(ref, "acknowledgement")
    with pytest.raises(PermissionDenied):
        supervision.reassign(desk.service, task.id, "carl", desk.handler, "cover")
    with pytest.raises(FormInvalid) as no_reason:
        supervision.reassign(desk.service, task.id, "carl", desk.supervisor, "  ")
    assert list(no_reason.value.errors) == ["reason"]
    desk.service.claim_task(task.id, desk.handler)
    supervision.reassign(desk.service, task.id, "carl", desk.supervisor, "Hana is on leave")
    assert desk.task(ref, "acknowledgement").assignee == carl.username
    (moved,) = supervision.reassignments(desk.service, desk.supervisor, ref)
    assert (moved.action, moved.actor, moved.from_user, moved.to_user, moved.reason) == (
        "assign",
        "sam",
        "hana",
        "carl",
        "Hana is on leave",
    )
    event = next(e for e in desk.case(ref).history if e.action == "assign")
    assert event.detail["reason"] == "Hana is on leave" and event.actor == "sam"


def test_send_back_makes_the_previous_task_current_again(desk):
    ref = desk.file()
    with pytest.raises(ConflictError, match="first task"):
        supervision.send_back(desk.service, desk.task(ref, "acknowledgement").id, desk.supervisor, "x")
    desk.complete(ref, "acknowledgement", handler_contact="Hana Ito, 0300 000 0000")
    assess = desk.task(ref, "assessment")
    desk.service.claim_task(assess.id, desk.handler)
    with pytest.raises(PermissionDenied):
        supervision.send_back(desk.service, assess.id, desk.handler, "Wrong contact")
    supervision.send_back(desk.service, assess.id, desk.supervisor, "The contact number is wrong")
    assert desk.state(ref)[0] == "open"
    tasks = desk.state(ref)[2]
    assert tasks == ["acknowledgement"]
    again = desk.task(ref, "acknowledgement")
    assert again.assignee is None  # re-offered to the group's queue
    detail = queries.task_detail(desk.service, again.id)
    assert detail.values["handler_contact"] == "Hana Ito, 0300 000 0000"  # opens with the answers given
    (back,) = supervision.reassignments(desk.service, desk.supervisor, ref)
    assert (back.action, back.from_user, back.to_user, back.reason) == (
        "send_back",
        "hana",
        "acknowledgement",
        "The contact number is wrong",
    )
    desk.complete(ref, "acknowledgement")  # and the case goes on from there
    assert desk.state(ref)[2] == ["assess"]


def test_breaches_and_near_breaches_from_the_deadline_records(desk):
    early = desk.file()
    desk.clock.advance(days=1)
    later = desk.file()
    ack_early = desk.due(early)["acknowledge"]
    ack_later = desk.due(later)["acknowledge"]
    desk.clock.set(ack_early + dt.timedelta(hours=1))  # the first late, the second due within a day
    with pytest.raises(PermissionDenied):
        supervision.alerts(desk.service, desk.handler)
    rows = supervision.alerts(desk.service, desk.supervisor)
    assert [(r.reference, r.deadline, r.state) for r in rows] == [
        (early, "acknowledge", "breached"),
        (later, "acknowledge", "near"),
    ]
    assert rows[0].due_at == ack_early and rows[0].seconds_left == -3600
    assert rows[1].due_at == ack_later and (rows[1].group_id, rows[1].assignee) == ("handlers", None)
    narrow = supervision.alerts(desk.service, desk.supervisor, near=dt.timedelta(hours=1))
    assert [r.reference for r in narrow] == [early]
    assert supervision.alerts(desk.service, desk.supervisor, group="safety") == []


def test_workload_per_handler_and_group(desk):
    carl = desk._person("carl", "handlers")
    refs = [desk.file() for _ in range(3)]
    desk.service.claim_task(desk.task(refs[0], "acknowledgement").id, carl)
    desk.service.claim_task(desk.task(refs[1], "acknowledgement").id, desk.handler)
    desk.clock.set(desk.due(refs[0])["acknowledge"] + dt.timedelta(minutes=1))
    load = supervision.workload(desk.service, desk.supervisor)
    assert [(w.key, w.open, w.overdue, w.claimed) for w in load["groups"]] == [("handlers", 3, 3, 2)]
    assert [(w.key, w.open, w.overdue, w.claimed) for w in load["handlers"]] == [
        ("carl", 1, 1, 1),
        ("hana", 1, 1, 1),
    ]
    assert supervision.workload(desk.service, desk.supervisor, frozenset({"safety"}))["groups"] == []
    with pytest.raises(PermissionDenied):
        supervision.workload(desk.service, desk.handler)
