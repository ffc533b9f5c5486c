"""Deadlines in the engine: pauses move internal deadlines only, profile changes re-arm, breaches are kept."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.cases import queries
from engine.cases.tables import AuditEvent, Case
from engine.deadlines.tables import CaseDeadline, CasePause
from engine.letters.tables import Outbox
from engine.timers.tables import Timer
from engine.timers.worker import TimerWorker
from tests.support.builders import FIXTURES, START, deploy, make_user

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def sla(service):
    deploy(service, FIXTURES / "processes" / "sla.bpmn")
    return service


def timers_by_element(service, reference):
    return {t.bpmn_id: t.due_at for t in queries.case_detail(service, reference).timers if t.kind == "bpmn"}


def deadlines(service):
    with service.db.read() as session:
        return {d.name: d for d in session.scalars(select(CaseDeadline))}


def start(service, actor, profile):
    case = service.start_case("sla_case", {"sla_profile": profile, "received_at": START.isoformat()}, actor)
    return case.reference, case.tasks[0].id


def test_pause_moves_the_internal_deadline_but_not_the_regulatory_one(sla, clock, handler):
    ref, assess = start(sla, handler, "uk_fca")  # received Monday 23 November 2026, 09:00
    investigate = sla.complete_task(assess, {}, handler).tasks[0].id
    due = timers_by_element(sla, ref)
    ack_due = dt.datetime(2026, 11, 24, 17, 0, tzinfo=LONDON)  # close of the next business day
    final_due = START + dt.timedelta(weeks=8)
    assert due == {"t_ack": ack_due, "t_final": final_due}
    clock.set(START + dt.timedelta(hours=2))
    paused = sla.complete_task(investigate, {"need_info": True}, handler)
    assert (paused.status, paused.stage) == ("awaiting_complainant", "awaiting_information")
    clock.set(START + dt.timedelta(days=10, hours=2))  # the complainant answers ten days later
    resumed = sla.deliver_message(ref, "complainant_information", {"documents": 2}, handler)
    assert resumed.stage == "investigation"
    due = timers_by_element(sla, ref)
    assert due["t_ack"] == ack_due + dt.timedelta(days=10)  # internal: moved by the paused time
    assert due["t_final"] == final_due  # regulatory (FCA DISP 1.6): unmoved
    with sla.db.read() as session:
        pause = session.scalars(select(CasePause)).one()
        case = session.scalars(select(Case)).one()
    assert (pause.started_at, pause.ended_at) == (START + dt.timedelta(hours=2), clock.now())
    assert case.paused_seconds == 10 * 86400 and case.paused_since is None
    actions = [h.action for h in queries.case_detail(sla, ref).history]
    assert "sla_paused" in actions and "sla_resumed" in actions


def test_default_profile_final_response_is_internal_and_moves(sla, clock, handler):
    ref, assess = start(sla, handler, "default")
    investigate = sla.complete_task(assess, {}, handler).tasks[0].id
    clock.set(START + dt.timedelta(days=1))
    sla.complete_task(investigate, {"need_info": True}, handler)
    clock.set(START + dt.timedelta(days=4))
    sla.deliver_message(ref, "complainant_information", {}, handler)
    assert timers_by_element(sla, ref)["t_final"] == START + dt.timedelta(weeks=8, days=3)


def test_profile_change_at_assessment_re_arms_and_is_recorded(sla, clock, handler):
    ref, assess = start(sla, handler, "default")
    sla.complete_task(assess, {"sla_profile": "au_asic_hardship"}, handler)
    with sla.db.read() as session:
        case = session.scalars(select(Case)).one()
    assert case.sla_profile == "au_asic_hardship" and case.calendar_version
    due = timers_by_element(sla, ref)
    assert due["t_final"] == START + dt.timedelta(days=21)  # RG 271 hardship: 21 days
    history = queries.case_detail(sla, ref).history
    change = [h for h in history if h.action == "sla_profile_changed"]
    assert change and change[0].detail == {"from": "default", "to": "au_asic_hardship"}
    records = deadlines(sla)
    assert records["final_response"].profile == "au_asic_hardship"
    assert records["final_response"].due_at == START + dt.timedelta(days=21)
    assert records["acknowledge"].met_at == clock.now()  # met by the assessment before the change
    (rearmed,) = [h.detail for h in history if h.action == "deadlines_rearmed"]
    moved = {m["deadline"]: (m["from"], m["to"]) for m in rearmed["moved"]}
    assert (rearmed["from"], rearmed["to"]) == ("default", "au_asic_hardship")
    assert moved["final_response"] == (
        (START + dt.timedelta(weeks=8)).isoformat(),
        (START + dt.timedelta(days=21)).astimezone(ZoneInfo("Australia/Sydney")).isoformat(),
    )
    assert "acknowledge" not in moved  # settled deadlines stay as they were


def test_nobody_acts_warning_then_escalation_breach_recorded(sla, clock, handler):
    make_user(sla, "sam", "supervisors", roles=("supervisor",))
    with sla.db.write() as session:
        from engine.identity.tables import User

        session.scalars(select(User).where(User.username == "sam")).one().email = "sam@example.org"
    ref, assess = start(sla, handler, "au_asic_hardship")
    sla.complete_task(assess, {}, handler)
    final_due = START + dt.timedelta(days=21)
    with sla.db.read() as session:
        reminder = session.scalars(
            select(Timer).where(Timer.kind == "reminder", Timer.deadline == "final_response")
        ).one()
    assert reminder.due_at == START + (final_due - START) * 0.75
    worker = TimerWorker(sla, "w")
    clock.set(reminder.due_at + dt.timedelta(seconds=1))
    assert worker.tick() >= 1
    clock.set(final_due + dt.timedelta(seconds=1))
    assert worker.tick() >= 1
    detail = queries.case_detail(sla, ref)
    assert (detail.status, detail.outcome) == ("closed", "escalated")  # the diagram's own timer
    record = deadlines(sla)["final_response"]
    assert record.breached_at == clock.now() and record.met_at is None and record.regulatory is True
    with sla.db.read() as session:
        mails = session.scalars(select(Outbox).order_by(Outbox.id)).all()
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    sent = [(m.template, m.recipient, json.loads(m.params)["deadline"]) for m in mails]
    assert ("deadline_warning", "sam@example.org", "final_response") in sent
    assert sent.count(("staff_escalation", "sam@example.org", "final_response")) == 1
    assert actions.count("deadline_breached") >= 1 and "deadline_reminder" in actions
    breached = [a for a in actions if a == "deadline_breached"]
    assert len(breached) == len({d for d in deadlines(sla) if deadlines(sla)[d].breached_at})


def test_deadline_met_when_its_event_happens_in_time(sla, clock, handler):
    _ref, assess = start(sla, handler, "default")
    investigate = sla.complete_task(assess, {}, handler).tasks[0].id
    clock.set(START + dt.timedelta(days=2))
    sla.complete_task(investigate, {"need_info": False}, handler)
    records = deadlines(sla)
    assert records["final_response"].met_at == clock.now() and records["final_response"].breached_at is None
    with sla.db.read() as session:
        assert session.scalars(select(Timer)).all() == []  # reminders went with their deadlines


def test_a_reminder_of_the_diagram_neither_meets_nor_breaches(sla, clock, handler):
    """The finding: `acknowledge` was recorded met when the diagram's non-interrupting timer fired."""
    ref, _assess = start(sla, handler, "uk_fca")
    ack_due = deadlines(sla)["acknowledge"].due_at
    clock.set(ack_due - dt.timedelta(minutes=1))
    TimerWorker(sla, "w").tick()
    assert deadlines(sla)["acknowledge"].met_at is None
    clock.set(ack_due + dt.timedelta(minutes=1))
    TimerWorker(sla, "w").tick()
    record = deadlines(sla)["acknowledge"]
    assert record.met_at is None and record.breached_at == clock.now()
    shown = {d.name: d.status for d in queries.case_detail(sla, ref).deadlines}
    assert shown["acknowledge"] == "breached" and shown["final_response"] == "open"


