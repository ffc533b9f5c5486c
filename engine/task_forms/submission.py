"""A submission judged field by field as the form-js viewer judges it, and the data the workflow stores.

What form-js submits is what the engine stores: every visible, enabled field, at its path (groups with a
`path` nest, dynamic lists hold one object per item), with expression fields computed. A field hidden by
its `conditional.hide`, or inside a hidden group or list, is neither checked nor stored, and neither is a
`disabled` field; values sent for them are dropped, as the viewer never sends them. Conditions and FEEL
limits see the case data the form was opened with, overlaid by the submission, as the viewer's do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.core.errors import FormInvalid
from engine.task_forms import feel
from engine.task_forms.layout import Node, deep_merge, get_path, has_path, set_path, tree
from engine.task_forms.values import check

EMPTY = {"textfield": "", "textarea": "", "checkbox": False, "checklist": [], "taglist": []}


@dataclass(frozen=True)
class Instance:
    """One rendered component: a field (or a list, or a group) at a concrete path, in its expression scope."""

    node: Node
    path: tuple[str | int, ...]
    scope: tuple[Any, Any, tuple[int, ...]]  # this, parent context, 1-based item numbers
    hidden: bool


def expression_context(data: Mapping[str, Any], scope: tuple[Any, Any, tuple[int, ...]]) -> dict[str, Any]:
    """What a FEEL expression sees, as form-js builds it: the data, plus `this`, `parent` and `i`."""
    this, parent, numbers = scope
    special = {"this": this, "parent": parent, "i": list(numbers)}
    return {**special, **data, "_this_": this, "_parent_": parent, "_i_": list(numbers)}


def instances(
    nodes: tuple[Node, ...], data: Mapping[str, Any], lists: Mapping[str, Any] | None = None
) -> list[Instance]:
    """Every component instance in display order, each marked hidden or shown against `data`; dynamic lists
    have the items found in `lists` (the submission: items the case holds but the submission leaves out
    are not judged again)."""
    out: list[Instance] = []

    def walk(nodes: tuple[Node, ...], prefix: tuple[str | int, ...], scope: Any, hidden: bool) -> None:
        for node in nodes:
            condition = (node.component.get("conditional") or {}).get("hide")
            is_hidden = hidden or (
                feel.is_expression(condition) and feel.hides(condition, expression_context(data, scope))
            )
            path = prefix + node.local
            out.append(Instance(node, path, scope, is_hidden))
            if node.repeating:
                items = get_path(data if lists is None else lists, path)
                if is_hidden or not isinstance(items, list):
                    continue
                parent = expression_context(scope[0] if isinstance(scope[0], Mapping) else {}, scope)
                for n, item in enumerate(items):
                    walk(node.children, (*path, n), (item, parent, (*scope[2], n + 1)), is_hidden)
            elif node.children:
                walk(node.children, path, scope, is_hidden)

    walk(nodes, (), (data, None, ()), False)
    return out


def nest(data: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted keys ("complainant.email") become nested objects, as form-js keys mean them."""
    nested: dict[str, Any] = {}
    for key, value in data.items():
        parts = tuple(key.split(".")) if isinstance(key, str) and all(key.split(".")) else (key,)
        parent = get_path(nested, parts[:-1]) if len(parts) > 1 else nested
        if parent is not None and not isinstance(parent, Mapping):
            nested[key] = value  # a value where a group of fields is expected: left for the unknown check
            continue
        existing = get_path(nested, parts)
        if isinstance(existing, Mapping) and isinstance(value, Mapping):
            value = deep_merge(existing, value)
        set_path(nested, parts, value)
    return nested


