"""CSRF on every form and htmx request, and cookies that only travel where they should.

The API is exempt: it authenticates with bearer tokens in a header, which a foreign page cannot send.
Cookies are Secure and HttpOnly; `REDRESSAL_COOKIE_SECURE=0` only for plain-HTTP development.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def _secret_key(app: Flask) -> str:
    """$REDRESSAL_SECRET_KEY, else a key made once and kept in the instance folder (never in git)."""
    configured = app.config.get("SECRET_KEY") or os.environ.get("REDRESSAL_SECRET_KEY")
    if configured:
        return configured
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


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
