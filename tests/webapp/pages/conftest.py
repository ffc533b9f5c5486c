"""Page test fixtures: the real processes and forms deployed, and a browser-like client that keeps cookies
and sends the CSRF token a page gave it."""

from __future__ import annotations

import re

import pytest

from tests.support.builders import ROOT, deploy

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def deployed(service):
    deploy(service, ROOT / "processes", forms=ROOT / "forms")
    return service


def csrf_of(response) -> str:
    """The CSRF token in a page's forms."""
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
