"""The restricted language of BPMN expressions, conditions, DMN cells and script tasks.

Process models are uploaded through the web, so their Python must not reach the file system, the network
or the interpreter's internals. Code is compiled with RestrictedPython (no imports, no names or attributes
starting with an underscore) and runs against guarded builtins and a small, documented set of helpers.
Compiled code is cached by source text: the same few hundred expressions run millions of times.
"""

from __future__ import annotations

import ast
import contextvars
import datetime as dt
import functools
import math
import operator
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bpmn.budget import LIMITS, Budget, Limits, stored_size
from engine.core.clock import Clock, SystemClock
from engine.deadlines import jurisdictions


class ScriptRefused(SyntaxError):
    """Code that does not compile, or that the restrictions refuse."""


@dataclass
class ScriptContext:
    """What helpers may know about the case whose code is running (set by the case service per call)."""

    clock: Clock = field(default_factory=SystemClock)
    case_reference: str | None = None
    # (task data, deadline name) -> due time; given the data of the task being evaluated, because the SLA
    # profile may be chosen by a decision earlier in the same run.
    deadline: Callable[[Mapping[str, Any], str], dt.datetime] | None = None
    # What this engine step's process code may still spend; None outside a step (each evaluation its own).
    budget: Budget | None = None


_context: contextvars.ContextVar[ScriptContext] = contextvars.ContextVar("redressal_script_context")


def current_context() -> ScriptContext:
    try:
        return _context.get()
    except LookupError:
        return ScriptContext()


def set_context(ctx: ScriptContext) -> contextvars.Token:
    return _context.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


# --- helpers process owners may call -------------------------------------------------------------------


def deadline(name: str) -> str:
    """ISO 8601 due time (with offset) of the named SLA deadline for this case, for timer `timeDate`s.

    This module-level function documents the helper; the environment binds the real one to the data of the
    task being evaluated.
    """
    raise ValueError("deadline() is only available while a case runs")


def _bound_deadline(data: Mapping[str, Any]) -> Callable[[str], str]:
    ctx = current_context()

    def deadline(name: str) -> str:
        if ctx.deadline is None:
            raise ValueError("deadline() is only available while a case runs")
        return ctx.deadline(data, str(name)).isoformat()

    return deadline


def now() -> str:
    """The current time as an ISO 8601 string with offset."""
    return current_context().clock.now().isoformat()


def today() -> str:
    """Today's date (UTC) as YYYY-MM-DD."""
    return current_context().clock.now().date().isoformat()


def add_days(when: str, days: float) -> str:
    """`when` (ISO date or datetime) plus a number of calendar days, as ISO text of the same kind.

    A date stays a date: conditions compare it as text with `today()` and with form dates.
    """
    value = dt.datetime.fromisoformat(when)
    shifted = value + dt.timedelta(days=days)
    return shifted.date().isoformat() if len(when.strip()) == 10 else shifted.isoformat()


def calendar_region_of(jurisdiction: str | None) -> str | None:
    """The region whose holidays count for a jurisdiction code (`GB` -> `GB-ENG`, `GB-EDH` -> `GB-SCT`)."""
    return jurisdictions.calendar_region(jurisdiction)


HELPERS: dict[str, Callable[..., Any]] = {
    "deadline": deadline,
    "now": now,
    "today": today,
    "add_days": add_days,
    "calendar_region_of": calendar_region_of,
}

_EXTRA_BUILTINS = {
    name: obj
    for name, obj in {
        "min": min,
        "max": max,
        "sum": sum,
        "sorted": sorted,
        "any": any,
        "all": all,
        "list": list,
        "dict": dict,
        "set": set,
        "tuple": tuple,
        "enumerate": enumerate,
        "zip": zip,
        "reversed": reversed,
        "map": map,
        "filter": filter,
        "math": None,  # replaced below by a read-only namespace of pure functions
    }.items()
}
# An instance, not a class: a class would hand out `math.mro()` and with it `object`.
_EXTRA_BUILTINS["math"] = types.SimpleNamespace(
    **{n: getattr(math, n) for n in ("floor", "ceil", "sqrt", "isclose")}
)

_REFUSED_BUILTINS = {"setattr", "delattr", "__build_class__", "id", "_getattr_"}
BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _REFUSED_BUILTINS}
BUILTINS.update(_EXTRA_BUILTINS)

_INPLACE = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "|=": operator.ior,
    "&=": operator.iand,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    return _INPLACE[op](x, y)


GUARDS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
}

