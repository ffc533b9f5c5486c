"""Fixtures for browser tests: one headless Debian Chromium per session, a fresh page per test.

Each test module here sets `pytestmark = pytest.mark.browser`, so `pytest -m "not browser"` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import CHROMIUM, require_browser_stack, static_server


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
