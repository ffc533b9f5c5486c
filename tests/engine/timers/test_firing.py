"""Timers fire exactly once, oldest first, after downtime too; claims of a dead worker are taken over."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
from sqlalchemy import func, select

from engine.cases import queries
from engine.cases.service import CaseService
from engine.cases.tables import AuditEvent, Case
from engine.core.actors import Actor
from engine.core.clock import FixedClock
from engine.store.db import Database
from engine.timers.claims import claim_due, next_due
from engine.timers.tables import Timer
from engine.timers.worker import TimerWorker
from tests.support.builders import FIXTURES, PG_URL, START, deploy

ACTOR = Actor("starter", roles=frozenset({"system"}))


def start_timed(service: CaseService, due: dt.datetime) -> str:
    return service.start_case("timed", {"timer_due": due.isoformat()}, ACTOR).reference


@pytest.fixture
def timed(service) -> CaseService:
    deploy(service, FIXTURES / "processes" / "timed.bpmn")
    return service


def timer_events(service: CaseService) -> list[tuple[str, int]]:
    with service.db.read() as session:
        return session.execute(
            select(Case.reference, func.count(AuditEvent.id))
            .join(AuditEvent, AuditEvent.case_id == Case.id)
            .where(AuditEvent.action == "timer")
            .group_by(Case.reference)
        ).all()


def test_next_due_is_the_earliest_unclaimed(timed, clock):
    assert next_due(timed.db, clock.now()) is None
    start_timed(timed, START + dt.timedelta(hours=5))
    start_timed(timed, START + dt.timedelta(hours=2))
    assert next_due(timed.db, clock.now()) == START + dt.timedelta(hours=2)


def test_worker_fires_due_timers_and_leaves_the_rest(timed, clock):
    early = start_timed(timed, START + dt.timedelta(hours=1))
    late = start_timed(timed, START + dt.timedelta(days=3))
    worker = TimerWorker(timed, "w1")
    assert worker.tick() == 0
    clock.set(START + dt.timedelta(hours=1, seconds=1))
    assert worker.tick() == 1
    assert queries.case_detail(timed, early).status == "closed"
    assert queries.case_detail(timed, early).outcome == "escalated"
    assert queries.case_detail(timed, late).status == "open"
    assert worker.tick() == 0


def test_catch_up_after_downtime_fires_oldest_first(timed, clock):
    refs = [start_timed(timed, START + dt.timedelta(hours=h)) for h in (7, 3, 5, 1)]
    clock.set(START + dt.timedelta(days=2))  # the platform was down for two days
    assert TimerWorker(timed, "w1", batch=2).tick() == 4
    with timed.db.read() as session:
        fired = (
            session.execute(
                select(Case.reference)
                .join(AuditEvent, AuditEvent.case_id == Case.id)
                .where(AuditEvent.action == "timer")
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert fired == [refs[3], refs[1], refs[2], refs[0]]


def test_a_timer_whose_case_moved_on_is_dropped(timed, clock):
    ref = start_timed(timed, START + dt.timedelta(hours=1))
    detail = queries.case_detail(timed, ref)
    timer_id = detail.timers[0].id
    timed.complete_task(detail.tasks[0].id, {}, ACTOR)  # the case moves on; its timer row goes
    clock.set(START + dt.timedelta(hours=2))
    assert timed.fire_timer(timer_id) is None
    assert TimerWorker(timed, "w1").tick() == 0
    assert timer_events(timed) == []


def test_claims_of_a_dead_worker_expire_and_are_taken_over(timed, clock):
    ref = start_timed(timed, START + dt.timedelta(minutes=1))
    clock.set(START + dt.timedelta(minutes=2))
    assert len(claim_due(timed.db, "dead-worker", clock.now(), lease=dt.timedelta(seconds=60))) == 1
    assert TimerWorker(timed, "w2").tick() == 0  # still claimed by the dead worker
    clock.advance(seconds=61)
    assert TimerWorker(timed, "w2").tick() == 1
    assert queries.case_detail(timed, ref).status == "closed"


def _fire_all(url: str, at: str, name: str, queue) -> None:
    service = CaseService(Database(url), FixedClock(at))
    worker = TimerWorker(service, name, batch=50)
    total = 0
    for _ in range(200):
        fired = worker.tick()
        total += fired
        if fired == 0 and next_due(service.db, service.clock.now()) is None:
            break
    queue.put((name, total, worker.failed))


@pytest.mark.postgres
def test_three_workers_fire_1000_timers_exactly_once_on_postgresql(pg, clock):
    service = CaseService(pg, clock)
    deploy(service, FIXTURES / "processes" / "timed.bpmn")
    due = START + dt.timedelta(hours=1)
    refs = [start_timed(service, due) for _ in range(1000)]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    at = (due + dt.timedelta(seconds=1)).isoformat()
    procs = [ctx.Process(target=_fire_all, args=(PG_URL, at, f"w{n}", queue)) for n in range(3)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert sum(r[1] for r in results) == 1000, results
    assert all(r[2] == 0 for r in results), results
    assert sum(1 for r in results if r[1] > 0) >= 2, results  # the work was shared
    events = dict(timer_events(service))
    assert len(events) == 1000 and set(events.values()) == {1}
    assert set(events) == set(refs)
    with service.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
