"""Bearer tokens: sign in for one, revoke your own."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from engine.identity import tokens as auth
from webapp.api import limits, security
from webapp.api.blueprint import Blueprint
from webapp.api.context import service, token_cache
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.auth import Credentials, TokenOut

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Bearer tokens for staff")


@blp.route("/token", methods=["POST"])
@limits.sign_in
@blp.arguments(Credentials())
@blp.response(201, TokenOut)
@blp.alt_response(401, schema=ProblemSchema, description="Wrong username or password")
@blp.alt_response(429, schema=ProblemSchema, description="Too many attempts")
def sign_in(credentials: dict):
    """Exchange a username and password for a token (send it as `Authorization: Bearer <token>`)."""
    rt = service()
    ttl = dt.timedelta(seconds=current_app.config["REDRESSAL_TOKEN_TTL"])
    token, expires = auth.sign_in(rt.db, rt.clock, credentials["username"], credentials["password"], ttl)
    return {"token": token, "expires_at": expires}


@blp.route("/token", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, schema=ProblemSchema, description="No valid token")
@blp.doc(security=[{"bearer": []}])
def revoke():
    """Revoke the token this request carries (signing out)."""
    security.actor()
    rt = service()
    auth.revoke(rt.db, rt.clock, security.bearer_token() or "", token_cache())
    return None
