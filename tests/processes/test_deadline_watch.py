"""The engine watches every deadline of the case's profile, wherever the complaint waits.

A complaint left untouched is driven by the clock alone: each deadline of its profile is breached once, in
order, staff are reminded again and again until it is met, and the breach of the final response moves the
case on through the diagram's catch of `deadline_passed`. The same complaint worked on time meets them all.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.cases.service import CaseService
from engine.core.errors import PermissionDenied
from engine.timers.tables import Timer
from tests.support.builders import ROOT, START
from tests.support.paths import Desk

JURISDICTION = {"uk_fca": "GB-ENG", "au_asic_standard": "AU"}


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def run_clock(desk: Desk, until: dt.datetime) -> None:
    """Move the clock from one due timer to the next, letting the worker fire each, until `until`."""
    while True:
        with desk.service.db.read() as session:
            due = session.scalar(select(func.min(Timer.due_at)))
        if due is None or due > until:
            desk.clock.set(until)
            desk.worker.tick()
            return
        desk.clock.set(max(due, desk.clock.now()))
        desk.worker.tick()


def breaches(desk: Desk, ref: str) -> list[str]:
    return [e.detail["deadline"] for e in desk.case(ref).history if e.action == "deadline_breached"]


def reminders(desk: Desk, ref: str, deadline: str) -> int:
    return sum(
        1
        for e in desk.case(ref).history
        if e.action == "deadline_reminder" and e.detail["deadline"] == deadline
    )


@pytest.mark.parametrize("profile", ["uk_fca", "au_asic_standard"])
def test_an_untouched_complaint_breaches_every_deadline_in_order(desk, profile):
    ref = desk.file(jurisdiction=JURISDICTION[profile], category="fees_and_charges")
    assert desk.case(ref).data["sla_profile"] == profile
    records = desk.deadlines(ref)
    receipt = ["acknowledge", "summary_resolution", "holding_reply", "final_response"]
    assert sorted(records) == sorted(receipt)  # the others count from events that never happen
    due = {name: r.due_at for name, r in records.items()}
    final = due["final_response"]

    run_clock(desk, final + dt.timedelta(days=1))

    fired = breaches(desk, ref)
    assert sorted(fired) == sorted(receipt)  # each once
    assert [due[n] for n in fired] == sorted(due[n] for n in fired)  # in the order they fell due
    records = desk.deadlines(ref)
    for name in receipt:
        assert records[name].breached_at == due[name] and records[name].met_at is None, name
    assert reminders(desk, ref, "acknowledge") >= 10  # daily until acknowledged, which never happens
    assert reminders(desk, ref, "final_response") >= 2
    # The final response passed while the complaint waited at its acknowledgement: the diagram's catch of
    # deadline_passed sent the referral letter and started the dispute.
    case = desk.case(ref)
    assert case.status == "escalated" and case.data["escalation_reason"] == "final_response_deadline_missed"
    assert "dispute_referral_letter" in desk.letters(ref)
    mails = {template for template, to in desk.staff_mails(ref) if to == "sam@staff.example"}
    assert {"deadline_warning", "staff_reminder", "staff_escalation"} <= mails
    shown = {d.name: d.status for d in case.deadlines}
    assert shown == dict.fromkeys(receipt, "breached")


@pytest.mark.parametrize("profile", ["uk_fca", "au_asic_standard"])
def test_the_same_complaint_worked_on_time_meets_every_deadline(desk, profile):
    ref = desk.file(jurisdiction=JURISDICTION[profile], category="fees_and_charges")
    desk.wait(hours=2)
    desk.complete(ref, "acknowledgement")
    desk.wait(hours=2)
    desk.complete(ref, "assessment")
    desk.complete(ref, "investigation")
    desk.complete(ref, "response")
    desk.wait(hours=2)
    desk.complete(ref, "decision_letter")
    assert "complainant_reply" in desk.deadlines(ref)  # armed when the decision went out
    desk.wait(days=2)
    desk.tell(ref, "complainant_accept", {"comment": "Thank you."})
    desk.complete(ref, "closing")
    run_clock(desk, START + dt.timedelta(weeks=10))

    records = desk.deadlines(ref)
    assert set(records) == {
        "acknowledge", "summary_resolution", "holding_reply", "final_response", "complainant_reply",
    }  # fmt: skip
    for name, record in records.items():
        assert record.met_at is not None and record.met_at <= record.due_at and record.breached_at is None, (
            name
        )
    assert breaches(desk, ref) == []
    assert "staff_escalation" not in {t for t, _ in desk.staff_mails(ref)}
    assert {d.status for d in desk.case(ref).deadlines} == {"met"}
    with desk.service.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0


def one_minute_profiles(tmp_path: Path) -> str:
    """The shipped profiles with every duration and repeat at one minute."""
    text = (ROOT / "processes" / "sla_profiles.toml").read_text()
    text = re.sub(r'(duration|repeat) = "[^"]+"', r'\1 = "PT1M"', text)
    path = tmp_path / "one_minute.toml"
    path.write_text(text)
    return str(path)


def test_one_minute_deadlines_left_untouched_remind_again_and_are_breached_not_met(db, clock, tmp_path):
    """The finding: one reminder fired, then nothing; `acknowledge` was recorded met by its reminder."""
    desk = Desk(CaseService(db, clock, sla_profiles=one_minute_profiles(tmp_path)), clock)
    ref = desk.file()
    for _ in range(10):
        desk.wait(minutes=1)
    acknowledge = desk.deadlines(ref)["acknowledge"]
    assert acknowledge.met_at is None and acknowledge.breached_at is not None
    assert reminders(desk, ref, "acknowledge") >= 5
    assert desk.case(ref).status == "escalated"  # the final response passed while it waited
    assert [t for t, to in desk.staff_mails(ref) if to == "sam@staff.example"].count("staff_reminder") >= 5


def test_nobody_but_the_engine_delivers_deadline_passed(desk):
    ref = desk.file()
    with pytest.raises(PermissionDenied):
        desk.tell(ref, "deadline_passed", {"deadline": "final_response"}, as_=desk.handler)
