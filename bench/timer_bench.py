"""Timer benchmark: 100,000 open cases waiting on a timer, 10,000 of them due at once.

Prints JSON lines:
- `timers_fire`: seconds to fire the 10,000 due timers (each loading, running and saving its case), beside
  the engine's time for 10,000 six-task completions on a database of their own (the target is at most
  1.5x). The due timers fall due in ten waves; each wave's firing takes turns with a tenth of the
  completions, so that a slow spell of the shared machine falls on both alike;
- `timer_latency`: an idle scheduler (APScheduler, real clock) firing timers due a few seconds ahead:
  p50/p95 of (fired at - due at);
- `due_query`: milliseconds of "what is due?" (earliest due, and the claim's select) at 1,000,000 timers.
Usage: python bench/timer_bench.py [--open 100000] [--due 10000] [--skip-pg] [--pg URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine.bpmn import workflow as wfx  # noqa: E402
from engine.cases.service import CaseService  # noqa: E402
from engine.cases.store import save  # noqa: E402
from engine.cases.tables import AuditEvent, Case  # noqa: E402
from engine.core.actors import Actor  # noqa: E402
from engine.core.clock import FixedClock, SystemClock  # noqa: E402
from engine.registry import deploy_bundle, load_bundle, validate_bundle  # noqa: E402
from engine.store.db import Database  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402
from engine.tables import Base  # noqa: E402
from engine.timers.claims import TIMER, next_due  # noqa: E402
from engine.timers.tables import Timer  # noqa: E402
from engine.timers.worker import TimerWorker  # noqa: E402

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
ACTOR = Actor("bench", roles=frozenset({"system"}))


def fresh(url: str) -> Database:
    db = Database(url)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db)
    return db


WAVES = 10


def _due(n: int, due: int) -> dt.datetime:
    """Case n's timer: the first `due` cases fall due in WAVES waves a minute apart, the rest far later."""
    if n < due:
        return T0 + dt.timedelta(hours=1, minutes=n % WAVES)
    return T0 + dt.timedelta(days=30, seconds=n)


def seed(service: CaseService, total: int, due: int, batch: int = 500) -> None:
    """Start cases through the engine's own start and save path, many per transaction to seed quickly."""
    with service.db.write() as session:
        deploy_bundle(
            session, validate_bundle(load_bundle([HERE / "one_task_timer.bpmn"])), service.clock, "bench"
        )
    with service.db.reading() as conn:
        version = service.specs.latest(conn, "timed")
    made = 0
    while made < total:
        works = []
        for n in range(made, min(total, made + batch)):
            work = service.store.new(version, {"timer_due": _due(n, due).isoformat()}, "bench")
            with service.store.running(work):
                wfx.run(work.wf)
            work.record("bench", "start")
            works.append(work)
        with service.db.transaction() as conn:
            now = service.clock.now()
            for work in works:
                save(conn, work, now)
        made += len(works)


