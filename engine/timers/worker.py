"""A timer worker: claim what is due, fire each in its own transaction, repeat while there is more.

`redressal serve` runs one inside the web process for a single node; production runs `redressal worker`
processes, as many as needed, on any nodes. APScheduler calls `tick` every second; a tick costs one indexed
query when nothing is due.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from engine.cases.service import CaseService
from engine.core.errors import ConflictError, EngineError
from engine.timers.claims import claim_due, next_due, release

log = logging.getLogger(__name__)


class TimerWorker:
    def __init__(self, service: CaseService, name: str | None = None, batch: int = 100) -> None:
        self.service = service
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batch = batch
        self.fired = 0
        self.failed = 0

    def tick(self) -> int:
        """Fire everything due now; returns how many timers fired."""
        fired = 0
        while True:
            now = self.service.clock.now()
            due = next_due(self.service.db, now)
            if due is None or due > now:
                return fired
            claimed = claim_due(self.service.db, self.name, now, self.batch)
            if not claimed:
                return fired
            retry = []
            for timer_id, _due_at in claimed:
                try:
                    if self.service.fire_timer(timer_id) is not None:
                        fired += 1
                except ConflictError:
                    retry.append(timer_id)  # the case changed under us: try again on the next pass
                except EngineError as exc:
                    # A broken process: keep the claim so it retries when the lease ends, not in a hot loop.
                    self.failed += 1
                    log.warning("timer %s could not fire: %s", timer_id, exc.detail)
                except Exception:
                    # Whatever one broken case does, the other due timers still fire.
                    self.failed += 1
                    log.exception("timer %s could not fire", timer_id)
            release(self.service.db, retry)
            self.fired += fired
            if len(claimed) < self.batch:
                return fired


def start_scheduler(service: CaseService, *, blocking: bool = False, interval: float = 1.0, extra_jobs=()):
    """APScheduler only wakes the worker each second; the database decides what is due."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    worker = TimerWorker(service)
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone="UTC")
    scheduler.add_job(
        worker.tick,
        "interval",
        seconds=interval,
        max_instances=1,
        coalesce=True,
        id="timers",
        next_run_time=service.clock.now(),
    )
    for job, seconds in extra_jobs:
        scheduler.add_job(job, "interval", seconds=seconds, max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler, worker
