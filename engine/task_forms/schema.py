"""Task forms as data: form-js definitions in, marshmallow validation out.

A form is the bpmn.io form-js JSON that process owners edit visually. The server never trusts the browser:
every submission is validated here against a marshmallow schema derived from the definition, and errors come
back keyed by the field's dotted path, in one shape that web pages and the API show as they are.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.bpmn.serialization import TYPE_KEY
from engine.core.errors import FormInvalid

INPUT_TYPES = frozenset(
    {"textfield", "textarea", "number", "checkbox", "select", "radio", "datetime", "checklist", "taglist"}
)
LAYOUT_TYPES = frozenset({"text", "group", "separator", "spacer", "html"})
PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{4,24}$"


def input_fields(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Input components in display order, groups flattened."""
    out: list[dict[str, Any]] = []

    def walk(components: list[dict[str, Any]]) -> None:
        for comp in components:
            if comp.get("type") in INPUT_TYPES:
                out.append(comp)
            if comp.get("components"):
                walk(comp["components"])

    walk(list(definition.get("components", [])))
    return out


def check_definition(form_id: str, definition: Any) -> list[str]:
    """Problems with a form definition, each a sentence naming the component."""
    if not isinstance(definition, dict):
        return ["is not a JSON object"]
    problems = []
    if definition.get("id") != form_id:
        problems.append(f'its "id" is {definition.get("id")!r} but the file name says {form_id!r}')
    if not isinstance(definition.get("components"), list):
        return [*problems, 'has no "components" list']
    seen: set[str] = set()

    def walk(components: list[Any]) -> None:
        for n, comp in enumerate(components):
            where = f"component {n + 1}"
            if not isinstance(comp, dict):
                problems.append(f"{where} is not an object")
                continue
            kind = comp.get("type")
            key = comp.get("key")
            if key:
                where = f"field {key!r}"
            if kind not in INPUT_TYPES | LAYOUT_TYPES:
                problems.append(f"{where} has type {kind!r}, which is not supported")
                continue
            if kind in INPUT_TYPES:
                if not key or not isinstance(key, str):
                    problems.append(f"{where} ({kind}) has no key")
                elif key in seen:
                    problems.append(f"{where} appears twice")
                elif TYPE_KEY in key.split("."):
                    problems.append(f"{where} uses the name '{TYPE_KEY}', which stored cases keep")
                else:
                    seen.add(key)
                if kind in {"select", "radio", "checklist", "taglist"} and not comp.get("values"):
                    problems.append(f"{where} lists no values to choose from")
                rules = comp.get("validate") or {}
                if not isinstance(rules, dict):
                    problems.append(f'{where} has a "validate" that is not an object')
                elif "pattern" in rules:
                    import re

                    try:
                        re.compile(rules["pattern"])
                    except re.error as exc:
                        problems.append(f"{where} has an invalid pattern: {exc}")
            if isinstance(comp.get("components"), list):
                walk(comp["components"])

    walk(definition["components"])
    return problems


