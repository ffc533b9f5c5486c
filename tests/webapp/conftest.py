"""API test fixtures: the Flask app on the real test databases, users with tokens, deployed fixtures.

The app gets its own CaseService on the same database as the `service` fixture, with the same moveable clock,
so tests can set things up through engine services and then act through HTTP like a client would.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.identity import tokens as auth
from tests.support.api import FIXTURES, INTAKE_FORM
from tests.support.builders import deploy, make_user
from tests.support.tracking import settings as tracking_settings
from webapp import create_app


@pytest.fixture
def app_config(db, clock, tmp_path) -> dict:
    return {
        "TESTING": True,
        "REDRESSAL_DATABASE_URL": db.url,
        "CLOCK": clock,
        "RATELIMIT_ENABLED": False,
        "REDRESSAL_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "REDRESSAL_TRACKING": tracking_settings(),
    }


@pytest.fixture
def app(app_config) -> Iterator:
    application = create_app(app_config)
    yield application
    application.extensions["redressal"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def processes(service):
    """The fixture complaint and dispute processes, with the real intake form (the API's contract)."""
    deploy(
        service,
        FIXTURES / "processes" / "complaint_handling.bpmn",
        FIXTURES / "processes" / "dispute_resolution.bpmn",
        FIXTURES / "forms" / "review.json",
        FIXTURES / "forms" / "referral.json",
        INTAKE_FORM,
    )
    return service


@pytest.fixture
def login(service):
    """login(username, *groups, roles=(...)) -> headers with a fresh bearer token for a new user."""

    def _login(username: str, *groups: str, roles: tuple[str, ...] = ("handler",)) -> dict[str, str]:
        make_user(service, username, *groups, roles=roles)
        token, _ = auth.issue_for(service.db, service.clock, username)
        return {"Authorization": f"Bearer {token}"}

    return _login


@pytest.fixture
def handler(login) -> dict[str, str]:
    return login("hana", "handlers", "disputes")
