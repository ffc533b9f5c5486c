"""Every response carries the security headers; those with personal data are never cached."""

from __future__ import annotations

import pytest

from tests.support.api import complaint


@pytest.fixture
def responses(client, processes, handler):
    created = client.post("/api/v1/complaints", json=complaint())
    body = created.get_json()
    reference, track = body["reference"], {"X-Tracking-Token": body["tracking_token"]}
    return {
        "intake": created,
        "tracking": client.get(f"/api/v1/track/{reference}", headers=track),
        "case detail": client.get(f"/api/v1/cases/{reference}", headers=handler),
        "inbox": client.get("/api/v1/tasks", headers=handler),
        "problem": client.get("/api/v1/cases/CMP-2026-ZZZZZZZZ", headers=handler),
        "no token": client.get("/api/v1/cases"),
        "openapi": client.get("/api/v1/openapi.json"),
        "health": client.get("/health"),
        "page": client.get("/"),
        "unknown url": client.get("/no/such/page"),
    }


def test_every_response_has_the_security_headers(responses):
    for what, response in responses.items():
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", what
        assert headers.get("Referrer-Policy") == "no-referrer", what
        assert headers.get("X-Frame-Options") == "DENY", what
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), what


@pytest.mark.parametrize("what", ["intake", "tracking", "case detail", "inbox", "problem"])
def test_personal_data_is_never_stored_by_caches(responses, what):
    assert "no-store" in responses[what].headers.get("Cache-Control", "")
