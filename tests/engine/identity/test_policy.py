"""Tokens expire within the configured maximum; passwords follow the policy (CLI and engine alike)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.core.errors import FormInvalid
from engine.identity.tables import ApiToken, User
from engine.identity.users import add_user
from tests.support.builders import make_user
from webapp.cli import cli


@pytest.fixture
def cli_env(db, monkeypatch):
    monkeypatch.setenv("REDRESSAL_DATABASE_URL", db.url)
    return CliRunner()


def _expiries(db) -> list[dt.datetime]:
    with db.read() as session:
        return list(session.scalars(select(ApiToken.expires_at)))


def test_the_cli_refuses_a_token_for_a_century(service, cli_env, monkeypatch):
    make_user(service, "crm", roles=("integration",))
    refused = cli_env.invoke(cli, ["users", "token", "crm", "--days", "36500"])
    assert refused.exit_code == 2 and "at most 90 days" in refused.output
    assert _expiries(service.db) == []
    issued = cli_env.invoke(cli, ["users", "token", "crm", "--days", "90"])
    assert issued.exit_code == 0, issued.output
    [expires] = _expiries(service.db)
    assert expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=90)
    monkeypatch.setenv("REDRESSAL_TOKEN_MAX_DAYS", "7")
    assert cli_env.invoke(cli, ["users", "token", "crm", "--days", "30"]).exit_code == 2
    assert cli_env.invoke(cli, ["users", "token", "crm", "--days", "0"]).exit_code == 2


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("x", "at least 12 characters"),
        ("hana.example", "cannot be the username"),
        ("HANA.EXAMPLE", "cannot be the username"),
        ("LeaveMeAlone", "most common passwords"),
        ("ilovemyfamily", "most common passwords"),
    ],
)
def test_the_cli_refuses_weak_passwords(service, cli_env, password, says):
    result = cli_env.invoke(
        cli, ["users", "add", "hana.example", "--password", password, "--role", "handler"]
    )
    assert result.exit_code == 2 and says in result.output, result.output
    assert "password" in result.output
    with service.db.read() as session:
        assert session.scalar(select(User).where(User.username == "hana.example")) is None


def test_a_good_password_is_accepted_and_the_engine_applies_the_same_policy(service, cli_env):
    result = cli_env.invoke(
        cli, ["users", "add", "hana", "--password", "tulip kettle harbour", "--role", "handler"]
    )
    assert result.exit_code == 0, result.output
    with service.db.write() as session, pytest.raises(FormInvalid) as caught:
        add_user(session, service.clock, "carl", password="short")
    assert list(caught.value.errors) == ["password"]
