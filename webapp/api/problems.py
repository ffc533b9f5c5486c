"""Every error of the API as `application/problem+json` (RFC 9457), mapped in this one place.

Engine errors carry their own status and words; HTTP errors raised by Flask, webargs and Flask-Limiter (400
malformed JSON, 413, 422 field errors, 429) get the same shape, with field errors keyed by dotted paths.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Response, json
from werkzeug.exceptions import HTTPException

from engine.core.errors import EngineError, FormInvalid, ProcessInvalid

MEDIA_TYPE = "application/problem+json"
UNKNOWN_FIELD = "Unknown field."
# webargs groups messages by where it read them; a client only cares about the field.
_LOCATIONS = frozenset({"json", "query", "querystring", "headers", "form", "files", "view_args", "path"})
log = logging.getLogger(__name__)


class ProblemSchema(ma.Schema):
    """Documents the error body (responses are built by `problem`, not dumped through this)."""

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "422 only: messages per dotted field path"},
    )
    problems = ma.fields.List(ma.fields.Dict(), metadata={"description": "process deployment problems"})
    warnings = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "what the engine would ignore in the process files"}
    )


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"json": {"complainant": {"email": [..]}}} -> {"complainant.email": [..]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in _LOCATIONS:
                path = ""
            elif key == "_schema":
                path = prefix.rstrip(".")
            else:
                path = f"{prefix}{key}"
            if isinstance(value, Mapping):
                out.update(flatten_messages(value, f"{path}." if path else ""))
            else:
                values = value if isinstance(value, list) else [value]
                flat_values = [str(v) for v in values if not isinstance(v, Mapping)]
                out.setdefault(path or "_body", []).extend(flat_values)
                for nested in (v for v in values if isinstance(v, Mapping)):
                    out.update(flatten_messages(nested, f"{path}." if path else ""))
    elif messages:
        out["_body"] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
    return out


def problem(
    status: int, title: str, detail: str = "", headers: Mapping[str, str] | None = None, **extra: Any
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def validation_problem(errors: dict[str, list[str]], detail: str | None = None, title: str = "") -> Response:
    unknown = sorted(path for path, msgs in errors.items() if UNKNOWN_FIELD in msgs)
    if detail is None:
        detail = "Some fields need attention."
    if unknown:
        detail = f"{detail} Unknown field(s): {', '.join(unknown)}."
    return problem(422, title or "Unprocessable content", detail, errors=errors)


def from_engine(error: EngineError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="redressal"'} if error.status == 401 else None
    if isinstance(error, ProcessInvalid):
        errors: dict[str, list[str]] = {}
        for p in error.problems:
            errors.setdefault(p.file, []).append(str(p))
        return problem(
            422,
            error.title,
            "The process files have problems; each is listed with its file and element.",
            errors=errors,
            problems=[p.as_dict() for p in error.problems],
            warnings=[w.as_dict() for w in error.warnings],
        )
    if isinstance(error, FormInvalid):
        return validation_problem(dict(error.errors), error.detail, error.title)
    return problem(error.status, error.title, error.detail, headers)


def from_http(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if error.code == 422:
        return validation_problem(flatten_messages(data.get("messages") or data.get("errors") or {}))
    if error.code == 400 and data.get("messages"):
        messages = flatten_messages(data["messages"])
        detail = " ".join(m for msgs in messages.values() for m in msgs) or "The request could not be read."
        return problem(400, "Bad request", detail, headers)
    if error.code == 405:
        headers.update({"Allow": ", ".join(getattr(error, "valid_methods", None) or [])})
    detail = error.description if isinstance(error.description, str) else ""
    if error.code == 429:
        detail = f"Too many requests ({error.description}); try again later."
    if error.code == 413:
        detail = "The request body is larger than this server accepts."
    return problem(error.code or 500, error.name, detail, headers)


def unexpected(error: Exception) -> Response:
    if isinstance(error, RecursionError):
        return problem(400, "Bad request", "The request is nested too deeply to read.")
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal server error", "Something went wrong on our side; it has been logged.")