def fire_bench(url: str, reference_url: str, label: str, total: int, due: int) -> dict:
    """Fire the due timers wave by wave, each wave followed by its share of six-task completions."""
    import engine_bench

    clock = FixedClock(T0)
    service = CaseService(fresh(url), clock)
    t = time.perf_counter()
    seed(service, total, due)
    seeded_s = time.perf_counter() - t
    reference = engine_bench.EngineCases(reference_url, label)
    reference.run(10)  # warm it as the worker is warmed by seeding
    reference.reset()
    worker = TimerWorker(service, "bench", batch=200)
    fired = 0
    firing: list[float] = []
    completing: list[float] = []
    for wave in range(WAVES):
        clock.set(T0 + dt.timedelta(hours=1, minutes=wave, seconds=1))
        t = time.perf_counter()
        fired += worker.tick()
        firing.append(time.perf_counter() - t)
        completing.append(reference.run(due // 6 // WAVES))
    with service.db.read() as session:
        waiting = session.scalar(select(func.count()).select_from(Timer))
    service.db.dispose()
    reference.db.dispose()
    completions = reference.cases * 6
    return {
        "bench": "timers_fire",
        "db": label,
        "open_cases": total,
        "due": due,
        "fired": fired,
        "seconds": round(sum(firing), 2),
        "timers_per_s": round(fired / sum(firing), 1),
        "still_waiting": waiting,
        "seed_seconds": round(seeded_s, 1),
        "reference_completions": completions,
        "reference_seconds": round(sum(completing), 2),
        "ratio": round(sum(firing) / sum(completing) * completions / fired, 2),
        "wave_ratios": [round(f / c, 2) for f, c in zip(firing, completing, strict=True)],
    }


def latency_bench(url: str, label: str, count: int = 20) -> dict:
    from engine.timers.worker import start_scheduler

    service = CaseService(fresh(url), SystemClock())
    with service.db.write() as session:
        deploy_bundle(
            session, validate_bundle(load_bundle([HERE / "one_task_timer.bpmn"])), service.clock, "bench"
        )
    scheduler, _worker = start_scheduler(service)
    refs = {}
    try:
        base = service.clock.now() + dt.timedelta(seconds=3)
        for n in range(count):
            due_at = base + dt.timedelta(milliseconds=250 * n)
            refs[service.start_case("timed", {"timer_due": due_at.isoformat()}, ACTOR).reference] = due_at
        deadline = time.time() + 30
        while time.time() < deadline:
            with service.db.read() as session:
                left = session.scalar(select(func.count()).select_from(Timer))
            if left == 0:
                break
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    with service.db.read() as session:
        fired = dict(
            session.execute(
                select(Case.reference, AuditEvent.at)
                .join(AuditEvent, AuditEvent.case_id == Case.id)
                .where(AuditEvent.action == "timer")
            ).all()
        )
    lags = sorted((fired[r] - due).total_seconds() for r, due in refs.items() if r in fired)
    service.db.dispose()
    return {
        "bench": "timer_latency",
        "db": label,
        "timers": count,
        "fired": len(lags),
        "p50_s": round(statistics.median(lags), 3),
        "p95_s": round(lags[int(len(lags) * 0.95) - 1], 3),
        "max_s": round(lags[-1], 3),
    }


def due_query_bench(url: str, label: str, rows: int) -> dict:
    db = fresh(url)
    service = CaseService(db, FixedClock(T0))
    with db.write() as session:
        deploy_bundle(
            session, validate_bundle(load_bundle([HERE / "one_task_timer.bpmn"])), service.clock, "bench"
        )
    ref = service.start_case(
        "timed", {"timer_due": (T0 + dt.timedelta(days=400)).isoformat()}, ACTOR
    ).reference
    with db.reading() as conn:
        case_id = conn.execute(select(Case.id).where(Case.reference == ref)).scalar()
    chunk = 20000
    for start in range(0, rows, chunk):
        with db.transaction() as conn:
            conn.execute(
                insert(TIMER),
                [
                    {
                        "id": f"{n:036d}",
                        "case_id": case_id,
                        "bpmn_id": "escalate",
                        "due_at": T0 + dt.timedelta(seconds=(n * 7919) % (86400 * 365)),
                        "interrupting": True,
                        "kind": "bpmn",
                        "deadline": None,
                        "claimed_by": None,
                        "claimed_until": None,
                    }
                    for n in range(start, min(rows, start + chunk))
                ],
            )
    if not db.is_sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE timer"))
    now = T0 + dt.timedelta(days=100)
    timings = []
    for _ in range(50):
        t = time.perf_counter()
        next_due(db, now)
        timings.append(time.perf_counter() - t)
    claim_sql = select(TIMER.c.id).where(TIMER.c.due_at <= now).order_by(TIMER.c.due_at).limit(100)
    claims = []
    for _ in range(50):
        t = time.perf_counter()
        with db.reading() as conn:
            conn.execute(claim_sql).all()
        claims.append(time.perf_counter() - t)
    db.dispose()
    return {
        "bench": "due_query",
        "db": label,
        "timers": rows,
        "next_due_median_ms": round(statistics.median(timings) * 1000, 3),
        "next_due_p95_ms": round(sorted(timings)[47] * 1000, 3),
        "claim_select_median_ms": round(statistics.median(claims) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--timers", type=int, default=1_000_000)
    parser.add_argument(
        "--pg", default=os.environ.get("REDRESSAL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--only", choices=["fire", "latency", "query"], default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import engine_bench

    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append((f"sqlite:///{tmp}/timers.sqlite3", f"sqlite:///{tmp}/reference.sqlite3", "sqlite"))
        if not args.skip_pg:
            targets.append(
                (
                    engine_bench.ensure_pg_database(args.pg),
                    engine_bench.ensure_pg_database(args.pg, "redressal_bench_reference"),
                    "postgresql",
                )
            )
        for url, reference_url, label in targets:
            if args.only in (None, "fire"):
                print(json.dumps(fire_bench(url, reference_url, label, args.open, args.due)), flush=True)
            if args.only in (None, "latency"):
                print(json.dumps(latency_bench(url, label)), flush=True)
            if args.only in (None, "query"):
                print(json.dumps(due_query_bench(url, label, args.timers)), flush=True)


if __name__ == "__main__":
    main()
