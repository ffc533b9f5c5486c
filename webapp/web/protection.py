"""CSRF on every form and htmx request, and cookies that only travel where they should.

The API is exempt: it authenticates with bearer tokens in a header, which a foreign page cannot send.
Cookies are Secure and HttpOnly; `REDRESSAL_COOKIE_SECURE=0` only for plain-HTTP development.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def _secret_key(app: Flask) -> str:
    """The session-signing key: SECRET_KEY when given, else derived from the platform's one secret key.

    The engine's tracking settings hold that key ($REDRESSAL_SECRET_KEY, or a key file made once); the
    session key is an HMAC of it for this one purpose, so a session cookie never signs with the key that
    makes case codes.
    """
    if app.config.get("SECRET_KEY"):
        return str(app.config["SECRET_KEY"])
    secret = app.extensions["redressal.tracking"].secret_key
    return hmac.new(secret, b"redressal web sessions", hashlib.sha256).hexdigest()


def init(app: Flask) -> None:
    app.config["SECRET_KEY"] = _secret_key(app)
    secure = str(app.config.get("REDRESSAL_COOKIE_SECURE", os.environ.get("REDRESSAL_COOKIE_SECURE", "1")))
    app.config.update(
        SESSION_COOKIE_SECURE=secure.lower() not in ("0", "false", "no"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="redressal_session",
    )
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", dt.timedelta(hours=8))
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's own lifetime bounds the token
    csrf.init_app(app)
    # Flask-WTF matches the request's blueprint by its full dotted name: exempt the API and each child.
    for name, blueprint in app.blueprints.items():
        if name == "api" or name.startswith("api."):
            csrf.exempt(blueprint)
