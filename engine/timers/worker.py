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

from engine.bpmn.budget import time_limit
from engine.cases.service import CaseService
from engine.core.errors import ConflictError
from engine.timers.claims import claim_due, next_due, release
from engine.timers.incidents import RetryPolicy, timer_failed

log = logging.getLogger(__name__)


class TimerWorker:
    def __init__(
        self,
        service: CaseService,
        name: str | None = None,
        batch: int = 100,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.service = service
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batch = batch
        self.policy = policy or RetryPolicy.from_env()
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
                    # The process code budget ends at the time limit, so a looping script fails here.
                    with time_limit(self.policy.time_limit):
                        if self.service.fire_timer(timer_id) is not None:
                            fired += 1
                except ConflictError:
                    retry.append(timer_id)  # the case changed under us: try again on the next pass
                except Exception as exc:
                    # Whatever one broken case does, the other due timers still fire.
                    self.failed += 1
                    self._failed(timer_id, exc)
            release(self.service.db, retry)
            self.fired += fired
            if len(claimed) < self.batch:
                return fired

    def _failed(self, timer_id: str, exc: Exception) -> None:
        """Set the timer aside until its next try (backoff), or park it as an incident when tries run out."""
        log.warning("timer %s could not fire: %s", timer_id, getattr(exc, "detail", exc))
        try:
            incident = timer_failed(self.service, timer_id, exc, self.policy, self.name)
        except Exception:  # the claim's lease runs out and the next try comes then
            log.exception("timer %s: its failure could not be recorded", timer_id)
            return
        if incident is not None:
            log.error("timer %s failed %d times: incident %s opened", timer_id, self.policy.tries, incident)


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
