"""Errors are answered in the language of the part of the site that raised them.

Under `/api/` a client reads `application/problem+json` (webapp.api.problems); everywhere else a person reads
an HTML page that says what happened and what to do next. One dispatcher per kind of error, chosen by the
request's URL prefix, so an API client never gets HTML and a browser never gets JSON.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from engine.core.errors import EngineError
from webapp.api import problems

API_PREFIX = "/api/"
log = logging.getLogger(__name__)

# What a person can do next, per status; the page shows the engine's own words when it has them.
_NEXT_STEP = {
    400: "Check what you sent and try again.",
    401: "Sign in and try again.",
    403: "Ask an administrator if you think you should have access.",
    404: "Check the address, or go back to the start page.",
    405: "Go back to the start page and follow a link from there.",
    409: "Someone changed this in the meantime. Reload the page and try again.",
    413: "The file or form is larger than we accept. Send something smaller.",
    422: "Check the highlighted fields and try again.",
    429: "Too many tries in a short time. Wait a minute and try again.",
}


def wants_problem() -> bool:
    return request.path.startswith(API_PREFIX)


def page(status: int, title: str, detail: str = "", headers: dict[str, str] | None = None) -> Response:
    body = render_template(
        "error.html", status=status, title=title, detail=detail, next_step=_NEXT_STEP.get(status, "")
    )
    response = Response(body, status=status, mimetype="text/html")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http(error: HTTPException) -> Response:
    if wants_problem():
        return problems.from_http(error)
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else None
    detail = error.description if isinstance(error.description, str) else ""
    return page(error.code or 500, error.name, detail, headers)


def from_engine(error: EngineError) -> Response:
    if wants_problem():
        return problems.from_engine(error)
    return page(error.status, error.title, error.detail)


def unexpected(error: Exception) -> Response:
    if wants_problem():
        return problems.unexpected(error)
    log.exception("unexpected error", exc_info=error)
    return page(500, "Something went wrong", "Something went wrong on our side; it has been logged.")


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, from_http)
    app.register_error_handler(EngineError, from_engine)
    app.register_error_handler(Exception, unexpected)
