"""Engine benchmark: six-task cases, each completion its own transaction, against raw SpiffWorkflow.

Prints one JSON line per measurement:
1. raw SpiffWorkflow, a stateless handler's naive persistence: per task deserialize the whole workflow
   (spec included), complete the task, serialize it again;
2. the engine service on SQLite (a file database, WAL, synchronous=FULL);
3. the same on PostgreSQL.
Usage: python bench/engine_bench.py [--cases N] [--pg URL] [--skip-pg]
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


def raw_spiff(cases: int) -> dict:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(BPMN)])
    spec = parser.get_spec(PROCESS)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    timings = []
    sizes = []
    start = time.perf_counter()
    for _ in range(cases):
        wf = BpmnWorkflow(spec)
        wf.do_engine_steps()
        blob = serializer.serialize_json(wf)
        for step in range(6):
            t0 = time.perf_counter()
            wf = serializer.deserialize_json(blob)
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update({"field": step, **DATA[step]})
            task.run()
            wf.do_engine_steps()
            blob = serializer.serialize_json(wf)
            timings.append(time.perf_counter() - t0)
        sizes.append(len(blob))
    elapsed = time.perf_counter() - start
    return {
        "bench": "raw_spiffworkflow",
        "db": None,
        "cases": cases,
        "cases_per_s": round(cases / elapsed, 1),
        "median_ms": round(statistics.median(timings) * 1000, 3),
        "p95_ms": round(statistics.quantiles(timings, n=20)[18] * 1000, 3),
        "state_bytes": int(statistics.mean(sizes)),
    }


def engine_run(url: str, label: str, cases: int) -> dict:
    from engine.actors import Actor
    from engine.registry import deploy_bundle, load_bundle, validate_bundle
    from engine.runtime.service import Runtime
    from engine.store.db import Database, StatementCounter
    from engine.store.migrate import upgrade
    from engine.store.models import Base, Case

    db = Database(url)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db)
    runtime = Runtime(db)
    with db.write() as session:
        deploy_bundle(session, validate_bundle(load_bundle([BPMN])), runtime.clock, "bench")
    actor = Actor("bench", roles=frozenset({"handler"}))
    timings = []
    statements = []
    commits = []
    counter = StatementCounter(db)
    start = time.perf_counter()
    with counter:
        for _ in range(cases):
            result = runtime.start_case(PROCESS, {}, actor)
            for step in range(6):
                task_id = result.tasks[0].id
                counter.reset()
                t0 = time.perf_counter()
                result = runtime.complete_task(task_id, {"field": step, **DATA[step]}, actor)
                timings.append(time.perf_counter() - t0)
                statements.append(counter.statements)
                commits.append(counter.commits)
            assert result.status == "closed", result
    elapsed = time.perf_counter() - start
    with db.read() as session:
        state_bytes = session.scalar(select(func.avg(func.length(Case.state))))
    db.dispose()
    return {
        "bench": "engine",
        "db": label,
        "cases": cases,
        "cases_per_s": round(cases / elapsed, 1),
        "median_ms": round(statistics.median(timings) * 1000, 3),
        "p95_ms": round(statistics.quantiles(timings, n=20)[18] * 1000, 3),
        "statements": max(statements),
        "statements_median": statistics.median(statements),
        "commits": max(commits),
        "state_bytes": int(state_bytes),
    }


def ensure_pg_database(url: str) -> str:
    """Use a database of its own so the benchmark never touches the test database."""
    from sqlalchemy import create_engine

    from engine.store.db import _normalise

    base = _normalise(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'redressal_bench'"))
        if not exists:
            conn.execute(text("CREATE DATABASE redressal_bench"))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/redressal_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument(
        "--pg", default=os.environ.get("REDRESSAL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    raw = raw_spiff(args.cases)
    print(json.dumps(raw), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = engine_run(f"sqlite:///{tmp}/bench.sqlite3", "sqlite", args.cases)
    sqlite["ratio_to_raw"] = round(sqlite["cases_per_s"] / raw["cases_per_s"], 2)
    print(json.dumps(sqlite), flush=True)
    if not args.skip_pg:
        pg = engine_run(ensure_pg_database(args.pg), "postgresql", args.cases)
        pg["ratio_to_raw"] = round(pg["cases_per_s"] / raw["cases_per_s"], 2)
        print(json.dumps(pg), flush=True)


if __name__ == "__main__":
    main()
