"""Engine benchmark: six-task cases, each completion its own transaction, against raw SpiffWorkflow.

Prints one JSON line per measurement:
1. raw SpiffWorkflow, a stateless handler's naive persistence: per task deserialize the whole workflow
   (spec included), complete the task, serialize it again;
2. the engine service on SQLite (a file database, WAL, synchronous=FULL);
3. the same on PostgreSQL.
The runners take turns in rounds (`--rounds`), so that a slow spell of a shared machine falls on all of them
alike; each engine line's `ratio_to_raw` is the median of the rounds' ratios, `ratio_range` their spread.
Usage: python bench/engine_bench.py [--cases N] [--rounds R] [--pg URL] [--skip-pg]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

HERE = Path(__file__).resolve().parent
BPMN = HERE / "six_tasks.bpmn"
PROCESS = "Process_complaint6"
DATA = [{"summary": "Fee charged twice", "approved": True}] * 6


class RawSpiff:
    """Raw SpiffWorkflow, a stateless handler's naive persistence: the whole workflow (spec included)
    deserialized before each task and serialized after it."""

    label = "raw"

    def __init__(self) -> None:
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
        from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

        parser = SpiffBpmnParser()
        parser.add_bpmn_files([str(BPMN)])
        self.spec = parser.get_spec(PROCESS)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.reset()

    def reset(self) -> None:
        self.timings: list[float] = []
        self.sizes: list[int] = []
        self.elapsed = 0.0
        self.cases = 0

    def run(self, cases: int) -> float:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        start = time.perf_counter()
        for _ in range(cases):
            wf = BpmnWorkflow(self.spec)
            wf.do_engine_steps()
            blob = self.serializer.serialize_json(wf)
            for step in range(6):
                t0 = time.perf_counter()
                wf = self.serializer.deserialize_json(blob)
                task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data.update({"field": step, **DATA[step]})
                task.run()
                wf.do_engine_steps()
                blob = self.serializer.serialize_json(wf)
                self.timings.append(time.perf_counter() - t0)
            self.sizes.append(len(blob))
        elapsed = time.perf_counter() - start
        self.elapsed += elapsed
        self.cases += cases
        return elapsed

    def result(self) -> dict:
        return {
            "bench": "raw_spiffworkflow",
            "db": None,
            "cases": self.cases,
            "cases_per_s": round(self.cases / self.elapsed, 1),
            "median_ms": round(statistics.median(self.timings) * 1000, 3),
            "p95_ms": round(statistics.quantiles(self.timings, n=20)[18] * 1000, 3),
            "state_bytes": int(statistics.mean(self.sizes)),
        }


class EngineCases:
    """The engine service on a fresh database: each completion its own transaction, as a web request's
    would be, the case read back from the database every time."""

    def __init__(self, url: str, label: str) -> None:
        from engine.cases.service import CaseService
        from engine.core.actors import Actor
        from engine.registry import deploy_bundle, load_bundle, validate_bundle
        from engine.store.db import Database, StatementCounter
        from engine.store.migrate import upgrade
        from engine.tables import Base

        self.label = label
        self.db = Database(url)
        with self.db.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(self.db)
        self.service = CaseService(self.db)
        with self.db.write() as session:
            deploy_bundle(session, validate_bundle(load_bundle([BPMN])), self.service.clock, "bench")
        self.actor = Actor("bench", roles=frozenset({"handler"}))
        self.counter = StatementCounter(self.db)
        self.reset()

    def reset(self) -> None:
        self.timings: list[float] = []
        self.statements: list[int] = []
        self.commits: list[int] = []
        self.elapsed = 0.0
        self.cases = 0

    def run(self, cases: int) -> float:
        service, actor, counter = self.service, self.actor, self.counter
        start = time.perf_counter()
        with counter:
            for _ in range(cases):
                result = service.start_case(PROCESS, {}, actor)
                for step in range(6):
                    task_id = result.tasks[0].id
                    counter.reset()
                    t0 = time.perf_counter()
                    result = service.complete_task(task_id, {"field": step, **DATA[step]}, actor)
                    self.timings.append(time.perf_counter() - t0)
                    self.statements.append(counter.statements)
                    self.commits.append(counter.commits)
                assert result.status == "closed", result
        elapsed = time.perf_counter() - start
        self.elapsed += elapsed
        self.cases += cases
        return elapsed

    def result(self) -> dict:
        from engine.cases.tables import Case

        with self.db.read() as session:
            state_bytes = session.scalar(select(func.avg(func.length(Case.state))))
        self.db.dispose()
        return {
            "bench": "engine",
            "db": self.label,
            "cases": self.cases,
            "cases_per_s": round(self.cases / self.elapsed, 1),
            "median_ms": round(statistics.median(self.timings) * 1000, 3),
            "p95_ms": round(statistics.quantiles(self.timings, n=20)[18] * 1000, 3),
            "statements": max(self.statements),
            "statements_median": statistics.median(self.statements),
            "commits": max(self.commits),
            "state_bytes": int(state_bytes),
        }


def engine_run(url: str, label: str, cases: int) -> dict:
    """One engine measurement on its own (the timer benchmark's reference)."""
    runner = EngineCases(url, label)
    runner.run(cases)
    return runner.result()


def ensure_pg_database(url: str, name: str = "redressal_bench") -> str:
    """Use a database of its own so the benchmark never touches the test database."""
    from sqlalchemy import create_engine

    from engine.store.db import normalise_url

    base = normalise_url(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--pg", default=os.environ.get("REDRESSAL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    per_round = max(1, args.cases // args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        raw = RawSpiff()
        runners = [EngineCases(f"sqlite:///{tmp}/bench.sqlite3", "sqlite")]
        if not args.skip_pg:
            runners.append(EngineCases(ensure_pg_database(args.pg), "postgresql"))
        for runner in (raw, *runners):
            runner.run(max(1, per_round // 5))  # warm caches and connection pools
            runner.reset()
        # Rounds take turns, so that a slow spell of this shared machine falls on every runner alike;
        # the ratio reported is the median of the rounds' ratios.
        ratios: dict[str, list[float]] = {r.label: [] for r in runners}
        for _ in range(args.rounds):
            raw_s = raw.run(per_round)
            for runner in runners:
                ratios[runner.label].append(raw_s / runner.run(per_round))
        print(json.dumps(raw.result()), flush=True)
        for runner in runners:
            result = runner.result()
            result["ratio_to_raw"] = round(statistics.median(ratios[runner.label]), 2)
            result["ratio_range"] = [round(min(ratios[runner.label]), 2), round(max(ratios[runner.label]), 2)]
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
