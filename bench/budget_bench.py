"""What the process code budget costs, on the complaint process's own paths.

The complaint process runs conditions, scripts, DMN cells and timer expressions at nearly every step (the
six-task benchmark runs none), so its paths are where a budget would show. Each round runs the same paths
(standard and accepted; high severity, sent back once, approved; withdrawn while waiting) through the engine
services on a SQLite file, once with the budget (guards compiled in, a budget per step) and once without
(the code compiled as before), in alternating order, so that a slow spell of the shared machine falls on
both alike. `ratio` is the median of the rounds' on/off ratios, `ratio_range` their spread.

A second line weighs the other option, evaluating process code in a separate process that could be killed:
it counts the evaluations the same paths make and times a round trip to a worker process over a pipe.
Prints JSON lines. Usage: python bench/budget_bench.py [--rounds R] [--cases N]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_desk(url: str):
    from engine.cases.service import CaseService
    from engine.core.clock import FixedClock
    from engine.store.db import Database
    from engine.store.migrate import upgrade
    from engine.tables import Base
    from tests.support.paths import Desk

    db = Database(url)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(db)
    clock = FixedClock(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))
    return Desk(CaseService(db, clock), clock)


def standard(desk) -> None:
    ref = desk.decided()
    desk.clock.advance(days=1)
    desk.tell(ref, "complainant_accept", {"comment": "Thank you."})
    desk.complete(ref, "closing", survey_opt_out=True)


def high_severity(desk) -> None:
    ref = desk.acknowledged(category="lending", product="Mortgage 0042")
    desk.complete(ref, "assessment", category="lending", impact="high", complexity="complex")
    desk.complete(ref, "investigation")
    desk.complete(ref, "response", redress_amount=100)
    desk.complete(ref, "approval", approved=False, approval_comments="Explain the fee history first.")
    desk.complete(ref, "response", redress_amount=100, reasons="Two wrong charges.")
    desk.complete(ref, "approval", approved=True)
    desk.complete(ref, "decision_letter")
    desk.tell(ref, "complainant_accept")
    desk.complete(ref, "closing")


def withdrawn(desk) -> None:
    ref = desk.acknowledged()
    desk.complete(ref, "assessment")
    desk.withdraw(ref)


PATHS = (standard, high_severity, withdrawn)


class Switch:
    """Budget on: the engine as shipped. Off: the same code compiled without guards and no step budget."""

    def __init__(self) -> None:
        from engine.bpmn import scripting, workflow

        self.workflow = workflow
        self.on = (workflow.SCRIPT_ENGINE, workflow.step_budget)
        self.off = (scripting.RestrictedScriptEngine(limits=None), lambda: None)

    def set(self, budget: bool) -> None:
        self.workflow.SCRIPT_ENGINE, self.workflow.step_budget = self.on if budget else self.off


def run_round(desk, cases: int) -> tuple[float, float, int]:
    """Wall time, this process's CPU time (what a busy shared machine disturbs least), paths run."""
    steps = 0
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(cases):
        for path in PATHS:
            path(desk)
            steps += 1
    return time.perf_counter() - start, time.process_time() - cpu, steps


def record_evaluations(desk) -> list[tuple[str, str, dict]]:
    """The expressions and scripts one round of the paths evaluates, with the data each one saw."""
    import copy

    from engine.bpmn.scripting import RestrictedEnvironment

    calls: list[tuple[str, str, dict]] = []
    evaluate, execute = RestrictedEnvironment.evaluate, RestrictedEnvironment.execute

    def recording(kind, method):
        def wrapper(self, source, context, external_context=None):
            calls.append((kind, source, copy.deepcopy({**context, **(external_context or {})})))
            return method(self, source, context, external_context)

        return wrapper

    RestrictedEnvironment.evaluate = recording("evaluate", evaluate)
    RestrictedEnvironment.execute = recording("execute", execute)
    try:
        run_round(desk, 1)
    finally:
        RestrictedEnvironment.evaluate, RestrictedEnvironment.execute = evaluate, execute
    return calls


def replay(calls: list[tuple[str, str, dict]], budget: bool, repeat: int) -> float:
    """Seconds to evaluate the recorded code `repeat` times, each pass one step's budget (as in a case)."""
    import copy

    from engine.bpmn import scripting
    from engine.bpmn.budget import step_budget

    env = scripting.RestrictedEnvironment(limits=scripting.LIMITS if budget else None)
    contexts = [copy.deepcopy(c) for _, _, c in calls for _ in range(repeat)]
    start = time.perf_counter()
    i = 0
    for _ in range(repeat):
        token = scripting.set_context(scripting.ScriptContext(budget=step_budget() if budget else None))
        for kind, source, _context in calls:
            context = contexts[i]
            i += 1
            # deadline() fails outside a case: the same for both settings
            with contextlib.suppress(Exception):
                (env.evaluate if kind == "evaluate" else env.execute)(source, context)
        scripting.reset_context(token)
    return time.perf_counter() - start


