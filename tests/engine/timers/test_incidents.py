"""A timer whose firing fails is retried with backoff, then parked as an incident; it holds up no one."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from engine.cases import queries
from engine.cases.service import CaseService
from engine.cases.tables import AuditEvent, Case
from engine.core.actors import Actor
from engine.core.errors import ConflictError, FormInvalid, PermissionDenied
from engine.timers.incidents import RetryPolicy, dismiss, list_incidents, retry
from engine.timers.tables import Timer
from engine.timers.worker import TimerWorker
from tests.support.builders import START, deploy
from tests.support.scripted import poisonable

STARTER = Actor("starter", roles=frozenset({"handler"}))
ADMIN = Actor("ada", roles=frozenset({"admin"}))
POLICY = RetryPolicy(tries=3, backoff=60, max_backoff=600, time_limit=1.0)


@pytest.fixture
def poison(service, tmp_path) -> CaseService:
    deploy(service, poisonable(tmp_path))
    return service


def start(service: CaseService, due: dt.datetime, poisoned: bool = False) -> str:
    data = {"timer_due": due.isoformat(), "poison": poisoned}
    return service.start_case("poisonable", data, STARTER).reference


def actions(service: CaseService, reference: str) -> list[str]:
    with service.db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .join(Case, Case.id == AuditEvent.case_id)
                .where(Case.reference == reference)
                .order_by(AuditEvent.seq)
            )
        )


def test_a_poisoned_timer_does_not_stop_other_cases_timers(poison, clock):
    bad = start(poison, START + dt.timedelta(minutes=1), poisoned=True)  # due first, claimed first
    good = [start(poison, START + dt.timedelta(minutes=2 + i)) for i in range(3)]
    clock.set(START + dt.timedelta(hours=1))
    worker = TimerWorker(poison, "w1", batch=1, policy=POLICY)
    started = time.monotonic()
    assert worker.tick() == 3
    assert time.monotonic() - started < 5
    assert [queries.case_detail(poison, r).status for r in good] == ["closed"] * 3
    assert queries.case_detail(poison, bad).status == "open"
    # A restart (a new worker) does not pick the poisoned timer up again before its backoff is over.
    assert TimerWorker(poison, "w2", batch=1, policy=POLICY).tick() == 0
    later = start(poison, clock.now() + dt.timedelta(seconds=10))
    clock.advance(seconds=20)
    assert TimerWorker(poison, "w3", policy=POLICY).tick() == 1
    assert queries.case_detail(poison, later).status == "closed"


def test_failures_back_off_then_park_the_timer_as_an_incident(poison, clock):
    bad = start(poison, START + dt.timedelta(minutes=1), poisoned=True)
    worker = TimerWorker(poison, "w1", policy=POLICY)
    clock.set(START + dt.timedelta(minutes=2))
    worker.tick()
    with poison.db.read() as session:
        timer = session.scalars(select(Timer)).one()
    assert timer.attempts == 1
    assert "in 'Escalation script'" in timer.last_error
    assert "over the process code budget" in timer.last_error
    assert timer.claimed_until == clock.now() + dt.timedelta(seconds=60)
    clock.advance(seconds=59)
    worker.tick()
    assert _attempts(poison) == 1  # still backing off
    clock.advance(seconds=2)
    worker.tick()
    assert _attempts(poison) == 2
    clock.advance(seconds=121)  # the second wait is twice the first
    worker.tick()
    assert _attempts(poison) == 3
    (incident,) = queries.case_detail(poison, bad).incidents
    assert incident.status == "open" and incident.attempts == 3
    assert incident.element == "after"
    assert "over the process code budget" in incident.error
    assert actions(poison, bad)[-1] == "incident_opened"
    items, total = list_incidents(poison)
    assert total == 1 and items[0].case_reference == bad
    clock.advance(days=30)
    assert worker.tick() == 0  # parked: never claimed again
    assert _attempts(poison) == 3


def _attempts(service: CaseService) -> int:
    with service.db.read() as session:
        return session.scalars(select(Timer.attempts)).one()


def _park(service: CaseService, clock) -> tuple[str, int]:
    bad = start(service, START + dt.timedelta(minutes=1), poisoned=True)
    worker = TimerWorker(service, "w1", policy=RetryPolicy(tries=1, time_limit=1.0))
    clock.set(START + dt.timedelta(minutes=2))
    worker.tick()
    (incident,) = queries.case_detail(service, bad).incidents
    return bad, incident.id


def test_a_retried_incident_fires_after_the_fix(poison, clock):
    bad, incident_id = _park(poison, clock)
    # The fix: the data that made the script loop is corrected on the case.
    with poison.db.reading() as conn:
        case_id = conn.execute(select(Case.id).where(Case.reference == bad)).scalar_one()
        work = poison.store.load_by_id(conn, case_id)
    for task in work.wf.get_tasks():
        task.data["poison"] = False
    with poison.db.transaction() as conn:
        poison.store.save(conn, work)
    with pytest.raises(PermissionDenied):
        retry(poison, incident_id, STARTER)
    shown = retry(poison, incident_id, ADMIN)
    assert shown.status == "retried" and shown.closed_by == "ada"
    with pytest.raises(ConflictError, match="retried already"):
        retry(poison, incident_id, ADMIN)
    assert TimerWorker(poison, "w1", policy=POLICY).tick() == 1
    assert queries.case_detail(poison, bad).status == "closed"
    assert "incident_retried" in actions(poison, bad)


def test_a_dismissed_incident_keeps_its_reason_and_the_timer_parked(poison, clock):
    bad, incident_id = _park(poison, clock)
    with pytest.raises(FormInvalid):
        dismiss(poison, incident_id, ADMIN, "  ")
    shown = dismiss(poison, incident_id, ADMIN, "Case closed by phone; escalation not needed.")
    assert shown.status == "dismissed"
    assert shown.reason == "Case closed by phone; escalation not needed."
    assert actions(poison, bad)[-1] == "incident_dismissed"
    assert list_incidents(poison)[1] == 0
    assert list_incidents(poison, None)[1] == 1
    clock.advance(days=1)
    assert TimerWorker(poison, "w1", policy=POLICY).tick() == 0


def test_retry_policy_from_the_environment():
    policy = RetryPolicy.from_env(
        {
            "REDRESSAL_TIMER_TRIES": "7",
            "REDRESSAL_TIMER_BACKOFF": "10",
            "REDRESSAL_TIMER_MAX_BACKOFF": "30",
            "REDRESSAL_TIMER_TIME_LIMIT": "2.5",
        }
    )
    assert policy == RetryPolicy(tries=7, backoff=10, max_backoff=30, time_limit=2.5)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 30, 30]
