"""Tracking test helpers: settings with a key of the test's own, a transport that keeps what it sends, and
complaints filed through the engine's intake (the public door) on the real processes."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

from engine.complaints import intake
from engine.complaints.settings import TrackingSettings
from engine.core.actors import Actor
from engine.letters.transport import Mail
from tests.support.api import complaint

KEY = b"a test key for case codes, 32+ bytes"
PUBLIC_URL = "https://complaints.bank.example"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/track/open/([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\b")


def settings(**overrides: Any) -> TrackingSettings:
    values: dict[str, Any] = {"secret_key": KEY, "public_url": PUBLIC_URL, **overrides}
    return TrackingSettings(**values)


class MemoryTransport:
    """Keeps every mail it is given, in order: the letters exactly as a complainant would read them."""

    def __init__(self, from_addr: str = "Complaints <complaints@bank.example>") -> None:
        self.from_addr = from_addr
        self.sent: list[Mail] = []

    @contextlib.contextmanager
    def session(self) -> Iterator[Callable[[Mail], None]]:
        yield self.sent.append


def file(service, tracking: TrackingSettings, actor: Actor | None = None, **overrides: Any) -> dict[str, Any]:
    """A complaint through the engine's intake: the public's (actor None) or one logged by staff."""
    return intake.submit(service, complaint(**overrides), actor, settings=tracking)


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def at(clock, **delta: float) -> dt.datetime:
    return clock.now() + dt.timedelta(**delta)
