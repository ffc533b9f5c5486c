"""Who is calling: bearer tokens for staff, integrations and providers; nobody for the public endpoints.

Authentication only. What a caller may do is the engine's access policy (`engine.access.policy`), which
the pages ask too. The token is checked against the database on every request (one indexed query), so a
revoked token stops working at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, request

from engine.access import policy as access
from engine.complaints import tracking
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


# Endpoints anyone may call; every other API endpoint needs a valid bearer token.
OPEN = frozenset({"api-docs.openapi_json", "api.auth.sign_in", "api.public.submit_complaint"})
# Endpoints a complainant reaches with the tracking token of the case in the address.
TRACKED = frozenset(
    {
        "api.public.track",
        "api.public.complainant_message",
        "api.public.complainant_attachment",
        "api.public.complainant_download",
    }
)


def authenticate_first() -> None:
    """Check who is calling before anything reads the request's body or query (a before_request hook).

    Otherwise a caller without credentials learns from a 422 what the body should look like, and a body is
    parsed (and paid for) for nobody. Roles are still checked by each view, which knows what it needs.
    """
    endpoint = request.endpoint
    if endpoint is None or not request.path.startswith("/api/"):
        return  # not ours: a 404 or a page outside the API
    if endpoint in TRACKED:
        return  # checked by `tracked`, after the rate limit, so that guessing tokens is limited too
    if endpoint in OPEN:
        optional_actor()  # a token, when sent, must be valid
    else:
        actor()


def tracked(view: Callable) -> Callable:
    """Check the tracking token before the body is parsed: put it between the rate limit and the arguments."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tracked_case(kwargs["reference"])
        return view(*args, **kwargs)

    return wrapper


def tracked_case(reference: str) -> int:
    """The case id of `reference` when the request carries its tracking token; 404 otherwise."""
    if "tracked_case_id" not in g:
        rt = service()
        g.tracked_case_id = tracking.verify(rt.db, reference, request.headers.get("X-Tracking-Token"))
    return g.tracked_case_id
