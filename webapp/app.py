"""The Flask application factory: configuration, the engine's CaseService, the REST API and the pages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from engine.cases.service import CaseService
from engine.complaints.settings import TrackingSettings
from engine.evidence.attachments import DEFAULT_FOLDER, DEFAULT_MAX_BYTES, DEFAULT_TYPES, AttachmentPolicy
from engine.evidence.storage import store_for
from engine.idempotency.store import IdempotencyStore
from engine.identity.tokens import TokenCache
from engine.store.db import Database


def _env(name: str, default: Any, cast=str) -> Any:
    value = os.environ.get(name)
    return cast(value) if value not in (None, "") else default


def defaults() -> dict[str, Any]:
    """Settings and their environment variables; `create_app(config)` overrides any of them."""
    return {
        "REDRESSAL_DATABASE_URL": None,  # None: $REDRESSAL_DATABASE_URL or the SQLite default
        "CLOCK": None,  # an engine Clock; tests pass a FixedClock
        # Case codes and letter links: None reads REDRESSAL_SECRET_KEY, REDRESSAL_PUBLIC_URL, ... (README)
        "REDRESSAL_TRACKING": None,
        "REDRESSAL_MAX_BODY": _env("REDRESSAL_MAX_BODY", 1024 * 1024, int),
        "REDRESSAL_ATTACHMENTS_DIR": _env("REDRESSAL_ATTACHMENTS_DIR", DEFAULT_FOLDER),
        # auto: the database on PostgreSQL (every node reads it), the folder on SQLite; or database, folder
        "REDRESSAL_ATTACHMENT_STORE": _env("REDRESSAL_ATTACHMENT_STORE", "auto"),
        "REDRESSAL_ATTACHMENT_MAX_BYTES": _env("REDRESSAL_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES, int),
        "REDRESSAL_ATTACHMENT_TYPES": _env("REDRESSAL_ATTACHMENT_TYPES", ",".join(sorted(DEFAULT_TYPES))),
        "REDRESSAL_TOKEN_TTL": _env("REDRESSAL_TOKEN_TTL", 8 * 3600, int),
        # How long a checked token is trusted without asking the database again (0: ask every time).
        "REDRESSAL_TOKEN_CACHE_SECONDS": _env("REDRESSAL_TOKEN_CACHE_SECONDS", 2.0, float),
        "REDRESSAL_DEFAULT_JURISDICTION": _env("REDRESSAL_DEFAULT_JURISDICTION", None),
        "REDRESSAL_RATELIMIT_PUBLIC": _env("REDRESSAL_RATELIMIT_PUBLIC", "30 per minute;300 per hour"),
        "REDRESSAL_RATELIMIT_SIGN_IN": _env("REDRESSAL_RATELIMIT_SIGN_IN", "10 per minute"),
        "REDRESSAL_RATELIMIT_STORAGE": _env("REDRESSAL_RATELIMIT_STORAGE", "memory://"),
        # The organisation's time zone: dates on pages are shown in it.
        "REDRESSAL_TIMEZONE": _env("REDRESSAL_TIMEZONE", "Europe/London"),
        # How long a browser stays on a tracked complaint without being used.
        "REDRESSAL_TRACK_IDLE_MINUTES": _env("REDRESSAL_TRACK_IDLE_MINUTES", 30, int),
        # The organisation file (name, logo, colours, contact); None: $REDRESSAL_ORGANISATION or the default.
        "REDRESSAL_ORGANISATION": None,
        "RATELIMIT_ENABLED": _env("RATELIMIT_ENABLED", True, lambda v: v.lower() not in ("0", "false", "no")),
    }


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(defaults())
    if config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["REDRESSAL_MAX_BODY"]
    # An upload carries its file plus a little multipart framing.
    app.config.setdefault("REDRESSAL_MAX_UPLOAD", app.config["REDRESSAL_ATTACHMENT_MAX_BYTES"] + 64 * 1024)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDRESSAL_RATELIMIT_STORAGE"]

    service = CaseService(Database(app.config["REDRESSAL_DATABASE_URL"]), app.config["CLOCK"])
    app.extensions["redressal"] = service
    app.extensions["redressal.tracking"] = app.config["REDRESSAL_TRACKING"] or TrackingSettings.from_env()
    app.extensions["redressal.tokens"] = TokenCache(app.config["REDRESSAL_TOKEN_CACHE_SECONDS"])
    app.extensions["redressal.idempotency"] = IdempotencyStore(service.db, service.clock)
    folder = Path(app.config["REDRESSAL_ATTACHMENTS_DIR"])
    app.extensions["redressal.attachments"] = AttachmentPolicy(
        folder=folder,
        store=store_for(service.db, app.config["REDRESSAL_ATTACHMENT_STORE"], folder),
        max_bytes=app.config["REDRESSAL_ATTACHMENT_MAX_BYTES"],
        media_types=frozenset(t.strip() for t in app.config["REDRESSAL_ATTACHMENT_TYPES"].split(",") if t),
    )

    from webapp.api import init_api
    from webapp.errors import init_errors
    from webapp.headers import init_headers
    from webapp.pages import init_pages
    from webapp.web import init_web

    init_errors(app)
    init_api(app)
    init_web(app)
    init_pages(app)
    init_headers(app)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    return app