class WholeNumber(fields.Integer):
    """An integer field that refuses 2.5 instead of truncating it to 2 as marshmallow's Integer does."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def _field_for(comp: dict[str, Any]) -> fields.Field:
    kind = comp["type"]
    rules = comp.get("validate") or {}
    required = bool(rules.get("required"))
    validators: list = []
    label = comp.get("label") or comp["key"]
    if kind in {"textfield", "textarea"}:
        if required:
            validators.append(validate.Length(min=1, error="This field is required."))
        if "minLength" in rules or "maxLength" in rules:
            validators.append(validate.Length(min=rules.get("minLength"), max=rules.get("maxLength")))
        if rules.get("pattern"):
            validators.append(
                validate.Regexp(rules["pattern"], error=f"{label} is not in the expected format.")
            )
        if rules.get("validationType") == "email":
            validators.append(validate.Email(error="Enter a valid email address."))
        elif rules.get("validationType") == "phone":
            validators.append(validate.Regexp(PHONE_PATTERN, error="Enter a valid phone number."))
        field: fields.Field = fields.String(validate=validators)
    elif kind == "number":
        if "min" in rules or "max" in rules:
            validators.append(validate.Range(min=rules.get("min"), max=rules.get("max")))
        field = (
            WholeNumber(validate=validators, strict=False)
            if comp.get("decimalDigits") == 0
            else (fields.Float(validate=validators, allow_nan=False))
        )
    elif kind == "checkbox":
        field = fields.Boolean()
    elif kind in {"select", "radio"}:
        choices = [v.get("value") for v in comp.get("values", [])]
        field = fields.Raw(validate=validate.OneOf(choices, error="Choose one of: {choices}."))
    elif kind in {"checklist", "taglist"}:
        choices = [v.get("value") for v in comp.get("values", [])]
        field = fields.List(fields.Raw(validate=validate.OneOf(choices)))
    else:  # datetime
        subtype = comp.get("subtype", "datetime")
        field = (
            fields.Date()
            if subtype == "date"
            else (fields.Time() if subtype == "time" else fields.AwareDateTime(default_timezone=dt.UTC))
        )
    field.required = required
    field.allow_none = not required
    if required:
        field.error_messages["required"] = "This field is required."
        field.error_messages["null"] = "This field is required."
    return field


@functools.lru_cache(maxsize=512)
def _schema_for(definition_json: str) -> Schema:
    definition = json.loads(definition_json)
    declared = {comp["key"]: _field_for(comp) for comp in input_fields(definition)}
    schema_cls = Schema.from_dict(declared, name=f"Form_{definition.get('id', 'form')}")
    return schema_cls(unknown=RAISE)


def schema_for(definition: Mapping[str, Any]) -> Schema:
    """The marshmallow schema of a form (cached: definitions of a deployed version never change)."""
    return _schema_for(json.dumps(definition, sort_keys=True))


def flatten(data: Mapping[str, Any], keys: frozenset[str], prefix: str = "") -> dict[str, Any]:
    """Nested submission -> dotted keys, stopping wherever a dotted key of the form is reached."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path not in keys and isinstance(value, Mapping) and any(k.startswith(path + ".") for k in keys):
            flat.update(flatten(value, keys, path + "."))
        else:
            flat[path] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        node = nested
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return nested


def _to_data(value: Any) -> Any:
    # Workflow data stays JSON: dates travel as ISO text, which conditions can compare as strings.
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return [_to_data(v) for v in value]
    return value


def validate_submission(definition: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean data for the workflow, or FormInvalid with messages per dotted field path."""
    if not isinstance(data, Mapping):
        raise FormInvalid({"_schema": ["Expected an object of field values."]})
    schema = schema_for(definition)
    keys = frozenset(schema.fields)
    flat = flatten(data, keys)
    try:
        clean = schema.load(flat)
    except ValidationError as exc:
        raise FormInvalid(_messages(exc.normalized_messages())) from None
    for key in _checkbox_keys(definition):
        clean.setdefault(key, False)  # an unticked box is "no", as a browser's form would submit it
    return unflatten({k: _to_data(v) for k, v in clean.items()})


def _checkbox_keys(definition: Mapping[str, Any]) -> list[str]:
    return [c["key"] for c in input_fields(definition) if c.get("type") == "checkbox"]


def _messages(raw: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_messages(value, path + "."))
        elif isinstance(value, list):
            out[path] = [str(v) for v in value]
        else:
            out[path] = [str(value)]
    return out


def prefill(definition: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Values already in the case for this form's fields, so a form opens filled in where it can."""
    values: dict[str, Any] = {}
    for comp in input_fields(definition):
        node: Any = data
        for part in comp["key"].split("."):
            if not isinstance(node, Mapping) or part not in node:
                node = None
                break
            node = node[part]
        if node is not None:
            values[comp["key"]] = node
        elif "defaultValue" in comp:
            values[comp["key"]] = comp["defaultValue"]
    return values
