"""The shape of a form-js definition: which components hold values, and where in the data they go.

form-js puts a field's value at its `key` (dots nest), under the `path` of every group around it (a group
without a path adds nothing) and, inside a dynamic list, in each item of the list at the list's `path`.
Display components (text, images, buttons, tables...) hold no value and are passed over.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Mapping
from typing import Any

KEYED_TYPES = frozenset(
    {
        "textfield",
        "textarea",
        "number",
        "checkbox",
        "select",
        "radio",
        "datetime",
        "checklist",
        "taglist",
        "expression",
        "filepicker",
    }
)
CONTAINER_TYPES = frozenset({"group", "dynamiclist"})
DISPLAY_TYPES = frozenset(
    {"text", "image", "button", "separator", "spacer", "html", "documentPreview", "iframe", "table"}
)
CHOICE_TYPES = frozenset({"select", "radio", "checklist", "taglist"})
MULTIPLE_TYPES = frozenset({"checklist", "taglist"})
FEEL_LIMITS = ("min", "max", "minLength", "maxLength")


class Node:
    """A keyed field or a container; `local` is its part of the value path, relative to its parent's.

    What a submission asks of a component is worked out once, here, as plain attributes: forms are judged
    on every task completion.
    """

    __slots__ = ("children", "component", "feel", "hide", "keyed", "kind", "local", "repeating")

    def __init__(self, component: dict[str, Any], local: tuple[str, ...], children: tuple[Node, ...] = ()):
        self.component = component
        self.local = local
        self.children = children
        self.kind: str = component.get("type", "")
        self.keyed = self.kind in KEYED_TYPES
        self.repeating = self.kind == "dynamiclist"
        conditional = component.get("conditional")
        hide = conditional.get("hide") if isinstance(conditional, dict) else None
        self.hide: str | None = hide if isinstance(hide, str) and hide.startswith("=") else None
        rules = component.get("validate")
        rules = rules if isinstance(rules, dict) else {}
        self.feel = (
            self.kind == "expression"
            or bool(component.get("valuesExpression"))
            or any(isinstance(rules.get(k), str) and rules[k].startswith("=") for k in FEEL_LIMITS)
        )

    def moved(self, local: tuple[str, ...]) -> Node:
        """The same component at another relative path (groups opened, or a prefix taken off)."""
        return Node(self.component, local, self.children)


def split_path(text: Any) -> tuple[str, ...]:
    return tuple(part for part in str(text).split(".") if part) if text else ()


def _nodes(components: Any) -> tuple[Node, ...]:
    out: list[Node] = []
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, dict):
            continue
        kind = comp.get("type")
        if kind in KEYED_TYPES and isinstance(comp.get("key"), str) and comp["key"]:
            out.append(Node(comp, split_path(comp["key"])))
        elif kind in CONTAINER_TYPES:
            out.append(Node(comp, split_path(comp.get("path")), _nodes(comp.get("components"))))
    return tuple(out)


@functools.lru_cache(maxsize=512)
def _tree_of(definition_json: str) -> tuple[Node, ...]:
    return _nodes(json.loads(definition_json).get("components"))


def tree(definition: Mapping[str, Any]) -> tuple[Node, ...]:
    """The value-holding components (cached: definitions of a deployed version never change)."""
    return _tree_of(json.dumps(definition, sort_keys=True, default=str))


def input_fields(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Keyed components in display order, each with `key` set to its full dotted data path.

    A dynamic list counts as one field (its value is the list of items); its children are not listed.
    """
    out: list[dict[str, Any]] = []

    def walk(nodes: tuple[Node, ...], prefix: tuple[str, ...]) -> None:
        for node in nodes:
            path = prefix + node.local
            if node.keyed or node.repeating:
                out.append({**node.component, "key": ".".join(path)})
            elif node.children:
                walk(node.children, path)

    walk(tree(definition), ())
    return out


_MISSING = object()


def _step(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping):
        return node.get(part, _MISSING)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING


def _walk(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at a path, or _MISSING where the data stops."""
    node = data
    for part in path:
        node = _step(node, part)
        if node is _MISSING:
            break
    return node


def get_path(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at a path, or None where the data stops."""
    node = _walk(data, path)
    return None if node is _MISSING else node


def has_path(data: Any, path: tuple[str | int, ...]) -> bool:
    return _walk(data, path) is not _MISSING


def set_path(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    """Sets a value, making the dicts and lists on the way (lists are made long enough)."""
    node: Any = data
    for part, nxt in itertools.pairwise(path):
        _make_room(node, part)
        if not isinstance(_step(node, part), dict | list):
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    _make_room(node, path[-1])
    node[path[-1]] = value


def _make_room(node: Any, part: str | int) -> None:
    """A list is only ever entered by an index; it grows to hold it."""
    if isinstance(node, list):
        assert isinstance(part, int)
        node.extend([None] * (part + 1 - len(node)))


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`, merging nested objects (lists and values are replaced)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
