"""Bodies too large, malformed JSON, rate limits, odd input: always a problem+json answer, never a 500."""

from __future__ import annotations

import pytest

from tests.support.api import complaint, problem_of
from webapp import create_app


def test_bodies_over_the_limit_get_413(client, processes, app):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    body = complaint(description="x" * 5000)
    problem_of(client.post("/api/v1/complaints", json=body), 413)


def test_malformed_json_gets_400(client, processes, handler):
    response = client.post("/api/v1/complaints", data="{not json", content_type="application/json")
    assert "JSON" in problem_of(response, 400)["detail"]
    problem_of(
        client.post("/api/v1/cases", data="[1,", content_type="application/json", headers=handler), 400
    )


def test_a_json_body_of_the_wrong_shape_gets_422(client, processes):
    problem_of(client.post("/api/v1/complaints", json=[1, 2]), 422)
    problem_of(client.post("/api/v1/complaints", json="text"), 422)


def test_nul_characters_are_refused_cleanly(client, processes, handler):
    body = problem_of(client.post("/api/v1/complaints", json=complaint(subject="a\x00b")), 422)
    assert list(body["errors"]) == ["subject"]
    problem_of(client.get("/api/v1/cases/CMP%00", headers=handler), 404)
    problem_of(client.post("/api/v1/auth/token", json={"username": "a\x00", "password": "x"}), 422)


def test_unknown_routes_and_methods_are_problems_too(client):
    problem_of(client.get("/api/v1/nothing"), 404)
    response = client.put("/api/v1/complaints", json={})
    problem_of(response, 405)


def test_openapi_document_is_served(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


@pytest.fixture
def limited_client(app_config):
    app = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "REDRESSAL_RATELIMIT_PUBLIC": "3 per minute",
            "REDRESSAL_RATELIMIT_SIGN_IN": "2 per minute",
        }
    )
    yield app.test_client()
    app.extensions["redressal"].db.dispose()


def test_public_endpoints_are_rate_limited(limited_client, processes):
    statuses = [limited_client.get("/api/v1/track/CMP-2026-AAAAAA").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    response = limited_client.get("/api/v1/track/CMP-2026-AAAAAA")
    problem_of(response, 429)
    assert response.headers.get("Retry-After")
    sign_ins = [
        limited_client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).status_code
        for _ in range(3)
    ]
    assert sign_ins == [401, 401, 429]
