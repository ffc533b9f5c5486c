"""The Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from engine.runtime.service import Runtime
from engine.store.db import Database


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(REDRESSAL_DATABASE_URL=None)
    if config:
        app.config.update(config)
    db = Database(app.config["REDRESSAL_DATABASE_URL"])
    app.extensions["redressal"] = Runtime(db)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/")
    def index():
        return "<!doctype html><title>Redressal</title><h1>Redressal</h1><p>The platform is running.</p>"

    return app
