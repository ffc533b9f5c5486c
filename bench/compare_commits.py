"""Benchmark two commits of the engine alternately in one session, so a slow spell falls on both alike.

Each commit is checked out into a temporary worktree and `bench/engine_bench.py` of *that* commit runs there,
in turns: A, B, A, B, ... The engine lines' `ratio_to_raw` (engine speed over raw SpiffWorkflow, measured in
the same run) are collected per commit, and the medians compared.
Usage: python bench/compare_commits.py OLD NEW [--runs 3] [--cases 300] [--rounds 10] [--pg URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(url: str) -> None:
    """Each run starts on an empty database: the two commits' schemas differ, and so do their resets."""
    from sqlalchemy import create_engine, text

    base, _, name = url.rpartition("/")
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def run(worktree: Path, args: argparse.Namespace, pg: str) -> dict[str, dict]:
    # engine_bench.py runs on a database of its own, `redressal_bench`, beside the one --pg names.
    fresh_database(pg.rsplit("/", 1)[0] + "/redressal_bench")
    cmd = [sys.executable, "bench/engine_bench.py", "--cases", str(args.cases), "--rounds", str(args.rounds)]
    cmd += ["--pg", pg]
    done = subprocess.run(cmd, cwd=worktree, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{worktree.name}: engine_bench failed:\n{done.stderr[-3000:]}")
    out = done.stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {line.get("db") or "raw": line for line in lines}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/bench_compare")
    args = parser.parse_args()
    results: dict[str, list[dict]] = {args.old: [], args.new: []}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {}
        for rev in (args.old, args.new):
            tree = Path(tmp) / rev.replace("/", "_")
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(tree), rev],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            trees[rev] = tree
        try:
            for n in range(args.runs):
                for n_rev, rev in enumerate((args.old, args.new)):
                    # Each commit on a database of its own: their schemas differ.
                    lines = run(trees[rev], args, f"{args.pg}_{n_rev}")
                    results[rev].append(lines)
                    print(json.dumps({"run": n + 1, "commit": rev, "lines": lines}), flush=True)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    summary = {}
    for rev, runs in results.items():
        for runner in ("sqlite", "postgresql"):
            ratios = [r[runner]["ratio_to_raw"] for r in runs if runner in r and "ratio_to_raw" in r[runner]]
            if ratios:
                summary.setdefault(runner, {})[rev] = round(statistics.median(ratios), 3)
    for by_rev in summary.values():
        old, new = by_rev.get(args.old), by_rev.get(args.new)
        if old and new:
            by_rev["difference"] = f"{(new / old - 1) * 100:+.1f}%"
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    main()
