"""Signing staff in for page and browser tests: Desk people get a password, then use the sign-in page."""

from __future__ import annotations

import re
from typing import Any

from engine.identity.users import add_user
from tests.support.builders import PASSWORD, make_user

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def give_password(service: Any, username: str, password: str = PASSWORD) -> None:
    """Desk people have no password (the engine tests need none); pages need one to sign in."""
    with service.db.write() as session:
        add_user(session, service.clock, username, password=password)


def sign_in_with_password(client: Any, service: Any, username: str) -> None:
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


def with_password(desk: Any, *usernames: str) -> None:
    """Give Desk people (created without one) the tests' password, keeping their groups and roles."""
    for username in usernames:
        person = next(
            p
            for p in (desk.handler, desk.supervisor, desk.safety, desk.disputes, desk.provider)
            if p.username == username
        )
        make_user(desk.service, username, *sorted(person.groups), roles=tuple(sorted(person.roles)))


def page_token(response: Any) -> str:
    """The CSRF token in a page's forms."""
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: Any, username: str) -> str:
    """Sign `username` in through the page; returns the session's CSRF token."""
    token = page_token(client.get("/staff/sign-in"))
    answer = client.post(
        "/staff/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return page_token(client.get(answer.headers["Location"], follow_redirects=True))


def browser_sign_in(page: Any, site: str, username: str) -> None:
    """Sign in in a Playwright page."""
    page.goto(site + "/staff/sign-in")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("form.panel button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/(inbox)?$"))
