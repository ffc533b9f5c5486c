"""Portal benchmark: server time of the public pages with many complaints in the database (not a test).

1. Each public page (how to complain, complain, track, opening a complaint with its code, the tracked
   complaint) rendered REQUESTS times through the application in this process (Flask's test client: no
   network, so the time is the server's own), with CASES complaint cases in the database: REAL of them
   started by the engine, the rest copies of their case rows (bench/seed_cases.py): p50 and p95 in ms.
2. A complaint filed through the form (`POST /complain`) against the same complaint through the API
   (`POST /api/v1/complaints`), alternating, in one run: the form's extra server time, p50 and mean.
Usage: python bench/portal_bench.py [--pg [URL]] [--cases 100000] [--requests 300] [--posts 200]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from engine.cases.service import CaseService  # noqa: E402
from engine.complaints import intake  # noqa: E402
from engine.registry.bundle import load_bundle  # noqa: E402
from engine.registry.deploy import deploy_bundle  # noqa: E402
from engine.registry.validate import validate_bundle  # noqa: E402
from engine.store.db import Database  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402

PG_DEFAULT = os.environ.get("REDRESSAL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
COMPLAINT = {
    "complainant": {"name": "Ada Lovelace", "email": "ada@example.org", "language": "en"},
    "subject": "Monthly fee charged twice",
    "category": "fees_and_charges",
    "description": "The monthly account fee was taken twice in October.",
    "jurisdiction": "GB-ENG",
}
FORM = {
    "complainant.name": "Ada Lovelace",
    "complainant.email": "ada@example.org",
    "complainant.language": "en",
    "subject": "Monthly fee charged twice",
    "category": "fees_and_charges",
    "description": "The monthly account fee was taken twice in October.",
    "jurisdiction": "GB-ENG",
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2)


def prepare(url: str, cases: int, real: int) -> float:
    """`real` complaints started by the engine, then their case rows copied up to `cases` (seed_cases.py)."""
    from seed_cases import multiply, seed

    db = Database(url)
    upgrade(db)
    service = CaseService(db)
    bundle = load_bundle([ROOT / "processes"], ROOT / "forms")
    with db.write() as session:
        deploy_bundle(session, validate_bundle(bundle), service.clock, "bench")
    data = {**COMPLAINT, "channel": "web", "received_at": service.clock.now().isoformat()}
    started = time.perf_counter()
    seed(service, "complaint_handling", min(real, cases), data=data)
    multiply(db, cases)
    db.dispose()
    seconds = time.perf_counter() - started
    return seconds


def timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code < 400, (response.status_code, response.get_data(as_text=True)[:300])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pg", nargs="?", const=PG_DEFAULT, default=None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--real", type=int, default=1000, help="cases started by the engine before copying")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.pg:
            from engine_bench import ensure_pg_database

            url, label = ensure_pg_database(args.pg), "postgresql"
        else:
            url, label = f"sqlite:///{tmp}/bench.sqlite3", "sqlite"
        seconds = prepare(url, args.cases, args.real)
        from webapp import create_app

        app = create_app(
            {
                "REDRESSAL_DATABASE_URL": url,
                "RATELIMIT_ENABLED": False,
                "SECRET_KEY": "bench",
                "REDRESSAL_ATTACHMENTS_DIR": f"{tmp}/attachments",
            }
        )
        client = app.test_client()
        made = intake.submit(app.extensions["redressal"], COMPLAINT, None)
        reference, code = made["reference"], made["case_code"]
        token = _CSRF.search(client.get("/track").get_data(as_text=True)).group(1)
        opened = client.post("/track", data={"reference": reference, "code": code, "csrf_token": token})
        client.get("/track/case")
        assert opened.status_code == 303, opened.status_code
        pages = {
            "how_to_complain": lambda: client.get("/"),
            "complain": lambda: client.get("/complain"),
            "track": lambda: client.get("/track?other=1"),
            "tracked_case": lambda: client.get("/track/case"),
        }

        typed = {"reference": reference, "code": code, "csrf_token": token}

        def open_with_code() -> float:
            return timed(lambda: client.post("/track", data=typed))

        for call in pages.values():  # warm-up: templates compiled, specs cached, connections pooled
            for _ in range(5):
                timed(call)
        measured = {name: (lambda call=call: timed(call)) for name, call in pages.items()}
        measured["open_with_code"] = open_with_code
        for name, measure in measured.items():
            samples = [measure() for _ in range(args.requests)]
            print(
                json.dumps(
                    {
                        "bench": "portal_page",
                        "db": label,
                        "page": name,
                        "cases": args.cases,
                        "p50_ms": pct(samples, 50),
                        "p95_ms": pct(samples, 95),
                    }
                ),
                flush=True,
            )
        form_client = app.test_client()
        form_token = _CSRF.search(form_client.get("/complain").get_data(as_text=True)).group(1)
        api, form = [], []
        for _ in range(args.posts):
            api.append(timed(lambda: client.post("/api/v1/complaints", json=COMPLAINT)))
            form.append(timed(lambda: form_client.post("/complain", data={**FORM, "csrf_token": form_token})))
        print(
            json.dumps(
                {
                    "bench": "portal_complaint_post",
                    "db": label,
                    "cases": args.cases,
                    "seed_seconds": round(seconds, 1),
                    "api_p50_ms": pct(api, 50),
                    "form_p50_ms": pct(form, 50),
                    "extra_p50_ms": round(pct(form, 50) - pct(api, 50), 2),
                    "extra_mean_ms": round((statistics.mean(form) - statistics.mean(api)) * 1000, 2),
                }
            ),
            flush=True,
        )
        app.extensions["redressal"].db.dispose()


if __name__ == "__main__":
    main()
