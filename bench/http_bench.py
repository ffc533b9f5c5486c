"""HTTP benchmark: a real server on loopback, a client with several keep-alive threads (not a test).

1. Task completions per second through `POST /api/v1/tasks/{id}/complete` on the six-task process, each case
   started with `POST /api/v1/cases` (the rate counts completions over the whole run, starts included).
2. `GET /api/v1/tasks` latency with 100,000 open cases in the database (seeded by bench/seed_cases.py).

The server is `redressal serve` (waitress) in its own process, against a fresh SQLite file, or with --pg the
PostgreSQL database `redressal_bench` (emptied first). Prints one JSON line per measurement.
Usage: python bench/http_bench.py [--pg [URL]] [--cases 500] [--threads 2] [--list-cases 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

PROCESS = "Process_complaint6"
DATA = {"summary": "Fee charged twice", "approved": True}
PG_DEFAULT = os.environ.get("REDRESSAL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def prepare(url: str) -> None:
    """A fresh schema, the benchmark user and the six-task process."""
    from sqlalchemy import text

    from engine.core.clock import SystemClock
    from engine.identity.users import add_user
    from engine.registry import deploy_bundle, load_bundle, validate_bundle
    from engine.store.db import Database
    from engine.store.migrate import upgrade
    from engine.tables import Base

    db = Database(url)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db)
    with db.write() as session:
        add_user(
            session,
            SystemClock(),
            "bench",
            password="bench",
            roles=["handler", "integration"],
            groups=["handlers"],
        )
        deploy_bundle(
            session, validate_bundle(load_bundle([HERE / "six_tasks.bpmn"])), SystemClock(), "bench"
        )
    db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, threads: int, log: Path) -> subprocess.Popen:
    """`redressal serve` (waitress) in a process of its own, without the timer scheduler."""
    env = {**os.environ, "REDRESSAL_DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    serve = "from webapp.cli import main; main()"
    command = [sys.executable, "-c", serve, "serve", "--port", str(port), "--threads", str(threads)]
    command.append("--no-scheduler")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"the server did not start; see {log}")


def sign_in(base: str) -> dict[str, str]:
    response = requests.post(f"{base}/api/v1/auth/token", json={"username": "bench", "password": "bench"})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2)


def completions(base: str, headers: dict[str, str], cases: int, threads: int) -> dict:
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        session = requests.Session()
        session.headers.update(headers)
        mine = []
        for _ in range(count):
            case = session.post(f"{base}/api/v1/cases", json={"process_id": PROCESS})
            if case.status_code != 201:
                errors.append(case.text)
                return
            task = case.json()["tasks"][0]["id"]
            for step in range(6):
                t0 = time.perf_counter()
                done = session.post(
                    f"{base}/api/v1/tasks/{task}/complete", json={"data": {"field": step, **DATA}}
                )
                mine.append(time.perf_counter() - t0)
                if done.status_code != 200:
                    errors.append(done.text)
                    return
                tasks = done.json()["tasks"]
                task = tasks[0]["id"] if tasks else None
        with lock:
            timings.extend(mine)

    share = [cases // threads + (1 if n < cases % threads else 0) for n in range(threads)]
    pool = [threading.Thread(target=worker, args=(n,)) for n in share]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"requests failed: {errors[:3]}")
    return {
        "cases": cases,
        "completions": len(timings),
        "client_threads": threads,
        "completions_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": pct(timings, 50),
        "p95_ms": pct(timings, 95),
    }


def task_list(base: str, headers: dict[str, str], requests_count: int) -> dict:
    session = requests.Session()
    session.headers.update(headers)
    timings = []
    total = None
    for n in range(requests_count + 20):
        t0 = time.perf_counter()
        response = session.get(f"{base}/api/v1/tasks")
        elapsed = time.perf_counter() - t0
        response.raise_for_status()
        total = response.json()["total"]
        if n >= 20:  # the first few warm the caches of both processes
            timings.append(elapsed)
    return {
        "requests": requests_count,
        "open_tasks": total,
        "p50_ms": pct(timings, 50),
        "p95_ms": pct(timings, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--pg",
        nargs="?",
        const=PG_DEFAULT,
        default=None,
        help="benchmark PostgreSQL (database redressal_bench beside this URL)",
    )
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2, help="client threads (keep-alive sessions)")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=1,
        help="waitress threads (one is fastest on SQLite: no GIL fights)",
    )
    parser.add_argument(
        "--list-cases", type=int, default=100_000, help="open cases for the task list (0: skip)"
    )
    parser.add_argument("--list-requests", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.pg:
            from engine_bench import ensure_pg_database

            url, label = ensure_pg_database(args.pg), "postgresql"
        else:
            url, label = f"sqlite:///{tmp}/bench.sqlite3", "sqlite"
        prepare(url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, args.server_threads, Path(tmp) / "server.log")
        try:
            headers = sign_in(base)
            completions(base, headers, 10, 2)  # warm-up: specs cached, connections pooled
            result = completions(base, headers, args.cases, args.threads)
            print(json.dumps({"bench": "http_completions", "db": label, **result}), flush=True)
            if args.list_cases:
                from seed_cases import seed

                from engine.cases.service import CaseService
                from engine.store.db import Database

                service = CaseService(Database(url))
                seconds = seed(service, PROCESS, args.list_cases)
                service.db.dispose()
                listed = task_list(base, headers, args.list_requests)
                print(
                    json.dumps(
                        {
                            "bench": "http_task_list",
                            "db": label,
                            "seeded_cases": args.list_cases,
                            "seed_seconds": round(seconds, 1),
                            **listed,
                        }
                    ),
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