def _evaluator(conn) -> None:
    from engine.bpmn.scripting import RestrictedEnvironment

    env = RestrictedEnvironment()
    while True:
        message = conn.recv()
        if message is None:
            return
        expression, context = message
        conn.send(env.evaluate(expression, context))


def pipe_round_trip(samples: int = 2000) -> float:
    """Seconds per evaluation sent to a worker process and answered (a typical condition and case data)."""
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=_evaluator, args=(child,), daemon=True)
    proc.start()
    context = {"severity": "high", "redress_amount": 100, "category": "lending", "approved": True}
    context.update({f"field_{i}": "x" * 40 for i in range(40)})  # a complaint's data is about this size
    parent.send(("severity == 'high' or redress_amount > 500", context))
    parent.recv()
    start = time.perf_counter()
    for _ in range(samples):
        parent.send(("severity == 'high' or redress_amount > 500", context))
        parent.recv()
    elapsed = (time.perf_counter() - start) / samples
    parent.send(None)
    proc.join()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--cases", type=int, default=5, help="runs of each path per round and setting")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        desk = make_desk(f"sqlite:///{tmp}/budget.sqlite3")
        switch = Switch()
        for budget in (True, False):  # warm both: compile caches, spec cache
            switch.set(budget)
            run_round(desk, 1)
        times: dict[bool, list[float]] = {True: [], False: []}
        cpu: dict[bool, list[float]] = {True: [], False: []}
        paths = 0
        for r in range(args.rounds):
            for budget in (True, False) if r % 2 == 0 else (False, True):
                switch.set(budget)
                elapsed, used, paths = run_round(desk, args.cases)
                times[budget].append(elapsed)
                cpu[budget].append(used)
        switch.set(True)
        ratios = [on / off for on, off in zip(times[True], times[False], strict=True)]
        cpu_ratios = [on / off for on, off in zip(cpu[True], cpu[False], strict=True)]
        print(
            json.dumps(
                {
                    "bench": "budget_on_complaint_paths",
                    "db": "sqlite",
                    "rounds": args.rounds,
                    "paths_per_round": paths,
                    "ms_per_path_on": round(statistics.median(times[True]) / paths * 1000, 2),
                    "ms_per_path_off": round(statistics.median(times[False]) / paths * 1000, 2),
                    "ratio": round(statistics.median(ratios), 3),
                    "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)],
                    "cpu_ms_per_path_on": round(statistics.median(cpu[True]) / paths * 1000, 2),
                    "cpu_ms_per_path_off": round(statistics.median(cpu[False]) / paths * 1000, 2),
                    "cpu_ratio": round(statistics.median(cpu_ratios), 3),
                    "cpu_ratio_range": [round(min(cpu_ratios), 3), round(max(cpu_ratios), 3)],
                }
            )
        )
        calls = record_evaluations(desk)
    evaluations = len(calls)
    replays: dict[bool, list[float]] = {True: [], False: []}
    for r in range(args.rounds):
        for budget in (True, False) if r % 2 == 0 else (False, True):
            replays[budget].append(replay(calls, budget, 20))
    code_on = statistics.median(replays[True]) / 20 / len(PATHS) * 1000
    code_off = statistics.median(replays[False]) / 20 / len(PATHS) * 1000
    cpu_off_ms = statistics.median(cpu[False]) / paths * 1000
    print(
        json.dumps(
            {
                "bench": "process_code_alone",
                "evaluations_per_path": round(evaluations / len(PATHS), 1),
                "ms_per_path_on": round(code_on, 3),
                "ms_per_path_off": round(code_off, 3),
                "added_ms_per_path": round(code_on - code_off, 3),
                "share_of_cpu_per_path": round((code_on - code_off) / cpu_off_ms, 4),
            }
        )
    )
    per_call = pipe_round_trip()
    off_ms = statistics.median(times[False]) / paths * 1000
    added_ms = evaluations / len(PATHS) * per_call * 1000
    print(
        json.dumps(
            {
                "bench": "separate_process_option",
                "evaluations_per_path": round(evaluations / len(PATHS), 1),
                "pipe_round_trip_us": round(per_call * 1e6, 1),
                "added_ms_per_path": round(added_ms, 2),
                "estimated_ratio": round((off_ms + added_ms) / off_ms, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
