"""API test fixtures: the Flask app on the real test databases, users with tokens, deployed fixtures.

The app gets its own CaseService on the same database as the `service` fixture, with the same moveable clock,
so tests can set things up through engine services and then act through HTTP like a client would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.identity import tokens as auth
from tests.conftest import ROOT, deploy, make_user
from webapp import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INTAKE_FORM = ROOT / "forms" / "complaint_intake.json"


@pytest.fixture
def app_config(db, clock, tmp_path) -> dict:
    return {
        "TESTING": True,
        "REDRESSAL_DATABASE_URL": db.url,
        "CLOCK": clock,
        "RATELIMIT_ENABLED": False,
        "REDRESSAL_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
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


def complaint(**overrides) -> dict:
    """A valid public complaint body."""
    body = {
        "complainant": {"name": "Ana Example", "email": "ana@example.org", "language": "en"},
        "channel": "web",
        "subject": "Fee charged twice",
        "description": "My monthly account fee was taken twice in March.",
        "product": "Current account",
        "category": "fees_and_charges",
        "jurisdiction": "GB-ENG",
        "consent": True,
    }
    body.update(overrides)
    return body


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"]
    return body
