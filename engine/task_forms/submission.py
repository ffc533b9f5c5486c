"""A submission judged field by field as the form-js viewer judges it, and the data the workflow stores.

What form-js submits is what the engine stores: every visible, enabled field, at its path (groups with a
`path` nest, dynamic lists hold one object per item), with expression fields computed. A field hidden by
its `conditional.hide`, or inside a hidden group or list, is neither checked nor stored, and neither is a
`disabled` field; values sent for them are dropped, as the viewer never sends them. Conditions and FEEL
limits see the case data the form was opened with, overlaid by the submission, as the viewer's do.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.core.errors import FormInvalid
from engine.task_forms import feel
from engine.task_forms.layout import Node, deep_merge, get_path, has_path, set_path, tree
from engine.task_forms.values import check

EMPTY = {"textfield": "", "textarea": "", "checkbox": False, "checklist": [], "taglist": []}
Scope = tuple[Any, Any, tuple[int, ...]]  # this, parent context, 1-based item numbers


@dataclass(frozen=True)
class Instance:
    """One rendered component: a field (or a list, or a group) at a concrete path, in its expression scope."""

    node: Node
    path: tuple[str | int, ...]
    scope: Scope
    hidden: bool


@dataclass(frozen=True)
class ListShape:
    """Where a dynamic list sits: each item holds the fields of `shape`."""

    node: Node
    shape: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """What a definition asks of every submission, worked out once per definition."""

    nodes: tuple[Node, ...]
    shape: dict[str, Any]  # key -> Node (a field), ListShape, or a dict (an object of fields)
    conditional: bool  # any hide condition: hidden fields depend on the data


_PLANS: OrderedDict[int, tuple[Mapping[str, Any], Plan]] = OrderedDict()
_PLANS_LOCK = threading.Lock()


def plan_for(definition: Mapping[str, Any]) -> Plan:
    """The plan of a definition, cached by the definition object (a deployed version's never changes)."""
    entry = _PLANS.get(id(definition))
    if entry is not None and entry[0] is definition:
        return entry[1]
    nodes = tree(definition)
    plan = Plan(nodes, _shape(nodes), any(_walk_nodes(nodes, lambda n: n.hide is not None)))
    with _PLANS_LOCK:
        _PLANS[id(definition)] = (definition, plan)  # holding the definition keeps its id from being reused
        while len(_PLANS) > 512:
            _PLANS.popitem(last=False)
    return plan


def _walk_nodes(nodes: tuple[Node, ...], test) -> list[bool]:
    out = []
    for node in nodes:
        out.append(test(node))
        out.extend(_walk_nodes(node.children, test))
    return out


def _flat(nodes: tuple[Node, ...]) -> list[Node]:
    """Fields and lists with groups opened: each keeps its path relative to the scope the groups are in."""
    out: list[Node] = []
    for node in nodes:
        if node.keyed or node.repeating:
            out.append(node)
        else:
            out.extend(c.moved(node.local + c.local) for c in _flat(node.children))
    return out


def _shape(nodes: tuple[Node, ...]) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for node in _flat(nodes):
        if not node.local:
            continue
        branch = shape
        for part in node.local[:-1]:
            nxt = branch.get(part)
            if not isinstance(nxt, dict):
                nxt = branch[part] = {}
            branch = nxt
        branch[node.local[-1]] = ListShape(node, _shape(node.children)) if node.repeating else node
    return shape


def expression_context(data: Mapping[str, Any], scope: Scope) -> dict[str, Any]:
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
    source = data if lists is None else lists

    def walk(nodes: tuple[Node, ...], prefix: tuple[str | int, ...], scope: Scope, hidden: bool) -> None:
        for node in nodes:
            is_hidden = hidden or (
                node.hide is not None and feel.hides(node.hide, expression_context(data, scope))
            )
            path = prefix + node.local
            out.append(Instance(node, path, scope, is_hidden))
            if node.repeating:
                items = get_path(source, path)
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
        if not isinstance(key, str) or "." not in key or not all(key.split(".")):
            if isinstance(value, Mapping) and isinstance(nested.get(key), Mapping):
                value = deep_merge(nested[key], value)
            nested[key] = value
            continue
        parts = tuple(key.split("."))
        parent = get_path(nested, parts[:-1])
        if parent is not None and not isinstance(parent, Mapping):
            nested[key] = value  # a value where a group of fields is expected: left for the unknown check
            continue
        existing = get_path(nested, parts)
        if isinstance(existing, Mapping) and isinstance(value, Mapping):
            value = deep_merge(existing, value)
        set_path(nested, parts, value)
    return nested


def unknown_fields(shape: Mapping[str, Any], data: Any, prefix: str = "") -> dict[str, list[str]]:
    """Values at paths no field of the form has, by dotted path."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        return errors
    for key, value in data.items():
        path = f"{prefix}{key}"
        entry = shape.get(key) if isinstance(key, str) else None
        if isinstance(entry, Node):
            continue
        if isinstance(entry, ListShape):
            if not isinstance(value, list):
                errors[path] = ["Expected a list of items."]
                continue
            for n, item in enumerate(value):
                if isinstance(item, Mapping):
                    errors.update(unknown_fields(entry.shape, item, f"{path}.{n}."))
                else:
                    errors[f"{path}.{n}"] = ["Expected an object of field values."]
        elif isinstance(entry, dict) and isinstance(value, Mapping):
            errors.update(unknown_fields(entry, value, f"{path}."))
        else:
            errors[path] = ["Unknown field."]
    return errors


def _initialised(found: list[Instance], submitted: Mapping[str, Any]) -> dict[str, Any]:
    """The submission with each absent field at its empty value, as the viewer's data holds it."""
    data = _copy(submitted)
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


def _visible(plan: Plan, submitted: dict[str, Any], case_data: dict[str, Any]) -> tuple[list[Instance], Any]:
    """The instances as the viewer renders them at submit, and the data their expressions see.

    Like the viewer, conditions are first run on the data as it stands (each absent field at its empty
    value), hidden values are then taken out, and the conditions run again on what is left.
    """
    if not plan.conditional:
        return instances(plan.nodes, submitted, submitted), None
    merged = deep_merge(case_data, submitted)
    raw = deep_merge(case_data, _initialised(instances(plan.nodes, merged, submitted), submitted))
    filtered = {**case_data, **_without_hidden(raw, instances(plan.nodes, raw, submitted))}
    return instances(plan.nodes, filtered, submitted), filtered


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
    plan = plan_for(definition)
    submitted = nest(data)
    errors = unknown_fields(plan.shape, submitted)
    found, filtered = _visible(plan, submitted, case_data)
    clean: dict[str, Any] = {}
    for inst in found:
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
        value = get_path(submitted, inst.path) if present else None
        context: Mapping[str, Any] = {}
        if node.feel:
            if filtered is None:
                filtered = deep_merge(case_data, _initialised(found, submitted))
            context = expression_context(filtered, inst.scope)
        if node.kind == "expression":
            expression = comp.get("expression")
            if isinstance(expression, str) and feel.is_expression(expression):
                computed = feel.evaluate(expression, context)
            else:
                computed = expression
            set_path(clean, inst.path, _computed(computed))
            continue
        result, messages = check(comp, value, context, case_data)
        if messages:
            where = ".".join(str(p) for p in inst.path)
            if isinstance(messages, dict):
                errors.update({f"{where}.{k}": v for k, v in messages.items()})
            else:
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
