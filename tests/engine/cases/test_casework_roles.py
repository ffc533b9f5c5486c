"""Who may work a task: casework roles in the task's group; a lane-less task belongs to the default group."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.cases.queries import task_page
from engine.core.errors import FormInvalid, PermissionDenied
from tests.support.builders import FIXTURES, START, deploy, make_user

DEFAULT_GROUP = "handlers"  # the named group of lane-less tasks (engine.core.actors.DEFAULT_GROUP)


@pytest.fixture
def lane_less(service):
    """`timed.bpmn` draws its user task in no lane."""
    deploy(service, FIXTURES / "processes" / "timed.bpmn")
    handler = make_user(service, "hana", DEFAULT_GROUP)
    due = (START + dt.timedelta(days=3)).isoformat()
    started = service.start_case("timed", {"timer_due": due}, handler)
    return service, started.tasks[0]


@pytest.mark.parametrize("role", ["auditor", "process_owner", "provider", "integration"])
def test_read_only_roles_never_claim_or_complete(lane_less, role):
    service, task = lane_less
    # Even a member of the task's group may not work it without a casework role.
    reader = make_user(service, f"r-{role}", DEFAULT_GROUP, roles=(role,))
    with pytest.raises(PermissionDenied):
        service.claim_task(task.id, reader)
    with pytest.raises(PermissionDenied):
        service.complete_task(task.id, {}, reader)
    items, total = task_page(service, groups=frozenset(), username=reader.username)
    assert total == 0 or all(item["group_id"] == DEFAULT_GROUP for item in items)


def test_a_lane_less_task_belongs_to_the_default_group(lane_less):
    service, task = lane_less
    assert task.group_id == DEFAULT_GROUP
    outsider = make_user(service, "sam", "safety")
    with pytest.raises(PermissionDenied):
        service.claim_task(task.id, outsider)
    items, total = task_page(service, groups=outsider.groups, username="sam")
    assert (items, total) == ([], 0)
    handler = make_user(service, "hana", DEFAULT_GROUP)
    items, total = task_page(service, groups=handler.groups, username="hana")
    assert total == 1 and items[0].group_id == DEFAULT_GROUP
    service.claim_task(task.id, handler)


def test_tasks_are_assigned_only_to_people_who_do_casework(lane_less):
    service, task = lane_less
    boss = make_user(service, "sue", DEFAULT_GROUP, roles=("supervisor",))
    make_user(service, "audrey", DEFAULT_GROUP, roles=("auditor",))
    with pytest.raises(FormInvalid):
        service.assign_task(task.id, "audrey", boss, "cover")
    service.assign_task(task.id, "sue", boss, "cover")
