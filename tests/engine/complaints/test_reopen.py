"""Reopening a closed complaint: a new case linked to the original, within the period after closure only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.cases.tables import CaseLink
from engine.complaints import reopen
from engine.core.errors import FormInvalid, PermissionDenied
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def closed(desk: Desk) -> str:
    ref = desk.decided()
    desk.tell(ref, "complainant_accept", {"comment": "Thank you."})
    desk.complete(ref, "closing", survey_opt_out=True)
    assert desk.state(ref)[0] == "closed"
    return ref


def test_a_supervisor_reopens_a_closed_complaint_as_a_new_linked_case(desk):
    original = closed(desk)
    desk.clock.advance(days=29)
    result = reopen.reopen(desk.service, original, desk.supervisor, "The refund never arrived.")
    assert result.reference != original and result.status == "open"

    new = desk.case(result.reference)
    assert new.data["reopened_from"] == original
    assert new.data["complainant"]["email"] == "ada@example.org"  # the intake details carried over
    assert new.data["received_by"] == desk.supervisor.username
    assert [(x["relation"], x["reference"]) for x in new.case_links] == [("reopened_from", original)]
    assert [t.bpmn_id for t in new.tasks] == ["acknowledgement"]  # handled from the start again

    old = desk.case(original)
    assert (old.status, old.outcome) == ("closed", "partly_upheld")  # the original stays closed
    assert [(x["relation"], x["reference"]) for x in old.case_links] == [("reopened_as", result.reference)]
    assert old.history[-1].action == "reopened"
    assert old.history[-1].detail["reopened_as"] == result.reference
    with desk.service.db.read() as session:  # what a measure counts
        assert session.scalar(select(func.count()).where(CaseLink.kind == "reopened_from")) == 1


def test_reopening_is_refused_outside_the_period_for_open_cases_and_twice(desk, monkeypatch):
    original = closed(desk)
    with pytest.raises(reopen.ReopenRefused, match="open"):
        reopen.reopen(desk.service, desk.file(), desk.supervisor, "Why not")
    desk.clock.advance(days=31)
    with pytest.raises(reopen.ReopenRefused, match="within 30 days"):
        reopen.reopen(desk.service, original, desk.supervisor, "Too late")
    monkeypatch.setenv("REDRESSAL_REOPEN_DAYS", "45")
    reopened = reopen.reopen(desk.service, original, desk.supervisor, "Still in time").reference
    with pytest.raises(reopen.ReopenRefused, match=f"reopened already as {reopened}"):
        reopen.reopen(desk.service, original, desk.supervisor, "Again")


def test_only_supervisors_reopen_and_they_say_why(desk):
    original = closed(desk)
    with pytest.raises(PermissionDenied):
        reopen.reopen(desk.service, original, desk.handler, "A handler may not")
    with pytest.raises(FormInvalid) as refused:
        reopen.reopen(desk.service, original, desk.supervisor, "  ")
    assert "reason" in refused.value.errors
