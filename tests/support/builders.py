"""What every test may use: paths, the start of the test clock, deploying processes, making users."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from engine.cases.service import CaseService
from engine.core.actors import Actor
from engine.disputes import organisations
from engine.identity.users import add_user, load_actor
from engine.registry import deploy_bundle, load_bundle, validate_bundle

ROOT = Path(__file__).resolve().parents[2]


FIXTURES = ROOT / "tests" / "fixtures"


PG_URL = os.environ.get("REDRESSAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # a Monday
PASSWORD = "a long passphrase for tests"  # passes the password policy


def deploy(service: CaseService, *paths: str | Path, forms: str | Path | None = None) -> list:
    bundle = load_bundle([Path(p) for p in paths], forms)
    with service.db.write() as session:
        return deploy_bundle(session, validate_bundle(bundle), service.clock, "test")


def make_user(
    service: CaseService, username: str, *groups: str, roles: tuple[str, ...] = ("handler",)
) -> Actor:
    with service.db.write() as session:
        add_user(session, service.clock, username, password=PASSWORD, roles=list(roles), groups=list(groups))
    with service.db.read() as session:
        return load_actor(session, username)


ADMIN = Actor("test-admin", roles=frozenset({"admin"}))


def provider_organisation(
    service: CaseService, slug: str, name: str, *usernames: str, kind: str = "ombudsman"
) -> organisations.Organisation:
    """An active provider organisation (created through the admin service) with these provider users."""
    organisations.create(service.db, service.clock, ADMIN, slug, {"name": name, "kind": kind})
    for username in usernames:
        organisations.add_user(service.db, ADMIN, slug, username)
    return organisations.get(service.db, slug)
