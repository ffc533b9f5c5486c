"""Time as a dependency: services ask a Clock, so tests move time instead of sleeping.

SpiffWorkflow reads `datetime.now()` itself when it decides whether a timer is due. We replace the `datetime`
name in its timer module with a subclass whose `now()` asks the clock of the service call in progress
(a context variable), so an injected clock governs the engine and SpiffWorkflow alike, thread by thread.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
from collections.abc import Iterator
from typing import Protocol

UTC = _dt.UTC


class Clock(Protocol):
    def now(self) -> _dt.datetime:
        """The current time, always timezone-aware."""


class SystemClock:
    def now(self) -> _dt.datetime:
        return _dt.datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move; for tests and replays."""

    def __init__(self, at: _dt.datetime | str) -> None:
        at = _dt.datetime.fromisoformat(at) if isinstance(at, str) else at
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> _dt.datetime:
        return self._at

    def advance(self, **delta: float) -> _dt.datetime:
        self._at += _dt.timedelta(**delta)
        return self._at

    def set(self, at: _dt.datetime) -> None:
        self._at = at


_current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("redressal_clock", default=None)


class _ClockDatetime(_dt.datetime):
    """`datetime` as SpiffWorkflow's timer module sees it: `now()` follows the active Clock."""

    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:  # type: ignore[override]
        clock = _current.get()
        if clock is None:
            return _dt.datetime.now(tz)
        now = clock.now()
        return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)


def _install() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockDatetime


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[None]:
    """Make `clock` the time source of SpiffWorkflow's timers for the duration of a service call."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


_install()
