"""Idempotency-Key handling for the views that create things (intake, case start, task completion)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Response, json, request

from engine.idempotency.store import HEADER, Answer, fingerprint
from webapp.api.context import idempotency

PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 8, "maxLength": 200},
    "description": "A random value (a UUID) per logical request; a retry with the same key returns the "
    "first answer and creates nothing new.",
}


def _json(status: int, body: Any, replayed: bool = False) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


# record(conn, status, body): store the answer inside the service's own transaction.
Record = Callable[[Any, int, Any], None]


def run_once(
    operation: str,
    caller: str,
    action: Callable[[Record], tuple[int, Any]],
    secret_fields: Iterable[str] = (),
) -> Response:
    """Run `action` (returning status and a JSON-ready body) at most once per Idempotency-Key.

    `action` gets a `record` function to call from inside the transaction that does the work (the engine
    services' `within` hook), so the answer commits with the case it describes.
    """
    key = request.headers.get(HEADER)
    if not key:
        status, payload = action(lambda conn, status, body: None)
        return _json(status, payload)
    store = idempotency()
    scope = f"{operation}\n{caller}"
    body = request.get_json(silent=True)
    answer = store.begin(scope, key, fingerprint(request.method, request.path, body))
    if answer is not None:
        return _json(answer.status, answer.body, replayed=True)
    recorded = []

    def record(conn, status: int, payload: Any) -> None:
        store.finish_in(conn, scope, key, Answer(status, payload), secret_fields)
        recorded.append(True)

    try:
        status, payload = action(record)
    except BaseException:
        store.release(scope, key)
        raise
    if not recorded:
        store.finish(scope, key, Answer(status, payload), secret_fields)
    return _json(status, payload)
