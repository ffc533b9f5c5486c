"""REST API v1: flask-smorest blueprints whose marshmallow schemas also write `/api/v1/openapi.json`."""

from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api as SmorestApi

from engine.core.errors import EngineError
from webapp.api import problems
from webapp.api.limits import limiter
from webapp.api.views import auth, cases, deadlines, processes, public, tasks

# Endpoints that take files get the upload limit instead of the (smaller) JSON body limit.
UPLOADS = frozenset({"public.complainant_attachment", "cases.add_attachment", "processes.deploy"})


class Api(SmorestApi):
    """flask-smorest with errors as problem+json."""

    ERROR_SCHEMA = problems.ProblemSchema

    def handle_http_exception(self, error):
        return problems.from_http(error)


def init_api(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "Redressal")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(app)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    limiter.init_app(app)
    for blueprint in (auth.blp, public.blp, cases.blp, tasks.blp, processes.blp, deadlines.blp):
        api.register_blueprint(blueprint)
    app.register_error_handler(EngineError, problems.from_engine)
    app.register_error_handler(Exception, problems.unexpected)

    @app.before_request
    def _limits():
        if "\x00" in request.path:
            return problems.problem(404, "Not Found", "No such resource.")
        if request.endpoint in UPLOADS:
            request.max_content_length = app.config["REDRESSAL_MAX_UPLOAD"]
        return None

    return api
