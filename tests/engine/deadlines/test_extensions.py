"""Extending a regulatory deadline, and a deadline whose breach decides the outcome, on both databases."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.cases import queries
from engine.core.errors import ConflictError, FormInvalid, PermissionDenied
from engine.deadlines.extend import ExtensionDecision, ExtensionRefused, extend_deadline
from engine.deadlines.tables import CaseDeadline
from engine.letters.tables import Outbox
from engine.timers.worker import TimerWorker
from tests.support.builders import FIXTURES, START, deploy, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
WARSAW = ZoneInfo("Europe/Warsaw")
COMPLAINANT = {"name": "Li Wei", "email": "li@example.org", "language": "zh-Hans"}


@pytest.fixture
def sla(service):
    deploy(service, FIXTURES / "processes" / "sla.bpmn")
    return service


@pytest.fixture
def supervisor(service):
    return make_user(service, "sam", "supervisors", roles=("supervisor",))


def investigating(service, actor, profile: str) -> str:
    """A case of the SLA test process on `profile`, assessed and waiting at the investigation."""
    data = {"sla_profile": profile, "received_at": START.isoformat(), "complainant": COMPLAINANT}
    case = service.start_case("sla_case", data, actor)
    service.complete_task(case.tasks[0].id, {}, actor)
    return case.reference


def final_timer(service, reference) -> dt.datetime:
    timers = queries.case_detail(service, reference).timers
    [due] = [t.due_at for t in timers if t.bpmn_id == "t_final" and t.kind == "bpmn"]
    return due


def final_record(service) -> CaseDeadline:
    with service.db.read() as session:
        return session.scalars(select(CaseDeadline).where(CaseDeadline.name == "final_response")).one()


def letters(service) -> list[tuple[str, str, dict]]:
    with service.db.read() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
        return [(r.template, r.language, json.loads(r.params)) for r in rows]


def extend(service, reference, actor, **decision):
    decision.setdefault("reason", "The card network has not sent the merchant's records.")
    return extend_deadline(service, reference, "final_response", ExtensionDecision(**decision), actor)


def test_nfra_extensions_move_the_deadline_record_the_decision_and_write_to_the_complainant(
    sla, clock, handler, supervisor
):
    """China's NFRA: 15 days, extended to 30 for a complex case, a further 30 with a superior's approval."""
    ref = investigating(sla, handler, "cn_nfra")  # received 23 November 2026, 17:00 in Shanghai
    assert final_timer(sla, ref) == dt.datetime(2026, 12, 8, 23, 59, 59, tzinfo=SHANGHAI)

    clock.set(START + dt.timedelta(days=5))
    first = extend(sla, ref, handler)
    thirty = dt.datetime(2026, 12, 23, 23, 59, 59, tzinfo=SHANGHAI)
    assert (first["due_at"], first["extensions_taken"], first["extensions_allowed"]) == (thirty, 1, 2)
    assert final_timer(sla, ref) == thirty  # the deadline's timer moved
    assert final_record(sla).due_at == thirty  # and so did its record
    event = [h for h in queries.case_detail(sla, ref).history if h.action == "deadline_extended"][-1]
    assert event.actor == "hana"
    assert event.detail["reason"] == "The card network has not sent the merchant's records."
    assert event.detail["by"] == "P15D" and event.detail["due"] == thirty.isoformat()
    [(template, language, params)] = letters(sla)
    assert (template, language) == ("deadline_extension_letter", "zh-Hans")
    assert params["new_due"] == thirty.isoformat() and params["reference"] == ref

    second = extend(sla, ref, handler, approved_by="sam")
    sixty = dt.datetime(2027, 1, 22, 23, 59, 59, tzinfo=SHANGHAI)  # 60 days from receipt
    assert second["due_at"] == sixty and final_timer(sla, ref) == sixty
    assert second["extension"]["approved_by"] == "sam"
    detail = queries.case_detail(sla, ref)
    assert [e["by"] for e in detail.deadline_extensions["final_response"]] == ["P15D", "P30D"]

    with pytest.raises(ExtensionRefused, match="extended 2 time"):
        extend(sla, ref, handler, approved_by="sam")
    assert final_timer(sla, ref) == sixty and len(letters(sla)) == 2  # nothing written by the refusal


def test_the_second_extension_needs_another_person_who_is_a_supervisor(sla, clock, handler, supervisor):
    ref = investigating(sla, handler, "cn_nfra")
    extend(sla, ref, handler)
    other_handler = make_user(sla, "hugo", "handlers")
    refusals = {}
    for approver in (None, "hana", "hugo", "nobody"):
        with pytest.raises(FormInvalid) as info:
            extend(sla, ref, handler, approved_by=approver)
        refusals[approver] = info.value.errors["approved_by"][0]
    assert "needs a second approver" in refusals[None]
    assert "someone other than" in refusals["hana"]
    assert "hugo is not a supervisor" in refusals["hugo"]
    assert "nobody is not an active user" in refusals["nobody"]
    # The supervisor cannot approve their own extension either.
    with pytest.raises(FormInvalid) as info:
        extend(sla, ref, supervisor, approved_by="sam")
    assert "someone other than" in info.value.errors["approved_by"][0]
    assert other_handler.username == "hugo"
    assert [e["by"] for e in queries.case_detail(sla, ref).deadline_extensions["final_response"]] == ["P15D"]


def test_a_profile_without_extensions_refuses_and_so_does_a_missed_deadline(sla, clock, handler):
    uk = investigating(sla, handler, "uk_fca")
    with pytest.raises(ExtensionRefused, match="does not allow extending 'final_response'"):
        extend(sla, uk, handler)
    pl = investigating(sla, handler, "pl_financial")
    with pytest.raises(FormInvalid) as info:
        extend(sla, pl, handler)  # the Polish notice must say what must be established
    assert list(info.value.errors) == ["to_establish"]
    with pytest.raises(FormInvalid) as info:
        extend(sla, pl, handler, reason="  ", to_establish="x")
    assert list(info.value.errors) == ["reason"]
    clock.set(START + dt.timedelta(days=40))
    with pytest.raises(ConflictError, match="passed at"):
        extend(sla, pl, handler, to_establish="The insurer's valuation of the car.")
    assert letters(sla) == []


def test_polish_particularly_complex_case_gets_sixty_days(sla, clock, handler):
    ref = investigating(sla, handler, "pl_financial")  # 23 November 2026, 10:00 in Warsaw
    assert final_timer(sla, ref) == dt.datetime(2026, 12, 23, 23, 59, 59, tzinfo=WARSAW)
    clock.set(START + dt.timedelta(days=20))
    result = extend(sla, ref, handler, to_establish="The insurer's valuation of the car.")
    # Day 60 is Friday 22 January 2027.
    assert result["due_at"] == dt.datetime(2027, 1, 22, 23, 59, 59, tzinfo=WARSAW)
    [(_, _, params)] = letters(sla)
    assert params["to_establish"] == "The insurer's valuation of the car."
    with pytest.raises(ExtensionRefused, match="as many as"):
        extend(sla, ref, handler, to_establish="More.")


def test_auditors_may_not_extend(sla, handler):
    ref = investigating(sla, handler, "cn_nfra")
    auditor = make_user(sla, "aud", roles=("auditor",))
    with pytest.raises(PermissionDenied):
        extend(sla, ref, auditor)


def test_a_polish_consumer_complaint_not_answered_in_time_is_deemed_accepted(sla, clock, handler):
    ref = investigating(sla, handler, "pl_consumer")
    due = dt.datetime(2026, 12, 23, 23, 59, 59, tzinfo=WARSAW)
    assert final_timer(sla, ref) == due
    clock.set(due + dt.timedelta(seconds=1))
    assert TimerWorker(sla, "w").tick() >= 1
    detail = queries.case_detail(sla, ref)
    assert detail.outcome == "upheld"  # not the end event's "escalated": the law decided
    assert detail.deemed_outcome["outcome"] == "upheld"
    assert detail.deemed_outcome["rule"] == "deemed_upheld"
    assert detail.deemed_outcome["deadline"] == "final_response"
    deemed = [h for h in detail.history if h.action == "outcome_deemed"]
    assert len(deemed) == 1 and deemed[0].detail["profile"] == "pl_consumer"
    assert final_record(sla).breached_at is not None


def test_a_breach_without_the_rule_decides_nothing(sla, clock, handler):
    ref = investigating(sla, handler, "uk_fca")
    clock.set(START + dt.timedelta(weeks=8, seconds=1))
    TimerWorker(sla, "w").tick()
    detail = queries.case_detail(sla, ref)
    assert detail.outcome == "escalated" and detail.deemed_outcome is None
    assert "outcome_deemed" not in [h.action for h in detail.history]