_RESERVED = frozenset(GUARDS) | frozenset(HELPERS)


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus: imports and classes are refused when compiled, not when they run.

    Its own policy lets `import os` compile and fail later for want of `__import__` (and `class A: pass`
    for want of `__build_class__`); a process owner should hear about it at deploy, with the line.
    """

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        self.error(node, "imports are not allowed; use the helpers now(), today(), add_days(), deadline()")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "classes are not allowed in process code; use dicts and functions")
        return node


_GUARDED_OPS: dict[type[ast.operator], str] = {
    ast.Add: "_add_",
    ast.Sub: "_sub_",
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Mod: "_mod_",
}
_PRINTERS = {"str": "_str_", "repr": "_repr_"}
_FORMAT_NUMBER = re.compile(r"\d+")


def _call(name: str, args: list[ast.expr], where: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, where))


class _Budgeted(_Policy):
    """The policy, plus the budget (`engine.budget`) woven into the code when it is compiled.

    Operators that can grow a value call a guard that refuses before the work is done; every `while` pass and
    every call of a function the code defines counts a step (`for` loops and comprehensions count through
    `_getiter_`); f-string values pass a guard, and their format specs must be constants of sane width.
    """

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None:
            return node
        return _call(guard, [node.left, node.right], node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        """`str(x)` and `repr(x)` check that `x` does not print exponentially long (`str` stays the type)."""
        node = super().visit_Call(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _PRINTERS:
            node.func = ast.copy_location(ast.Name(_PRINTERS[node.func.id], ast.Load()), node.func)
        return node

    def visit_While(self, node: ast.While) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_call("_tick_", [], node)), node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_call("_tick_", [], node)), node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        node.body = ast.copy_location(ast.BoolOp(ast.Or(), [_call("_tick_", [], node), node.body]), node.body)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(p, ast.Constant) for p in parts):
                self.error(node, "f-string format specs must be written out, not computed")
                return node
            text = "".join(str(p.value) for p in parts)
            if any(len(n) > 7 or int(n) > LIMITS.length for n in _FORMAT_NUMBER.findall(text)):
                self.error(node, f"an f-string width over {LIMITS.length:,} (REDRESSAL_BUDGET_LENGTH)")
                return node
        node.value = _call("_format_", [node.value], node.value)
        return node


@functools.lru_cache(maxsize=4096)
def compile_expression(source: str, budgeted: bool = True):
    result = compile_restricted_eval(source.strip(), policy=_Budgeted if budgeted else _Policy)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


@functools.lru_cache(maxsize=2048)
def compile_script(source: str, budgeted: bool = True):
    result = compile_restricted_exec(source, policy=_Budgeted if budgeted else _Policy)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, with restricted compilation instead of plain eval/exec.

    With `limits` (the default), code runs on the budget of the engine step it belongs to (or, outside one,
    a budget of its own); `limits=None` runs it unbudgeted, which only the benchmark does (to measure it).
    """

    def __init__(
        self, helpers: Mapping[str, Callable[..., Any]] | None = None, limits: Limits | None = LIMITS
    ) -> None:
        super().__init__(dict(helpers or HELPERS))
        self._base = {**GUARDS, **self.globals}
        self.limits = limits
        self._budgeted = limits is not None

    def _namespace(self, context: dict, external_context: dict | None) -> tuple[dict, Budget | None]:
        namespace = {**context, **(external_context or {}), **self._base}
        if not self._budgeted:
            return namespace, None
        budget = current_context().budget or Budget(self.limits)
        namespace.update(budget.namespace_over(BUILTINS))
        return namespace, budget

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        namespace, budget = self._namespace(context, external_context)
        if "deadline(" in expression:
            namespace["deadline"] = _bound_deadline(context)
        result = eval(compile_expression(expression, self._budgeted), namespace)
        if budget is not None:
            if budget.exceeded is not None:  # the code caught the refusal and went on
                raise budget.exceeded
            if type(result) in _CONTAINERS:
                stored_size(result, budget.limits.length, budget)
        return result

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        clash = (set(self.globals) | set(external_context or {})) & set(context)
        if clash:
            raise ValueError(
                f"task data uses the name(s) {sorted(clash)} of built-in helpers; rename those fields"
            )
        namespace, budget = self._namespace(context, external_context)
        if "deadline(" in script:
            namespace["deadline"] = _bound_deadline(context)
        exec(compile_script(script, self._budgeted), namespace)
        if budget is not None and budget.exceeded is not None:
            raise budget.exceeded
        skip = _RESERVED | set(external_context or {})
        for key in list(context):
            if key not in namespace:
                del context[key]
        updates = {}
        for key, value in namespace.items():
            if key in skip or key.startswith("_") or callable(value) or isinstance(value, type):
                continue
            if budget is not None and type(value) in _CONTAINERS and value is not context.get(key):
                stored_size(value, budget.limits.length, budget)
            updates[key] = value
        context.update(updates)
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are not available to process models")


_CONTAINERS = frozenset({list, tuple, dict, set, frozenset})


class RestrictedScriptEngine(PythonScriptEngine):
    """Validation (used by SpiffWorkflow's DMN engine) goes through the same restricted compiler."""

    def __init__(
        self, helpers: Mapping[str, Callable[..., Any]] | None = None, limits: Limits | None = LIMITS
    ) -> None:
        super().__init__(environment=RestrictedEnvironment(helpers, limits))

    def validate(self, expression: str) -> None:
        compile_expression(expression)


def check_expression(source: str) -> str | None:
    """The reason `source` would be refused as an expression, or None if it compiles."""
    try:
        compile_expression(source)
    except SyntaxError as exc:
        return str(exc)
    return None


def check_script(source: str) -> str | None:
    """The reason `source` would be refused as a script, or None if it compiles."""
    try:
        compile_script(source)
    except SyntaxError as exc:
        return str(exc)
    return None
