"""Signing in to the staff pages in tests: a password for a Desk's people, then the sign-in form."""

from __future__ import annotations

import re
from typing import Any

from engine.identity.users import add_user
from tests.support.builders import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def give_password(service: Any, username: str, password: str = PASSWORD) -> None:
    """Desk people have no password (the engine tests need none); pages need one to sign in."""
    with service.db.write() as session:
        add_user(session, service.clock, username, password=password)


def sign_in(client: Any, service: Any, username: str) -> None:
    """A Flask test client signed in as `username` (given the tests' password first)."""
    give_password(service, username)
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = _CSRF.search(page).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/staff/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]


def sign_in_browser(page: Any, site: str, service: Any, username: str) -> None:
    """A Playwright page signed in as `username` through the sign-in form."""
    give_password(service, username)
    page.goto(f"{site}/staff/sign-in")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("form.panel button[type=submit]")
    page.wait_for_url(f"{site}/staff/**")
