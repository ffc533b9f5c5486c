"""Who is calling: bearer tokens for staff, integrations and providers; nobody for the public endpoints.

Roles say what a caller may do across cases; the engine still decides per task (a lane's group) and per
action (supervisors assign). The token is checked against the database on every request (one indexed query)
so a revoked token stops working at once.
"""

from __future__ import annotations

from flask import g, request

from engine.core.actors import Actor
from engine.core.errors import PermissionDenied
from engine.identity import tokens as auth
from webapp.api.context import service, token_cache

STAFF = frozenset({"handler", "supervisor", "process_owner", "auditor", "admin", "integration"})
# Reading cases: every staff role; providers only their own cases (see engine.disputes.providers).
READERS = STAFF
# Starting cases, logging complaints, sending messages, adding evidence.
WRITERS = frozenset({"handler", "supervisor", "admin", "integration"})
DEPLOYERS = frozenset({"process_owner", "admin"})
PROVIDER = "provider"


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


def actor(roles: frozenset[str] | None = None) -> Actor:
    """The authenticated caller, who must hold one of `roles` (any role when None); 401 or 403 otherwise."""
    caller = optional_actor()
    if caller is None:
        raise auth.Unauthenticated("this endpoint needs 'Authorization: Bearer <token>'")
    if roles is not None and not (roles & caller.roles):
        raise PermissionDenied("your role does not allow this: it needs one of " + ", ".join(sorted(roles)))
    return caller


def is_provider(caller: Actor) -> bool:
    """A provider token is limited to the provider's cases, whatever else the user may be."""
    return PROVIDER in caller.roles and not (caller.roles & STAFF)
