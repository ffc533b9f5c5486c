"""API bearer tokens: issued at sign-in or by the CLI, stored as SHA-256 hashes, expiring and revocable.

A token is 256 random bits, so a plain SHA-256 (not a slow password hash) is enough to make a stolen copy of
the table useless, and checking a token stays one indexed lookup per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Callable

from sqlalchemy import bindparam, select, update

from engine.core.actors import Actor
from engine.core.clock import Clock
from engine.core.errors import EngineError, NotFound
from engine.identity.tables import ApiToken, Membership, User
from engine.identity.users import authenticate
from engine.store.db import Database

DEFAULT_TTL = dt.timedelta(hours=8)
TOKEN_PREFIX = "rdr_"

_TOKEN = ApiToken.__table__
_USER = User.__table__
_MEMBER = Membership.__table__
# One query per request: the token, its user and the user's groups (one row per group).
_LOOKUP_BY_HASH = (
    select(_TOKEN.c.expires_at, _TOKEN.c.revoked_at, _USER.c.username, _USER.c.roles, _MEMBER.c.group_id)
    .join(_USER, _USER.c.id == _TOKEN.c.user_id)
    .outerjoin(_MEMBER, _MEMBER.c.user_id == _USER.c.id)
    .where(_TOKEN.c.token_hash == bindparam("h"), _USER.c.active.is_(True))
)


class Unauthenticated(EngineError):
    """No valid credentials: a missing, unknown, expired or revoked token, or a wrong password."""

    status = 401
    title = "Unauthorized"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(
    db: Database, clock: Clock, user_id: int, ttl: dt.timedelta, label: str
) -> tuple[str, dt.datetime]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + ttl
    with db.transaction() as conn:
        conn.execute(
            _TOKEN.insert().values(
                token_hash=token_hash(token), user_id=user_id, label=label, created_at=now, expires_at=expires
            )
        )
    return token, expires


def sign_in(
    db: Database, clock: Clock, username: str, password: str, ttl: dt.timedelta = DEFAULT_TTL
) -> tuple[str, dt.datetime]:
    """A new token for a user who gave the right password; the same 401 for every wrong combination."""
    with db.read() as session:
        actor = authenticate(session, username, password)
        user_id = session.scalar(select(User.id).where(User.username == username)) if actor else None
    if user_id is None:
        raise Unauthenticated("the username or password is wrong")
    return _issue(db, clock, user_id, ttl, "sign-in")


def issue_for(
    db: Database, clock: Clock, username: str, ttl: dt.timedelta = DEFAULT_TTL, label: str = "cli"
) -> tuple[str, dt.datetime]:
    """A token for an active user without a password (the operator's CLI, integrations)."""
    with db.read() as session:
        user_id = session.scalar(select(User.id).where(User.username == username, User.active.is_(True)))
    if user_id is None:
        raise NotFound(f"no active user named {username}")
    return _issue(db, clock, user_id, ttl, label)


class TokenCache:
    """Recently checked tokens, kept for a couple of seconds only.

    A client sends the same token with every request; one indexed query each time is cheap but not free.
    Keeping the answer `seconds` long means a revocation made by another server process, a deactivated
    user or a changed group takes effect within that time; this process forgets a token it revokes at once,
    and expiry is checked against the clock on every request.
    """

    def __init__(self, seconds: float = 2.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, Actor, dt.datetime]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[Actor, dt.datetime] | None:
        entry = self._entries.get(digest)
        if entry is None or entry[0] <= self._monotonic():
            return None
        return entry[1], entry[2]

    def put(self, digest: str, actor: Actor, expires_at: dt.datetime) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:  # bounded: drop what has lapsed, or everything
                now = self._monotonic()
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) > 10_000:
                    self._entries.clear()
            self._entries[digest] = (self._monotonic() + self.seconds, actor, expires_at)

    def forget(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)


NO_CACHE = TokenCache(0)


def actor_for_token(db: Database, clock: Clock, token: str, cache: TokenCache = NO_CACHE) -> Actor:
    """The actor a bearer token stands for: one indexed query, or the answer of the last few seconds."""
    digest = token_hash(token)
    cached = cache.get(digest)
    if cached is None:
        with db.reading() as conn:
            rows = conn.execute(_LOOKUP_BY_HASH, {"h": digest}).all()
        if not rows:
            raise Unauthenticated("the token is not valid")
        first = rows[0]
        if first.revoked_at is not None:
            raise Unauthenticated("the token has been revoked")
        actor = Actor(
            username=first.username,
            groups=frozenset(r.group_id for r in rows if r.group_id),
            roles=frozenset(first.roles.split()),
        )
        cached = actor, first.expires_at
        cache.put(digest, actor, first.expires_at)
    actor, expires_at = cached
    if expires_at <= clock.now():
        raise Unauthenticated("the token has expired")
    return actor


def revoke(db: Database, clock: Clock, token: str, cache: TokenCache = NO_CACHE) -> None:
    """Revoke one token (signing out); revoking twice is harmless."""
    cache.forget(token_hash(token))
    with db.transaction() as conn:
        conn.execute(
            update(_TOKEN)
            .where(_TOKEN.c.token_hash == token_hash(token), _TOKEN.c.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        )
