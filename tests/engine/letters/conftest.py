"""A real SMTP server on loopback (aiosmtpd) and helpers that queue outbox rows as the engine does."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.support.mail import Collector, free_port


@pytest.fixture
def start_smtp() -> Iterator[Callable[[int | None], tuple[Collector, int]]]:
    """Start an SMTP server on a given (or a free) port; stopped at the end of the test."""
    controllers: list[Controller] = []

    def start(port: int | None = None) -> tuple[Collector, int]:
        collector = Collector()
        port = port or free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return collector, port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(start_smtp) -> tuple[Collector, int]:
    return start_smtp()