def test_every_timer_that_fires_together_is_recorded_and_mailed(sla, clock, handler):
    """After downtime one pass fires the diagram's timers and the engine's: each shows, each breach mailed."""
    make_user(sla, "sam", "supervisors", roles=("supervisor",))
    with sla.db.write() as session:
        from engine.identity.tables import User

        session.scalars(select(User).where(User.username == "sam")).one().email = "sam@example.org"
    ref, assess = start(sla, handler, "uk_fca")
    clock.set(START + dt.timedelta(hours=1))
    sla.complete_task(assess, {}, handler)
    clock.set(START + dt.timedelta(weeks=9))  # the acknowledge reminder and the final response are due
    TimerWorker(sla, "w").tick()
    history = queries.case_detail(sla, ref).history
    fired = [(h.element, h.detail["deadline"]) for h in history if h.action == "timer"]
    assert ("t_ack", "acknowledge") in fired and ("t_final", "final_response") in fired
    breached = sorted(h.detail["deadline"] for h in history if h.action == "deadline_breached")
    assert breached == ["final_response", "holding_reply", "summary_resolution"]  # acknowledged in time
    with sla.db.read() as session:
        templates = sorted(session.scalars(select(Outbox.template)).all())
    assert templates.count("staff_escalation") == 3


def test_a_task_due_date_follows_its_re_armed_deadline(sla, clock, handler):
    ref, assess = start(sla, handler, "default")
    sla.complete_task(assess, {"sla_profile": "au_asic_hardship"}, handler)
    task = queries.case_detail(sla, ref).tasks[0]
    assert task.due_at == min(timers_by_element(sla, ref).values())
