"""REST API v1: flask-smorest blueprints whose marshmallow schemas also write `/api/v1/openapi.json`.

Every API blueprint hangs under one parent, `api` (url prefix `/api/v1`), so endpoints read `api.cases.*`
and the names `cases`, `tasks`, `processes` stay free for the HTML areas. Errors under `/api/` are
problem+json (webapp.errors picks the format by URL prefix).
"""

from __future__ import annotations

from flask import Flask, request
from flask_smorest import Api as SmorestApi

from webapp import errors
from webapp.api import problems, security
from webapp.api.blueprint import Blueprint
from webapp.api.limits import limiter
from webapp.api.views import (
    auth,
    cases,
    casework,
    deadlines,
    incidents,
    processes,
    providers,
    public,
    supervision,
    tasks,
)

PREFIX = "/api/v1"
CHILDREN = (
    auth.blp,
    public.blp,
    cases.blp,
    tasks.blp,
    processes.blp,
    incidents.blp,
    deadlines.blp,
    supervision.blp,
    casework.blp,
    providers.blp,
)
blp = Blueprint("api", __name__, url_prefix=PREFIX)
for _child in CHILDREN:
    blp.register_blueprint(_child)

# Endpoints that take files get the upload limit instead of the (smaller) JSON body limit.
UPLOADS = frozenset({"api.public.complainant_attachment", "api.cases.add_attachment", "api.processes.deploy"})


class Api(SmorestApi):
    """flask-smorest with errors as problem+json."""

    ERROR_SCHEMA = problems.ProblemSchema

    def handle_http_exception(self, error):
        return errors.from_http(error)


def init_api(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "Redressal")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(app)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    limiter.init_app(app)
    api.register_blueprint(blp)
    for child in CHILDREN:
        api.spec.tag({"name": child.name, "description": child.description})

    @app.before_request
    def _limits():
        if "\x00" in request.path:
            return problems.problem(404, "Not Found", "No such resource.")
        if request.endpoint in UPLOADS:
            request.max_content_length = app.config["REDRESSAL_MAX_UPLOAD"]
        return None

    app.before_request(security.authenticate_first)

    return api
