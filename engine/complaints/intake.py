"""Complaint intake: the public complaint payload becomes the start data of `complaint_handling`.

The API's body is a stable contract for other systems; the intake form (`forms/complaint_intake.json`) is
what process owners edit. This module is the one place that maps one onto the other, in both directions:
values go to the form's keys, and the form's validation errors come back under the API's field names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from engine.cases.service import CaseService
from engine.complaints import credentials, tracking
from engine.complaints.settings import TrackingSettings
from engine.core.actors import COMPLAINANT, Actor
from engine.core.errors import FormInvalid
from engine.task_forms.properties import staff_only_fields
from engine.task_forms.schema import input_fields

PROCESS_ID = "complaint_handling"
START_FORM = "complaint_intake"
# API field path -> intake form key. Paths not listed map to the form key of the same name.
ALIASES = {
    "complainant.address": "complainant.postal_address",
    "representative.address": "representative.postal_address",
    "accessibility_needs": "complainant.accessibility_needs",
    "consent": "consent_to_process",  # kept: the API's older name for the agreement to data use
}
# Staff-only in the API's contract whatever the form says; the form marks more (`properties.staff_only`).
STAFF_ONLY_ALWAYS: dict[str, tuple[str, ...]] = {"received_at": (), "received_by": ()}


def flatten(payload: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, dt.date | dt.datetime):
            flat[f"{prefix}{key}"] = value.isoformat()  # the form validates text, as a browser sends it
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def intake_form(service: CaseService) -> dict[str, Any] | None:
    """The intake form of the newest complaint process version (None when it has no form)."""
    with service.db.reading() as conn:
        version = service.specs.latest(conn, PROCESS_ID)
    return version.forms.get(START_FORM)


def staff_only_refusals(payload: Mapping[str, Any], form: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """The fields of a public complaint that only staff may set, by API path, each with its message."""
    marked = {**STAFF_ONLY_ALWAYS, **(staff_only_fields(form) if form is not None else {})}
    refused: dict[str, list[str]] = {}
    for path, value in flatten(payload).items():
        public = marked.get(ALIASES.get(path, path))
        if public is None or value is None or value == "" or value in public:
            continue
        if public:
            refused[path] = [
                f"Only staff may set this field to {value!r}; the public may send {', '.join(public)}."
            ]
        else:
            refused[path] = ["Only staff may set this field."]
    return refused


_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")


def normalise_phone(value: str) -> str:
    """A phone number as people write it (`+44 20 7946 0958`, `(020) 7946-0958`), without the spaces, dashes,
    dots and brackets: the intake form then checks it as form-js does, which allows none of them."""
    return _PHONE_SEPARATORS.sub("", value)


def start_data(
    payload: Mapping[str, Any], form_keys: frozenset[str] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Form keys and values (nested) for the start event, and the reverse map of keys to API paths."""
    data: dict[str, Any] = {}
    back = {key: path for path, key in ALIASES.items()}
    unknown: dict[str, list[str]] = {}
    for path, value in flatten(payload).items():
        key = ALIASES.get(path, path)
        if form_keys is not None and key not in form_keys:
            unknown[path] = ["The complaint process in use does not collect this field."]
            continue
        back[key] = path
        if key.rpartition(".")[2] == "phone" and isinstance(value, str):
            value = normalise_phone(value)
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if unknown:
        raise FormInvalid(unknown)
    return data, back


def submit(
    service: CaseService,
    payload: Mapping[str, Any],
    actor: Actor | None,
    *,
    default_jurisdiction: str | None = None,
    within: Callable[[Any, dict[str, Any]], None] | None = None,
    settings: TrackingSettings | None = None,
) -> dict[str, Any]:
    """Start a complaint and give the complainant a tracking token and their case code.

    `actor` is the staff member logging a phone call, letter or visit, or None for the public; the intake
    form marks the fields only staff may set (when and by whom it was received, the channel). The case code
    is the one every letter prints, so staff on the phone can read it out at once. `settings` default to
    the environment's (engine.complaints.settings).
    """
    settings = settings or TrackingSettings.from_env()
    payload = dict(payload)
    form = intake_form(service)
    if actor is None:
        refused = staff_only_refusals(payload, form)
        if refused:
            raise FormInvalid(refused)
    payload.setdefault("channel", "web")
    if default_jurisdiction and not payload.get("jurisdiction"):
        payload["jurisdiction"] = default_jurisdiction
    if payload.get("received_at") is None:
        payload["received_at"] = service.clock.now().isoformat()
    if actor is not None and not payload.get("received_by"):
        payload["received_by"] = actor.username
    payload = {k: v for k, v in payload.items() if v is not None}
    form_keys = frozenset(c["key"] for c in input_fields(form)) if form is not None else None
    data, back = start_data(payload, form_keys)
    answers: list[dict[str, Any]] = []

    def with_token(conn, case_id: int, result) -> None:
        # The token and the code's nonce are written in the case's own transaction: never a complaint nobody
        # can track. `within` gets the answer in that transaction too (an Idempotency-Key's stored answer).
        token = tracking.issue_in(conn, service.clock, case_id)
        code = credentials.code_in(conn, settings, case_id, service.clock.now(), result.reference)
        answers.append(
            {
                "reference": result.reference,
                "tracking_token": token,
                "case_code": code,
                "status": result.status,
            }
        )
        if within is not None:
            within(conn, {**answers[-1], "case_id": case_id})

    try:
        result = service.start_case(PROCESS_ID, data, actor or COMPLAINANT, within=with_token)
    except FormInvalid as exc:
        raise FormInvalid({back.get(k, k): v for k, v in exc.errors.items()}, exc.detail) from None
    return {**answers[-1], "status": result.status}
