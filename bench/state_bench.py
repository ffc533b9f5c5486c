"""Workflow state (de)serialization micro-benchmark: per-call µs of `dump_state` and `load_state`, and of
SpiffWorkflow's own registry converter on the same states (`registry_*`: what both cost before the fast path).
`load_cold_us` reads with an empty task id cache, as for a case this process has not loaded before.

The states are real ones, saved by the engine on a temporary SQLite database: the six-task bench process
after its start and after each of its six completions, and a complaint (processes/complaint_handling.bpmn)
half-way, waiting for its response. Each figure is the median of many timed batches, because the machine
may be busy with other work. Prints one JSON line per state.
Usage: python bench/state_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine.bpmn import serialization  # noqa: E402
from engine.bpmn.serialization import (  # noqa: E402
    dump_state,
    load_state,
    reference_dump_state,
    reference_load_state,
)

PROCESS = "Process_complaint6"
DATA = [{"summary": "Fee charged twice", "approved": True}] * 6


def per_call_us(fn: Callable[[], object], repeat: int, batch: int = 50) -> float:
    """Median over `repeat` batches of the mean time of one call, in µs."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - t0) / batch)
    return round(statistics.median(times) * 1e6, 1)


def measure(label: str, row, version, repeat: int) -> dict:
    """This engine's `dump_state`/`load_state`, and SpiffWorkflow's own converter on the same state."""

    def load():
        return load_state(
            row.state, version.spec, version.subprocess_specs, row.serializer_version, version.spec_json
        )

    def reference_load():
        return reference_load_state(row.state, version.spec, version.subprocess_specs)

    def cold_load():
        serialization.forget_cached_ids()  # as if this process had never seen the case
        return load()

    wf = load()
    reference_wf = reference_load()
    result = {
        "state": label,
        "tasks": len(wf.tasks) + sum(len(sp.tasks) for sp in wf.subprocesses.values()),
        "bytes": len(row.state),
        "dump_us": per_call_us(lambda: dump_state(wf), repeat),
        "load_us": per_call_us(load, repeat),
        "load_cold_us": per_call_us(cold_load, repeat),
        "registry_dump_us": per_call_us(lambda: reference_dump_state(reference_wf), repeat),
        "registry_load_us": per_call_us(reference_load, repeat),
    }
    result["dump_speedup"] = round(result["registry_dump_us"] / result["dump_us"], 2)
    result["load_speedup"] = round(result["registry_load_us"] / result["load_us"], 2)
    return result


def case_row(service, reference: str):
    from engine.cases.tables import Case

    with service.db.read() as session:
        row = session.scalars(select(Case).where(Case.reference == reference)).one()
        session.expunge(row)
    with service.db.reading() as conn:
        version = service.specs.get(conn, row.process_version_id)
    return row, version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()

    from engine.cases.service import CaseService
    from engine.core.actors import Actor
    from engine.core.clock import FixedClock
    from engine.registry import deploy_bundle, load_bundle, validate_bundle
    from engine.store.db import Database
    from engine.store.migrate import upgrade
    from engine.tables import Base
    from tests.conftest import START
    from tests.support.paths import Desk

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.sqlite3")
        with db.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(db)
        clock = FixedClock(START)
        service = CaseService(db, clock)
        with db.write() as session:
            deploy_bundle(session, validate_bundle(load_bundle([HERE / "six_tasks.bpmn"])), clock, "bench")
        actor = Actor("bench", roles=frozenset({"handler"}))
        result = service.start_case(PROCESS, {}, actor)
        print(json.dumps(measure("six_tasks/start", *case_row(service, result.reference), args.repeat)))
        for step in range(6):
            result = service.complete_task(result.tasks[0].id, {"field": step, **DATA[step]}, actor)
            row, version = case_row(service, result.reference)
            print(json.dumps(measure(f"six_tasks/step{step + 1}", row, version, args.repeat)), flush=True)

        desk = Desk(service, clock)
        ref = desk.acknowledged()
        desk.complete(ref, "assessment")
        desk.complete(ref, "investigation")
        print(json.dumps(measure("complaint/investigated", *case_row(service, ref), args.repeat)), flush=True)
        db.dispose()


if __name__ == "__main__":
    main()
