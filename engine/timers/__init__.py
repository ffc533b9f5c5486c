"""Timers that never miss: the database says what is due, workers claim and fire, APScheduler only wakes."""

from engine.timers.claims import claim_due, next_due, release
from engine.timers.worker import TimerWorker

__all__ = ["TimerWorker", "claim_due", "next_due", "release"]
