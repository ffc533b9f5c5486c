"""What API tests share: their fixtures folder, a valid public complaint, reading a problem+json answer."""

from __future__ import annotations

from tests.support.builders import ROOT

FIXTURES = ROOT / "tests" / "webapp" / "fixtures"


INTAKE_FORM = ROOT / "forms" / "complaint_intake.json"


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
