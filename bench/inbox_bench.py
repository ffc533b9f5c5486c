"""Times the inbox query (first page, a filter, a search) with N cases in the database (not part of tests).

Seeding: `--templates` complaints (default 200) are filed through the engine on the real processes
(`CaseService.start_case`, intake data varied: names in several scripts, subjects, descriptions,
jurisdictions), a share of them acknowledged so that stages differ. Their rows (case, search text, task,
deadline records) are then copied in bulk, 5,000 rows per INSERT batch, with fresh ids, references and
task ids, the search text rewritten for the new reference, and the times shifted so that due times spread
over about a month around now (some overdue, some not). The copies keep the template's workflow state
bytes, so rows are as wide as real ones; only the audit trail is left out (the inbox never reads it). That
makes 100,000 cases take a minute or two instead of hours through the engine.

`--open-share` (default 1.0) is the share of copies that keep their open task: 1.0 is the worst case for an
inbox (every case open and in the handler's group); real databases hold mostly closed cases.

Each measurement runs the query `--runs` times (after one warm-up) and prints p50 and p95 in ms.
Usage: python bench/inbox_bench.py DATABASE_URL [--cases 100000] [--runs 30] [--open-share 1.0]
The database is emptied and migrated first: never point it at data you want to keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine.cases.inbox import InboxFilters, inbox  # noqa: E402
from engine.cases.service import CaseService  # noqa: E402
from engine.cases.store import CASE, TASK  # noqa: E402
from engine.cases.tables import CaseSearch  # noqa: E402
from engine.core.clock import FixedClock  # noqa: E402
from engine.deadlines.tables import CaseDeadline  # noqa: E402
from engine.identity.users import add_user, load_actor  # noqa: E402
from engine.registry import deploy_bundle, load_bundle, validate_bundle  # noqa: E402
from engine.store.db import Database  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402
from engine.tables import Base  # noqa: E402

ROOT = HERE.parent
DEADLINE = CaseDeadline.__table__
SEARCH = CaseSearch.__table__
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
NAMES = [
    "Ada Lovelace",
    "Élodie Durand",
    "Łukasz Nowak",
    "Nguyễn Văn An",
    "王小明",
    "سارا احمدی",
    "Grace Hopper",
]
SUBJECTS = [
    "Fee charged twice",
    "Card blocked abroad",
    "Late statement",
    "Rude staff at branch",
    "Lost cheque",
]
JURISDICTIONS = ["GB-ENG", "GB-SCT", "AU", "PL", "HK"]


def reset(db: Database) -> None:
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db)


def templates(service: CaseService, count: int) -> None:
    bundle = load_bundle([ROOT / "processes"], ROOT / "forms")
    with service.db.write() as session:
        deploy_bundle(session, validate_bundle(bundle), service.clock, "bench")
        add_user(
            session, service.clock, "hana", roles=["handler"], groups=["handlers", "supervisors", "safety"]
        )
    with service.db.read() as session:
        hana = load_actor(session, "hana")
    rnd = random.Random(7)
    for n in range(count):
        data = {
            # One complainant per template: a name then occurs in cases/templates cases (500 at 100,000).
            "complainant": {
                "name": f"{NAMES[n % len(NAMES)]} {n}",
                "email": f"c{n}@example.org",
                "language": "en",
            },
            "subject": f"{rnd.choice(SUBJECTS)} #{n}",
            "description": f"Complaint number {n}: {rnd.choice(SUBJECTS).lower()} and more words.",
            "category": "fees_and_charges",
            "product": "Current account",
            "consent_to_process": True,
            "channel": "phone",
            "received_by": "hana",
            "jurisdiction": rnd.choice(JURISDICTIONS),
        }
        result = service.start_case("complaint_handling", data, hana)
        if n % 3 == 0 and result.tasks and result.tasks[0].bpmn_id == "acknowledge":
            service.complete_task(
                result.tasks[0].id,
                {
                    "acknowledgement_channel": "email",
                    "acknowledged_at": NOW.isoformat(),
                    "handler_contact": "Hana, 0300 123 4567",
                },
                hana,
            )


def copy(db: Database, cases: int, open_share: float, batch: int = 5000) -> None:
    """Copy the template rows until there are `cases` cases."""
    with db.reading() as conn:
        case_rows = [dict(r._mapping) for r in conn.execute(select(CASE))]
        task_rows = {}
        for r in conn.execute(select(TASK)):
            task_rows.setdefault(r.case_id, []).append(dict(r._mapping))
        search_rows = {r.case_id: r.text for r in conn.execute(select(SEARCH))}
        deadline_rows = {}
        for r in conn.execute(select(DEADLINE)):
            deadline_rows.setdefault(r.case_id, []).append(dict(r._mapping))
        next_id = max(r["id"] for r in case_rows) + 1
        next_deadline = (conn.scalar(select(DEADLINE.c.id).order_by(DEADLINE.c.id.desc())) or 0) + 1
    rnd = random.Random(11)
    todo = cases - len(case_rows)
    while todo > 0:
        new_cases, new_tasks, new_deadlines, new_search = [], [], [], []
        for _ in range(min(batch, todo)):
            source = case_rows[rnd.randrange(len(case_rows))]
            shift = dt.timedelta(minutes=rnd.randrange(-30 * 24 * 60, 5 * 24 * 60))
            reference = f"CMP-2026-{next_id:08d}"
            row = dict(source, id=next_id, reference=reference)
            new_search.append(
                {
                    "case_id": next_id,
                    "text": search_rows[source["id"]].replace(
                        source["reference"].casefold(), reference.casefold()
                    ),
                }
            )
            row["created_at"] = source["created_at"] + shift
            row["updated_at"] = source["updated_at"] + shift
            new_cases.append(row)
            if rnd.random() < open_share:
                for t in task_rows.get(source["id"], []):
                    new_tasks.append(
                        dict(t, id=str(uuid.uuid4()), case_id=next_id, created_at=t["created_at"] + shift)
                    )
            for d in deadline_rows.get(source["id"], []):
                new_deadlines.append(dict(d, id=next_deadline, case_id=next_id, due_at=d["due_at"] + shift))
                next_deadline += 1
            next_id += 1
        with db.engine.begin() as conn:
            conn.execute(insert(CASE), new_cases)
            conn.execute(insert(SEARCH), new_search)
            if new_tasks:
                conn.execute(insert(TASK), new_tasks)
            if new_deadlines:
                conn.execute(insert(DEADLINE), new_deadlines)
        todo -= len(new_cases)
    if db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text('VACUUM ANALYZE task, "case", case_deadline'))


def timed(fn, runs: int) -> dict[str, float]:
    fn()  # warm-up: compiled statements, caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("database_url")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--templates", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--open-share", type=float, default=1.0)
    args = parser.parse_args()
    db = Database(args.database_url)
    service = CaseService(db, FixedClock(NOW))
    reset(db)
    started = time.perf_counter()
    templates(service, min(args.templates, args.cases))
    engine_seconds = time.perf_counter() - started
    copy(db, args.cases, args.open_share)
    seed_seconds = time.perf_counter() - started
    with db.read() as session:
        hana = load_actor(session, "hana")
    with db.reading() as conn:
        open_tasks = conn.scalar(text("SELECT count(*) FROM task"))
    figures = {
        "bench": "inbox",
        "database": "sqlite" if db.is_sqlite else "postgresql",
        "cases": args.cases,
        "open_tasks": open_tasks,
        "seed_seconds": round(seed_seconds, 1),
        "engine_seed_seconds": round(engine_seconds, 1),
        "first_page": timed(lambda: inbox(service, hana), args.runs),
        "filter_overdue_stage": timed(
            lambda: inbox(service, hana, InboxFilters(overdue=True, stage="assessment")), args.runs
        ),
        "search_name": timed(
            lambda: inbox(service, hana, InboxFilters(search="ŁUKASZ NOWAK 100")), args.runs
        ),
        "search_reference": timed(
            lambda: inbox(service, hana, InboxFilters(search=f"CMP-2026-{args.cases // 2:08d}")), args.runs
        ),
    }
    print(json.dumps(figures), flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