def unknown_fields(nodes: tuple[Node, ...], data: Any, prefix: str = "") -> dict[str, list[str]]:
    """Values at paths no field of the form has, by dotted path."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        return errors
    fields = _flat(nodes)
    for key, value in data.items():
        path = f"{prefix}{key}"
        leaf = next((n for n in fields if n.local == (key,)), None)
        deeper = _below(fields, str(key))
        if leaf is not None and leaf.repeating:
            if not isinstance(value, list):
                errors[path] = ["Expected a list of items."]
                continue
            for n, item in enumerate(value):
                if not isinstance(item, Mapping):
                    errors[f"{path}.{n}"] = ["Expected an object of field values."]
                else:
                    errors.update(unknown_fields(_flat(leaf.children), item, f"{path}.{n}."))
        elif leaf is not None:
            continue
        elif deeper and isinstance(value, Mapping):
            errors.update(unknown_fields(deeper, value, f"{path}."))
        else:
            errors[path] = ["Unknown field."]
    return errors


def _flat(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """Nodes with groups opened: each keeps its path relative to the scope the groups are in."""
    out: list[Node] = []
    for node in nodes:
        if node.keyed or node.repeating:
            out.append(node)
        else:
            out.extend(Node(c.component, node.local + c.local, c.children) for c in _flat(node.children))
    return tuple(out)


def _below(nodes: tuple[Node, ...], key: str) -> tuple[Node, ...]:
    return tuple(
        Node(n.component, n.local[1:], n.children)
        for n in _flat(nodes)
        if len(n.local) > 1 and n.local[0] == key
    )


def _initialised(found: list[Instance], submitted: Mapping[str, Any]) -> dict[str, Any]:
    """The submission with each absent field at its empty value, as the viewer's data holds it."""
    data = _copy(nest(submitted))
    for inst in found:
        if inst.node.keyed and not has_path(data, inst.path):
            set_path(data, inst.path, EMPTY.get(inst.node.kind))
    return data


def _without_hidden(data: dict[str, Any], found: list[Instance]) -> dict[str, Any]:
    cleared = _copy(data)
    for inst in reversed(found):
        if inst.hidden and (inst.node.keyed or inst.node.repeating):
            _clear(cleared, inst.path)
    return cleared


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _clear(data: Any, path: tuple[str | int, ...]) -> None:
    """Removes a value and then every object or list it leaves empty, as form-js's condition checker does."""
    while path:
        parent = get_path(data, path[:-1]) if len(path) > 1 else data
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
            parent[path[-1]] = None
        path = path[:-1]
        if not path or get_path(data, path) not in ({}, []):
            return


def validate_submission(
    definition: Mapping[str, Any], data: Any, case_data: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Clean data for the workflow, or FormInvalid with messages per dotted field path.

    `case_data` is the data the form was opened with (the task's data): conditions and FEEL limits read it,
    and choice fields with a `valuesKey` offer the list found there.
    """
    if not isinstance(data, Mapping):
        raise FormInvalid({"_schema": ["Expected an object of field values."]})
    case_data = dict(case_data or {})
    nodes = tree(definition)
    submitted = nest(data)
    errors = unknown_fields(nodes, submitted)
    first = instances(nodes, deep_merge(case_data, submitted), submitted)
    raw = deep_merge(case_data, _initialised(first, submitted))
    first = instances(nodes, raw, submitted)  # every field at its value or empty value, as the viewer's state
    filtered = {**case_data, **_without_hidden(raw, first)}
    clean: dict[str, Any] = {}
    for inst in instances(nodes, filtered, submitted):
        node, comp = inst.node, inst.node.component
        if inst.hidden or comp.get("disabled") is True:
            continue
        if node.repeating:
            items = get_path(submitted, inst.path)
            if isinstance(items, list):
                set_path(clean, inst.path, [{} for _ in items])
            continue
        if not node.keyed:
            continue
        present = has_path(submitted, inst.path)
        value = get_path(submitted, inst.path)
        context = expression_context(filtered, inst.scope)
        if node.kind == "expression":
            expression = comp.get("expression")
            computed = feel.evaluate(expression, context) if feel.is_expression(expression) else expression
            set_path(clean, inst.path, _computed(computed))
            continue
        result, messages = check(comp, value if present else None, context, case_data)
        where = ".".join(str(p) for p in inst.path)
        if isinstance(messages, dict) and messages:
            errors.update({f"{where}.{k}": v for k, v in messages.items()})
        elif messages:
            errors[where] = list(messages)
        elif present:
            set_path(clean, inst.path, to_json(result))
        elif node.kind == "checkbox":
            set_path(clean, inst.path, False)  # an unticked box is "no", as the viewer submits it
    if errors:
        raise FormInvalid(errors)
    return clean


def to_json(value: Any) -> Any:
    """Workflow data stays JSON: dates travel as ISO text, which conditions can compare as strings."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, feel.Range):
        return None
    return value


def _computed(value: Any) -> Any:
    """An expression's value as the viewer stores it: JavaScript has one number type, so 4 / 2 is 2."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list):
        return [_computed(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _computed(v) for k, v in value.items()}
    return to_json(value)
