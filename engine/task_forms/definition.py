"""A form-js definition checked at deploy, so no case meets a form the engine would misjudge.

Every component type form-js 1.x renders is accepted: fields (kept and validated), groups and dynamic lists
(their `path` nests values), and display components (passed over). What the engine cannot judge as the
viewer would (an unknown type, a FEEL expression outside the subset in `feel`, a pattern Python cannot
read) is refused here, each problem a sentence naming the component and, for FEEL, the expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.bpmn.serialization import TYPE_KEY
from engine.task_forms import feel
from engine.task_forms.layout import (
    CHOICE_TYPES,
    CONTAINER_TYPES,
    DISPLAY_TYPES,
    FEEL_LIMITS,
    KEYED_TYPES,
    split_path,
)
from engine.task_forms.values import compile_pattern

_PATH = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$")


def check_definition(form_id: str, definition: Any) -> list[str]:
    """Problems with a form definition, each a sentence naming the component.

    A definition without "id" is fine (form-js needs none): it takes its id from its file name.
    """
    if not isinstance(definition, dict):
        return ["is not a JSON object"]
    problems = []
    if "id" in definition and definition.get("id") != form_id:
        problems.append(f'its "id" is {definition.get("id")!r} but the file name says {form_id!r}')
    if not isinstance(definition.get("components"), list):
        return [*problems, 'has no "components" list']
    seen: set[tuple[str, ...]] = set()

    def walk(components: list[Any], prefix: tuple[str, ...], scope: str) -> None:
        for n, comp in enumerate(components):
            where = f"component {n + 1}"
            if not isinstance(comp, dict):
                problems.append(f"{where} is not an object")
                continue
            kind = comp.get("type")
            key = comp.get("key")
            if isinstance(key, str) and key and kind not in CONTAINER_TYPES:
                where = f"field {key!r}"
            elif kind in CONTAINER_TYPES and comp.get("path"):
                where = f"{kind} {comp['path']!r}"
            elif comp.get("id"):
                where = f"{kind or 'component'} {comp['id']!r}"
            if kind not in KEYED_TYPES | CONTAINER_TYPES | DISPLAY_TYPES:
                problems.append(f"{where} has type {kind!r}, which form-js does not render")
                continue
            problems.extend(_expressions(where, comp))
            if kind in KEYED_TYPES:
                path = _check_key(where, kind, key, prefix, scope, seen, problems)
                _check_field(where, kind, comp, problems)
            elif kind in CONTAINER_TYPES:
                path = _check_container(where, kind, comp, prefix, problems)
                if kind == "dynamiclist":
                    walk(comp.get("components") or [], (), f"{scope}{'.'.join(prefix + path)}[].")
                else:
                    walk(comp.get("components") or [], prefix + path, scope)

    walk(definition["components"], (), "")
    return problems


def _check_key(
    where: str,
    kind: str,
    key: Any,
    prefix: tuple[str, ...],
    scope: str,
    seen: set[tuple[str, ...]],
    problems: list[str],
) -> tuple[str, ...]:
    if not key or not isinstance(key, str):
        problems.append(f"{where} ({kind}) has no key")
        return ()
    if not _PATH.match(key):
        problems.append(f"{where} has a key that is not a dotted name")
        return ()
    full = (scope, *prefix, *split_path(key))
    if full in seen:
        problems.append(f"{where} appears twice")
    elif TYPE_KEY in key.split("."):
        problems.append(f"{where} uses the name '{TYPE_KEY}', which stored cases keep")
    seen.add(full)
    return split_path(key)


def _check_container(
    where: str, kind: str, comp: Mapping[str, Any], prefix: tuple[str, ...], problems: list[str]
) -> tuple[str, ...]:
    path = comp.get("path")
    if kind == "dynamiclist" and not path:
        problems.append(f'{where} is a dynamic list without a "path" for its items')
    if path and (not isinstance(path, str) or not _PATH.match(path)):
        problems.append(f'{where} has a "path" that is not a dotted name')
        return ()
    if path and TYPE_KEY in path.split("."):
        problems.append(f"{where} uses the name '{TYPE_KEY}', which stored cases keep")
    return split_path(path)


def _check_field(where: str, kind: str, comp: Mapping[str, Any], problems: list[str]) -> None:
    if kind in CHOICE_TYPES and not (
        comp.get("values") or comp.get("valuesKey") or comp.get("valuesExpression")
    ):
        problems.append(f"{where} lists no values to choose from (values, valuesKey or valuesExpression)")
    if kind == "expression" and not comp.get("expression"):
        problems.append(f'{where} is an expression field without an "expression"')
    rules = comp.get("validate")
    if rules is None:
        rules = {}
    if not isinstance(rules, dict):
        problems.append(f'{where} has a "validate" that is not an object')
        return
    if "required" in rules and not isinstance(rules["required"], bool):
        problems.append(f'{where} has "required" that is neither true nor false')
    for name in FEEL_LIMITS:
        limit = rules.get(name)
        if limit is None or feel.is_expression(limit):
            continue
        if isinstance(limit, bool) or not _numeric(limit):
            problems.append(f'{where} has "{name}" {limit!r}, which is not a number')
    if rules.get("pattern"):
        try:
            compile_pattern(str(rules["pattern"]))
        except re.error as exc:
            problems.append(f"{where} has an invalid pattern: {exc}")
    if kind == "number":
        digits = comp.get("decimalDigits")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 0):
            problems.append(f'{where} has "decimalDigits" {digits!r}; write a whole number, 0 or more')
        step = comp.get("increment")
        if step is not None and (isinstance(step, bool) or not _numeric(step) or float(step) <= 0):
            problems.append(f'{where} has "increment" {step!r}; write a number above 0')


def _numeric(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _expressions(where: str, comp: Mapping[str, Any]) -> list[str]:
    """The FEEL a submission's judgement depends on; each must be within the subset the engine evaluates."""
    found: list[tuple[str, Any]] = []
    conditional = comp.get("conditional")
    if isinstance(conditional, Mapping) and conditional.get("hide") not in (None, ""):
        hide = conditional["hide"]
        if not feel.is_expression(hide):
            return [f'{where} has the hide condition {hide!r}, which is not FEEL: start it with "="']
        found.append(("hide condition", hide))
    rules = comp.get("validate")
    if isinstance(rules, Mapping):
        found.extend(
            (f'"{name}"', rules[name]) for name in FEEL_LIMITS if feel.is_expression(rules.get(name))
        )
    if comp.get("type") == "expression" and feel.is_expression(comp.get("expression")):
        found.append(("expression", comp["expression"]))
    if feel.is_expression(comp.get("valuesExpression")):
        found.append(("options expression", comp["valuesExpression"]))
    problems = []
    for what, source in found:
        try:
            feel.compile_expression(source)
        except feel.FeelError as exc:
            problems.append(f"{where} has the {what} {source!r}, which the engine cannot evaluate: it {exc}")
    return problems
