"""Signing in does the same work for an unknown user as for a known one with a wrong password."""

from __future__ import annotations

import hashlib

import pytest

from engine.identity import tokens as auth
from tests.support.builders import PASSWORD, make_user


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[int]:
    """Counts scrypt derivations (the expensive part of checking a password)."""
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(kwargs.get("n", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def _work(service, calls: list[int], username: str, password: str) -> list[int]:
    calls.clear()
    with pytest.raises(auth.Unauthenticated):
        auth.sign_in(service.db, service.clock, username, password)
    return list(calls)


def test_unknown_and_known_users_cost_the_same(service, scrypt_calls):
    make_user(service, "hana", "handlers")
    known = _work(service, scrypt_calls, "hana", "wrong password")
    unknown = _work(service, scrypt_calls, "nobody", "wrong password")
    assert known == unknown and len(known) == 1 and known[0] >= 2**14
    with service.db.write() as session:
        from engine.identity.tables import User

        session.query(User).filter_by(username="hana").update({"active": False})
    assert _work(service, scrypt_calls, "hana", PASSWORD) == known  # a deactivated user too
    # and the dummy never lets anyone in
    assert _work(service, scrypt_calls, "nobody", "") == known
