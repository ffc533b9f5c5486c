"""Objectivity (ISO 10002 clause 4): staff the complaint names as involved are not offered its tasks and may
not claim, complete or be given one; supervisors see why."""

from __future__ import annotations

import pytest

from engine.cases import involvement, supervision
from engine.cases.inbox import inbox
from engine.core.errors import FormInvalid, PermissionDenied
from engine.identity.users import add_user, load_actor
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def person(desk: Desk, username: str, display_name: str, *groups: str, roles=("handler",)):
    with desk.service.db.write() as session:
        add_user(
            session, desk.clock, username, roles=list(roles), groups=list(groups), display_name=display_name
        )
    with desk.service.db.read() as session:
        return load_actor(session, username)


@pytest.fixture
def carl(desk):
    return person(desk, "carl", "Carl Jones", "handlers")


def refs(page):
    return [i.reference for i in page.items]


def test_the_complaint_names_staff_by_display_name_or_username(desk, carl):
    person(desk, "jsmith", "John Smith", "handlers")
    person(desk, "carla", "Carla Jonesy", "handlers")  # a longer name that contains "Carl Jones"
    person(desk, "a.k", "Alice", "handlers")  # one word: a display name alone never names anyone
    ref = desk.file(staff_involved="CARL JONES at the Leeds branch, and also JSmith; Alice was kind")
    named = involvement.of_case(desk.service, ref)
    assert [(i.username, i.source, i.reason) for i in named] == [
        ("carl", "complaint", "named as involved in the complaint"),
        ("jsmith", "complaint", "named as involved in the complaint"),
    ]
    start = [e for e in desk.case(ref).history if e.action == "involvement_recorded"]
    assert start[0].detail == {"source": "complaint", "usernames": ["carl", "jsmith"]}
    assert involvement.of_case(desk.service, desk.file(staff_involved="Mr Jones at the branch")) == []


def test_named_staff_are_not_offered_and_may_not_claim_or_complete(desk, carl):
    ref = desk.file(staff_involved="Carl Jones")
    other = desk.file()
    assert refs(inbox(desk.service, carl)) == [other]
    assert set(refs(inbox(desk.service, desk.handler))) == {ref, other}
    task = desk.task(ref, "acknowledgement")
    with pytest.raises(PermissionDenied, match="named as involved in the complaint"):
        desk.service.claim_task(task.id, carl)
    with pytest.raises(PermissionDenied, match="named as involved in the complaint"):
        desk.complete(ref, "acknowledgement", as_=carl)
    assert desk.case(ref).tasks[0].assignee is None
    with pytest.raises(FormInvalid) as refused:
        desk.service.assign_task(task.id, "carl", desk.supervisor, "cover")
    assert "named as involved" in refused.value.errors["assignee"][0]
    assert supervision.objectivity(desk.service, desk.supervisor, task.id, "carl") == (
        "named as involved in the complaint"
    )
    assert supervision.objectivity(desk.service, desk.supervisor, task.id, "hana") is None
    with pytest.raises(PermissionDenied):
        supervision.objectivity(desk.service, desk.handler, task.id, "carl")
    desk.complete(ref, "acknowledgement")  # hana is not named


def test_staff_record_involvement_and_supervisors_take_it_back(desk, carl):
    ref = desk.file()
    task = desk.task(ref, "acknowledgement")
    with pytest.raises(FormInvalid) as no_note:
        involvement.record(desk.service, ref, "hana", carl, " ")
    assert list(no_note.value.errors) == ["note"]
    with pytest.raises(FormInvalid):
        involvement.record(desk.service, ref, "nobody", carl, "Sold the product")
    named = involvement.record(desk.service, ref, "hana", carl, "Sold the product to the complainant")
    assert [(i.username, i.source, i.recorded_by, i.note) for i in named] == [
        ("hana", "recorded", "carl", "Sold the product to the complainant")
    ]
    assert refs(inbox(desk.service, desk.handler)) == []
    with pytest.raises(PermissionDenied):
        desk.service.claim_task(task.id, desk.handler)
    with pytest.raises(PermissionDenied):
        involvement.withdraw(desk.service, ref, "hana", carl, "wrong person")  # handlers may not
    assert involvement.withdraw(desk.service, ref, "hana", desk.supervisor, "A different Hana") == []
    desk.service.claim_task(task.id, desk.handler)
    actions = [(e.action, e.actor) for e in desk.case(ref).history]
    assert ("involvement_recorded", "carl") in actions and ("involvement_withdrawn", "sam") in actions
