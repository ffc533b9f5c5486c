"""Two writers of one case: exactly one wins, the other gets a clear conflict, the audit holds one event."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from engine.cases.service import CaseService
from engine.cases.tables import AuditEvent
from engine.core.errors import ConflictError, TaskNotReady
from engine.store.db import Database
from tests.support.builders import FIXTURES, PG_URL, deploy, make_user

GOOD = {"subject": "Fee charged twice", "severity_points": 3}


def _race(calls) -> list[object]:
    """Run the calls at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = calls[n]()
        except Exception as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _completions(db: Database) -> int:
    with db.read() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "complete_task")
        )


@pytest.mark.parametrize("rounds", [5])
def test_two_threads_completing_one_task(lifecycle, rounds):
    hana = make_user(lifecycle, "hana", "handlers")
    olga = make_user(lifecycle, "olga", "handlers")
    for _ in range(rounds):
        task = lifecycle.start_case("lifecycle", {}, hana).tasks[0]
        # two runtimes, as two web workers would have: nothing shared but the database
        other = CaseService(lifecycle.db, lifecycle.clock)
        results = _race(
            [
                lambda t=task: lifecycle.complete_task(t.id, GOOD, hana),
                lambda t=task, o=other: o.complete_task(t.id, GOOD, olga),
            ]
        )
        wins = [r for r in results if not isinstance(r, Exception)]
        losses = [r for r in results if isinstance(r, Exception)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], ConflictError), losses[0]
    assert _completions(lifecycle.db) == rounds


def _worker(url: str, task_ids: list[str], barrier, queue) -> None:
    from engine.core.actors import Actor

    service = CaseService(Database(url))
    actor = Actor("proc", frozenset({"handlers"}))
    for task_id in task_ids:
        barrier.wait()
        try:
            service.complete_task(task_id, GOOD, actor)
            queue.put(("ok", task_id))
        except ConflictError as exc:
            queue.put(("conflict", task_id, type(exc).__name__))
        except Exception as exc:  # pragma: no cover - reported to the parent as a failure
            queue.put(("error", task_id, repr(exc)))


@pytest.mark.postgres
def test_two_processes_completing_the_same_tasks_on_postgresql(pg, clock):
    service = CaseService(pg, clock)
    deploy(service, FIXTURES / "processes" / "lifecycle.bpmn", forms=FIXTURES / "forms")
    hana = make_user(service, "hana", "handlers")
    task_ids = [service.start_case("lifecycle", {}, hana).tasks[0].id for _ in range(10)]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(PG_URL, task_ids, barrier, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    outcomes = [queue.get(timeout=60) for _ in range(2 * len(task_ids))]
    for p in procs:
        p.join(timeout=30)
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    for task_id in task_ids:
        mine = sorted(o[0] for o in outcomes if o[1] == task_id)
        assert mine == ["conflict", "ok"], (task_id, mine)
    assert _completions(pg) == len(task_ids)


def test_a_claim_racing_two_completions_loses_or_wins_cleanly(lifecycle):
    """Claims lock the case before the task, as completions do: the loser gets a conflict, not a deadlock."""
    hana = make_user(lifecycle, "hana", "handlers")
    olga = make_user(lifecycle, "olga", "handlers")
    for _ in range(8):
        task = lifecycle.start_case("lifecycle", {}, hana).tasks[0]
        results = _race(
            [
                lambda t=task: lifecycle.complete_task(t.id, GOOD, hana),
                lambda t=task: CaseService(lifecycle.db, lifecycle.clock).complete_task(t.id, GOOD, hana),
                lambda t=task: CaseService(lifecycle.db, lifecycle.clock).claim_task(t.id, olga),
            ]
        )
        losses = [r for r in results if isinstance(r, Exception)]
        assert len(losses) == 2, results
        assert all(isinstance(r, ConflictError | TaskNotReady) for r in losses), losses


@pytest.mark.postgres
def test_transactions_that_deadlock_get_a_conflict(pg):
    with pg.transaction() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS deadlock_probe (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.exec_driver_sql("DELETE FROM deadlock_probe")
        conn.exec_driver_sql("INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)")
    barrier = threading.Barrier(2)

    def crossing(first: int, second: int):
        def run() -> None:
            with pg.transaction() as conn:
                conn.exec_driver_sql(f"UPDATE deadlock_probe SET n = n + 1 WHERE id = {first}")
                barrier.wait(timeout=10)
                conn.exec_driver_sql(f"UPDATE deadlock_probe SET n = n + 1 WHERE id = {second}")

        return run

    try:
        results = _race([crossing(1, 2), crossing(2, 1)])
    finally:
        with pg.transaction() as conn:
            conn.exec_driver_sql("DROP TABLE deadlock_probe")
    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "NoneType"], results
