"""The inbox query: due times derived from the case's deadlines, overdue first, filters, search, pages, and a
number of statements that does not grow with the page."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.cases.inbox import InboxFilters, inbox
from engine.store.db import StatementCounter
from tests.support.builders import FIXTURES, deploy
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def _file(desk: Desk, name: str, subject: str, **more) -> str:
    return desk.file(
        complainant={"name": name, "email": "c@example.org", "language": "en"}, subject=subject, **more
    )


@pytest.fixture
def three(desk):
    """Three complaints filed a day apart (Monday to Wednesday), each waiting to be acknowledged."""
    refs = []
    for name, subject, more in (
        ("Ada Lovelace", "Fee charged twice", {}),
        ("Élodie Durand", "Card blocked abroad", {"description": "Mon compte est BLOQUÉ depuis lundi."}),
        ("Grace Hopper", "Late statement", {}),
    ):
        if refs:
            desk.clock.advance(days=1)  # acknowledgements fall due at the end of the next working day
        refs.append(_file(desk, name, subject, **more))
    return refs


def test_due_time_comes_from_the_earliest_open_deadline(desk, three):
    page = inbox(desk.service, desk.handler)
    assert page.total == 3 and [i.reference for i in page.items] == three
    for item in page.items:
        assert item.due_source == "deadline"
        assert item.due_at == min(desk.due(item.reference).values())
        assert item.seconds_left == (item.due_at - desk.clock.now()).total_seconds()
        assert item.overdue == (item.due_at < desk.clock.now()) and item.summary["subject"]
    assert inbox(desk.service, desk.safety).total == 0  # another group's queue


def test_overdue_first_then_by_due_time(desk, three):
    desk.clock.set(desk.due(three[1])["acknowledge"] + dt.timedelta(hours=1))  # Wednesday evening
    page = inbox(desk.service, desk.handler)
    assert [(i.reference, i.overdue) for i in page.items] == [
        (three[0], True),
        (three[1], True),
        (three[2], False),
    ]
    assert page.items[0].seconds_left < page.items[1].seconds_left < 0 < page.items[2].seconds_left
    late = inbox(desk.service, desk.handler, InboxFilters(overdue=True))
    assert [i.reference for i in late.items] == three[:2]
    on_time = inbox(desk.service, desk.handler, InboxFilters(overdue=False))
    assert [i.reference for i in on_time.items] == three[2:]


def test_filters_by_stage_status_process_and_profile(desk, three):
    desk.complete(three[0], "acknowledgement")
    stage = desk.case(three[0]).stage
    assert stage != desk.case(three[1]).stage
    only = inbox(desk.service, desk.handler, InboxFilters(stage=stage))
    assert [i.reference for i in only.items] == [three[0]]
    assert inbox(desk.service, desk.handler, InboxFilters(status="open")).total == 3
    assert inbox(desk.service, desk.handler, InboxFilters(status="closed")).total == 0
    assert inbox(desk.service, desk.handler, InboxFilters(process_id="complaint_handling")).total == 3
    assert inbox(desk.service, desk.handler, InboxFilters(process_id="dispute_resolution")).total == 0
    profile = desk.case(three[0]).sla.profile
    assert inbox(desk.service, desk.handler, InboxFilters(sla_profile=profile)).total == 3
    assert inbox(desk.service, desk.handler, InboxFilters(sla_profile="no_such_profile")).total == 0


@pytest.mark.parametrize(
    ("words", "which"),
    [
        ("ada LOVELACE", 0),  # the complainant's name, any case
        ("élodie", 1),  # not ASCII: casefolded on both databases
        ("ÉLODIE DURAND", 1),
        ("bloqué depuis", 1),  # the description (a search-only field)
        ("late STATEMENT", 2),  # the subject
    ],
)
def test_search_by_name_subject_and_description(desk, three, words, which):
    page = inbox(desk.service, desk.handler, InboxFilters(search=words))
    assert [i.reference for i in page.items] == [three[which]]


def test_search_by_reference_and_wildcards_are_plain_text(desk, three):
    ref = three[2]
    assert [
        i.reference for i in inbox(desk.service, desk.handler, InboxFilters(search=ref.lower())).items
    ] == [ref]
    partial = inbox(desk.service, desk.handler, InboxFilters(search=ref[-6:].lower()))  # a part: searched
    assert [i.reference for i in partial.items] == [ref]
    assert inbox(desk.service, desk.handler, InboxFilters(search="%")).total == 0
    # As a wildcard `_` would find "Fee charged twice".
    assert inbox(desk.service, desk.handler, InboxFilters(search="fee_charged")).total == 0


def test_pages_with_a_total(desk, three):
    first = inbox(desk.service, desk.handler, page=1, page_size=2)
    second = inbox(desk.service, desk.handler, page=2, page_size=2)
    beyond = inbox(desk.service, desk.handler, page=3, page_size=2)
    assert (first.total, second.total, beyond.total) == (3, 3, 3)
    assert [i.reference for i in first.items + second.items] == three and beyond.items == []


def test_mine_and_tasks_held_by_others(desk, three, service):
    colleague = desk._person("carl", "handlers")
    task = desk.task(three[0], "acknowledgement")
    service.claim_task(task.id, colleague)
    assert three[0] not in [i.reference for i in inbox(service, desk.handler).items]
    mine = inbox(service, colleague, InboxFilters(mine=True))
    assert [(i.reference, i.assignee) for i in mine.items] == [(three[0], "carl")]


def test_statements_per_page_do_not_grow_with_the_rows(desk, service):
    for n in range(50):
        desk.file(subject=f"Complaint {n}")
    with StatementCounter(service.db) as five:
        small = inbox(service, desk.handler, page_size=5)
    with StatementCounter(service.db) as fifty:
        big = inbox(service, desk.handler, page_size=50)
    assert (len(small.items), len(big.items), big.total) == (5, 50, 50)
    # The page and the total; the same two for 5 rows or 50.
    assert five.statements == fifty.statements == 2, (five.log, fifty.log)
    with StatementCounter(service.db) as past_the_end:
        assert inbox(service, desk.handler, page=99, page_size=5).total == 50
    # A page the dated tasks do not fill is read again with the undated ones: one more, never more.
    assert past_the_end.statements == 3


def test_undated_tasks_come_last_and_pages_reach_them(desk, three, service):
    deploy(service, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
    undated = service.start_case("lifecycle", {"subject": "no deadlines here"}, desk.handler).reference
    page = inbox(service, desk.handler)
    assert [i.reference for i in page.items] == [*three, undated]
    assert (page.items[-1].due_at, page.items[-1].due_source, page.items[-1].overdue) == (None, None, False)
    second = inbox(service, desk.handler, page=2, page_size=3)
    assert [i.reference for i in second.items] == [undated] and second.total == 4
    assert undated not in [
        i.reference for i in inbox(service, desk.handler, InboxFilters(overdue=True)).items
    ]
    assert undated in [i.reference for i in inbox(service, desk.handler, InboxFilters(overdue=False)).items]
