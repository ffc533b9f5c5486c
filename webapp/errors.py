"""Errors are answered in the language of the part of the site that raised them.

Under `/api/` a client reads `application/problem+json` (webapp.api.problems); everywhere else a person reads
an HTML page that says what happened and what to do next. One dispatcher per kind of error, chosen by the
request's URL prefix, so an API client never gets HTML and a browser never gets JSON.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine.core.errors import EngineError
from webapp.api import problems
from webapp.web import i18n

API_PREFIX = "/api/"
log = logging.getLogger(__name__)

# What a person can do next, per status; the page shows the engine's own words when it has them.
_NEXT_STEP = {
    400: _l("Check what you sent and try again."),
    401: _l("Sign in and try again."),
    403: _l("Ask an administrator if you think you should have access."),
    404: _l("Check the address, or go back to the start page."),
    405: _l("Go back to the start page and follow a link from there."),
    409: _l("Someone changed this in the meantime. Reload the page and try again."),
    413: _l("The file or form is larger than we accept. Send something smaller."),
    422: _l("Check the highlighted fields and try again."),
    429: _l("Too many tries in a short time. Wait a minute and try again."),
}
# Page titles per status, in the reader's language (the engine's and werkzeug's own words are English).
_TITLE = {
    400: _l("Something in the request was not right"),
    401: _l("Please sign in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This page cannot be used that way"),
    409: _l("This was changed in the meantime"),
    413: _l("Too large"),
    422: _l("Some information needs correcting"),
    429: _l("Too many tries"),
    500: _l("Something went wrong"),
}


def wants_problem() -> bool:
    return request.path.startswith(API_PREFIX)


def page(status: int, title: str, detail: str = "", headers: dict[str, str] | None = None) -> Response:
    if i18n.current() != i18n.DEFAULT:
        detail = ""  # the engine's and werkzeug's details are English; the title and next step are translated
    body = render_template(
        "error.html",
        status=status,
        title=_TITLE.get(status, title),
        detail=detail,
        next_step=_NEXT_STEP.get(status, ""),
    )
    response = Response(body, status=status, mimetype="text/html")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http(error: HTTPException) -> Response:
    if wants_problem():
        return problems.from_http(error)
    allowed = error.valid_methods if isinstance(error, MethodNotAllowed) else None
    headers = {"Allow": ", ".join(allowed)} if allowed else None
    custom = error.description != type(error).description
    detail = error.description if custom and isinstance(error.description, str) else ""
    return page(error.code or 500, error.name, detail, headers)


def from_engine(error: EngineError) -> Response:
    if wants_problem():
        return problems.from_engine(error)
    return page(error.status, error.title, error.detail)


def unexpected(error: Exception) -> Response:
    if wants_problem():
        return problems.unexpected(error)
    log.exception("unexpected error", exc_info=error)
    return page(500, "Something went wrong", _l("Something went wrong on our side; it has been logged."))


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, from_http)
    app.register_error_handler(EngineError, from_engine)
    app.register_error_handler(Exception, unexpected)
