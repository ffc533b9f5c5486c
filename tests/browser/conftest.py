"""Fixtures for browser tests: one headless Debian Chromium per session, a fresh page per test.

Each test module here sets `pytestmark = pytest.mark.browser`, so `pytest -m "not browser"` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import CHROMIUM, live_site, require_browser_stack, static_server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (Playwright's own browser downloads are not reachable)."""
    require_browser_stack()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def static_url() -> Iterator[str]:
    """Base URL of a local server for /harness/ pages and /node_modules/ files."""
    with static_server() as url:
        yield url


@pytest.fixture
def page(chromium) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 900, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def desk(sqlite_db, clock):
    """A complaints desk on a fresh SQLite database: the real processes and forms, one person per group."""
    from engine.cases.service import CaseService
    from tests.conftest import _truncate
    from tests.support.paths import Desk

    _truncate(sqlite_db)
    return Desk(CaseService(sqlite_db, clock), clock)


@pytest.fixture
def site(desk, tmp_path) -> Iterator[str]:
    """The whole web application, served on a free local port, on the desk's database and clock."""
    with live_site(desk.service.db.url, desk.clock, tmp_path) as url:
        yield url


@pytest.fixture
def new_page(chromium) -> Iterator[Any]:
    """new_page(locale="fa-IR", javascript=True) -> a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make(locale: str = "en-GB", javascript: bool = True, width: int = 1000) -> Any:
        context = chromium.new_context(
            locale=locale, java_script_enabled=javascript, viewport={"width": width, "height": 900}
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Any, int]]:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it is sent: (collector, port)."""
    from aiosmtpd.controller import Controller

    from tests.support.mail import Collector, free_port

    collector, port = Collector(), free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    yield collector, port
    controller.stop()
