"""Task forms as data: form-js definitions in, submissions judged as the form-js viewer judges them.

A form is the bpmn.io form-js JSON that process owners edit visually. The server never trusts the browser:
every submission is validated here by the same rules the viewer applies (`engine.task_forms`), and errors
come back keyed by the field's dotted path, in one shape that web pages and the API show as they are. This
module is the entry point its callers use; the rules live in the `engine.task_forms` package.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, fields

from engine.task_forms.definition import check_definition
from engine.task_forms.layout import KEYED_TYPES, get_path, input_fields
from engine.task_forms.submission import to_json
from engine.task_forms.submission import validate_submission as _validate
from engine.task_forms.values import WholeNumber

__all__ = [
    "check_definition",
    "flatten",
    "input_fields",
    "prefill",
    "schema_for",
    "unflatten",
    "validate_submission",
]
INPUT_TYPES = KEYED_TYPES


def validate_submission(
    definition: Mapping[str, Any], data: Any, case_data: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Clean data for the workflow, or FormInvalid with messages per dotted field path.

    `case_data` is what the form was opened with: hide conditions and FEEL limits read it, and choice
    fields with a `valuesKey` offer the options found there.
    """
    return _validate(definition, data, case_data)


def _type_field(comp: dict[str, Any]) -> fields.Field:
    kind = comp["type"]
    if kind == "number":
        return WholeNumber(strict=False) if comp.get("decimalDigits") == 0 else fields.Float(allow_nan=False)
    if kind == "checkbox":
        return fields.Boolean()
    if kind in {"checklist", "taglist"}:
        return fields.List(fields.Raw())
    if kind == "datetime":
        subtype = comp.get("subtype") or "date"
        by_subtype: dict[str, fields.Field] = {"date": fields.Date(), "time": fields.Time()}
        return by_subtype.get(subtype, fields.AwareDateTime())
    if kind in {"textfield", "textarea"}:
        return fields.String()
    return fields.Raw()


@functools.lru_cache(maxsize=512)
def _schema_for(definition_json: str) -> Schema:
    definition = json.loads(definition_json)
    declared = {
        comp["key"]: _type_field(comp) for comp in input_fields(definition) if comp["type"] in KEYED_TYPES
    }
    for field in declared.values():
        field.allow_none = True
    schema_cls = Schema.from_dict(declared, name=f"Form_{definition.get('id', 'form')}")
    return schema_cls(unknown=RAISE)


def schema_for(definition: Mapping[str, Any]) -> Schema:
    """A marshmallow schema of a form's value types by dotted path (for reading flat values; submissions
    are judged by `validate_submission`, which applies the form's rules as well)."""
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
    return to_json(value)


def prefill(definition: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Values already in the case for this form's fields, so a form opens filled in where it can."""
    values: dict[str, Any] = {}
    for comp in input_fields(definition):
        node = get_path(data, tuple(comp["key"].split(".")))
        if node is not None:
            values[comp["key"]] = node
        elif "defaultValue" in comp:
            values[comp["key"]] = comp["defaultValue"]
    return values
