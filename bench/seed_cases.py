"""Seed open cases for the HTTP benchmark's task-list measurement (not part of `make test`).

Each case is made the way the engine makes one: a new workflow of the newest process version run to its
first wait, then written by the engine's own unit-of-work code (`engine.cases.store.save`: the case row, its
task index row and its audit event). The only difference from `CaseService.start_case` is the commit: 1,000
cases per transaction instead of one, so 100,000 cases take a couple of minutes instead of a quarter of an
hour. On PostgreSQL it then runs VACUUM ANALYZE, as autovacuum would shortly after such a load.
Usage: python bench/seed_cases.py DATABASE_URL [--cases 100000] [--process Process_complaint6]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine.bpmn import workflow as wfx  # noqa: E402
from engine.cases.references import new_reference  # noqa: E402
from engine.cases.service import CaseService  # noqa: E402
from engine.cases.store import save  # noqa: E402
from engine.cases.tables import Case  # noqa: E402
from engine.core.actors import Actor  # noqa: E402
from engine.store.db import Database  # noqa: E402

SEEDER = Actor("seed", roles=frozenset({"integration"}))


def _unique_references(service: CaseService, works: list) -> None:
    """Six random characters collide a few times in 100,000 cases: draw again, as the engine does."""
    while True:
        refs = [w.reference for w in works]
        with service.db.reading() as conn:
            taken = set(conn.scalars(select(Case.reference).where(Case.reference.in_(refs))))
        seen: set[str] = set()
        clashes = []
        for work in works:
            if work.reference in taken or work.reference in seen:
                clashes.append(work)
            seen.add(work.reference)
        if not clashes:
            return
        for work in clashes:
            work.reference = new_reference(work.version.reference_prefix, service.clock.now())
            for task in work.wf.get_tasks():
                if "case_reference" in task.data:
                    task.data["case_reference"] = work.reference


def seed(
    service: CaseService, process_id: str, cases: int, batch: int = 1000, data: dict | None = None
) -> float:
    """Start `cases` cases of `process_id` (each with a copy of `data`); returns the seconds it took."""
    started = time.perf_counter()
    with service.db.reading() as conn:
        version = service.specs.latest(conn, process_id)
    done = 0
    while done < cases:
        works = []
        for _ in range(min(batch, cases - done)):
            work = service.store.new(version, copy.deepcopy(data or {}), SEEDER.username)
            with service.store.running(work):
                wfx.run(work.wf)
            work.record(SEEDER.username, "start", data={})
            works.append(work)
        _unique_references(service, works)
        with service.db.transaction() as conn:
            now = service.clock.now()
            for work in works:
                save(conn, work, now, service.sla_profiles)
        done += len(works)
    if not service.db.is_sqlite:
        # What autovacuum does within a minute of a bulk load: statistics for the planner, and the visibility
        # map that lets counts read the index alone.
        with service.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text('VACUUM ANALYZE task, "case"'))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("database_url")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--process", default="Process_complaint6")
    args = parser.parse_args()
    service = CaseService(Database(args.database_url))
    seconds = seed(service, args.process, args.cases)
    print(json.dumps({"bench": "seed_cases", "cases": args.cases, "seconds": round(seconds, 1)}), flush=True)
    service.db.dispose()


if __name__ == "__main__":
    main()


def multiply(db: Database, target: int) -> int:
    """Copy case rows (only the `case` table) until there are `target`: for benchmarks whose pages look cases
    up by reference, where the size of the table and its indexes is what matters, not each case's history.
    Copies get the reference `<original's first 17 characters>.<round>.<id>` (unique, and within the column's
    40). Returns the number of rows now."""
    columns = [c.name for c in Case.__table__.columns if c.name not in ("id", "reference")]
    listed = ", ".join(f'"{c}"' for c in columns)
    with db.engine.begin() as conn:
        count = conn.scalar(select(func.count()).select_from(Case))
        round_ = 0
        while count and count < target:
            round_ += 1
            conn.execute(
                text(
                    f'INSERT INTO "case" (reference, {listed}) SELECT SUBSTR(reference, 1, 17) || :suffix || '
                    f'CAST(id AS VARCHAR(20)), {listed} FROM "case" ORDER BY id LIMIT :n'
                ),
                {"suffix": f".{round_}.", "n": min(count, target - count)},
            )
            count = conn.scalar(select(func.count()).select_from(Case))
    if not db.is_sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text('VACUUM ANALYZE "case"'))
    return count
