"""Who is calling: bearer tokens for staff, integrations and providers; nobody for the public endpoints.

Authentication only. What a caller may do is the engine's access policy (`engine.access.policy`), which
the pages ask too. The token is checked against the database on every request (one indexed query), so a
revoked token stops working at once.
"""

from __future__ import annotations

from flask import g, request

from engine.access import policy as access
from engine.core.actors import Actor
from engine.identity import tokens as auth
from webapp.api.context import service, token_cache


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def optional_actor() -> Actor | None:
    """The caller when they sent credentials (which must then be valid), else None (the public)."""
    if "actor" in g:
        return g.actor
    if not request.headers.get("Authorization"):
        g.actor = None
        return None
    token = bearer_token()
    if token is None:
        raise auth.Unauthenticated("send the token as 'Authorization: Bearer <token>'")
    rt = service()
    g.actor = auth.actor_for_token(rt.db, rt.clock, token, token_cache())
    return g.actor


def actor(action: access.Action | None = None) -> Actor:
    """The authenticated caller, whom the policy lets do `action` (any caller when None); 401 or 403."""
    caller = optional_actor()
    if caller is None:
        raise auth.Unauthenticated("this endpoint needs 'Authorization: Bearer <token>'")
    if action is not None:
        access.require(caller, action)
    return caller
