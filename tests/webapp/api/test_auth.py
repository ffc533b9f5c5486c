"""Bearer tokens: sign-in, use, expiry, revocation, the CLI, and roles."""

from __future__ import annotations

from click.testing import CliRunner

from tests.support.api import problem_of
from tests.support.builders import make_user
from webapp.cli import cli


def test_sign_in_gives_a_token_that_works_until_revoked(client, service):
    make_user(service, "hana", "handlers")
    signed = client.post("/api/v1/auth/token", json={"username": "hana", "password": "pw"})
    assert signed.status_code == 201
    token = signed.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200

    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    body = problem_of(client.get("/api/v1/tasks", headers=headers), 401)
    assert "revoked" in body["detail"]


def test_wrong_password_and_unknown_user_get_the_same_401(client, service):
    make_user(service, "hana", "handlers")
    wrong = problem_of(client.post("/api/v1/auth/token", json={"username": "hana", "password": "no"}), 401)
    unknown = problem_of(client.post("/api/v1/auth/token", json={"username": "zed", "password": "no"}), 401)
    assert wrong == unknown


def test_sign_in_validates_its_body(client):
    body = problem_of(client.post("/api/v1/auth/token", json={"username": "hana", "pass": "x"}), 422)
    assert body["errors"] == {"password": ["Missing data for required field."], "pass": ["Unknown field."]}


def test_tokens_expire(client, service, clock, app):
    make_user(service, "hana", "handlers")
    app.config["REDRESSAL_TOKEN_TTL"] = 60
    token = client.post("/api/v1/auth/token", json={"username": "hana", "password": "pw"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(seconds=59)
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    clock.advance(seconds=2)
    assert "expired" in problem_of(client.get("/api/v1/tasks", headers=headers), 401)["detail"]


def test_missing_or_malformed_credentials_are_401_with_a_challenge(client):
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer nonsense"}):
        response = client.get("/api/v1/cases", headers=headers)
        problem_of(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_user_token_stops_working(client, service, login):
    from engine.identity.tables import User

    headers = login("hana", "handlers")
    with service.db.write() as session:
        session.query(User).filter_by(username="hana").update({"active": False})
    problem_of(client.get("/api/v1/tasks", headers=headers), 401)


def test_cli_issues_a_token(client, service, db, monkeypatch):
    make_user(service, "integration-crm", roles=("integration",))
    monkeypatch.setenv("REDRESSAL_DATABASE_URL", db.url)
    result = CliRunner().invoke(cli, ["users", "token", "integration-crm", "--days", "1"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert token.startswith("rdr_")
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    refused = CliRunner().invoke(cli, ["users", "token", "nobody"])
    assert refused.exit_code == 2


def test_roles_decide_what_a_caller_may_do(client, processes, login):
    auditor = login("audrey", roles=("auditor",))
    assert client.get("/api/v1/cases", headers=auditor).status_code == 200
    body = problem_of(client.post("/api/v1/cases", headers=auditor, json={"process_id": "x"}), 403)
    assert "role" in body["detail"]
    owner = login("olive", roles=("process_owner",))
    problem_of(client.post("/api/v1/cases/CMP-2026-AAAAAA/messages", headers=owner, json={"name": "x"}), 403)


def test_only_the_hash_of_a_token_is_stored(client, service):
    from sqlalchemy import select

    from engine.identity.tables import ApiToken

    make_user(service, "hana", "handlers")
    token = client.post("/api/v1/auth/token", json={"username": "hana", "password": "pw"}).get_json()["token"]
    with service.db.read() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_a_checked_token_is_trusted_for_seconds_only(client, service, login, app):
    from sqlalchemy import update

    from engine.identity.tables import ApiToken
    from engine.identity.tokens import TokenCache

    now = [100.0]
    app.extensions["redressal.tokens"] = TokenCache(2.0, monotonic=lambda: now[0])
    headers = login("hana", "handlers")
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    # Another server process revokes the token: this one trusts its answer for two more seconds at most.
    with service.db.write() as session:
        session.execute(update(ApiToken).values(revoked_at=service.clock.now()))
    now[0] += 1.5
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    now[0] += 1.0
    problem_of(client.get("/api/v1/tasks", headers=headers), 401)
