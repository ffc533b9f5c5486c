"""The budget process code runs on: loop steps, integer size, string and sequence size, wall time.

A thread cannot be stopped while C code holds the interpreter lock (`10 ** 10 ** 10` freezes every thread),
so the budget is enforced before the expensive operation runs, never by watching from outside: the compiler
(`engine.scripting`) turns `+ - * ** << %` into calls of the guards below, counts every pass of a loop, every
item a `for` or comprehension takes and every call of a function the code defines, and hands out guarded
versions of the few builtins and string methods whose single call can grow a value without bound. Every
guarded operation is bounded by the limits, so checking the clock between them also bounds the wall time.

One `Budget` is spent by one engine step (a case start, a completion, a timer firing): every expression,
condition, DMN cell and script that step runs draws from it.
"""

from __future__ import annotations

import contextvars
import operator
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from RestrictedPython.Guards import safer_getattr


class BudgetExceeded(Exception):
    """Process code went over its budget; the step fails and nothing of it is saved."""


@dataclass(frozen=True)
class Limits:
    """What one engine step's process code may spend; read from the environment once at start-up."""

    steps: int = 1_000_000  # loop passes, items iterated, calls of functions the code defines
    int_bits: int = 10_000  # about 3,000 decimal digits
    length: int = 1_000_000  # items of one string, list, tuple, dict or set that an operator makes
    seconds: float = 2.0  # wall time of the step's process code

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """`REDRESSAL_BUDGET_STEPS`, `..._INT_BITS`, `..._LENGTH`, `..._SECONDS`; the defaults otherwise."""
        values: dict[str, Any] = {}
        for name, kind in (("steps", int), ("int_bits", int), ("length", int), ("seconds", float)):
            raw = environ.get(f"REDRESSAL_BUDGET_{name.upper()}")
            if raw:
                value = kind(raw)
                if value <= 0:
                    raise ValueError(f"REDRESSAL_BUDGET_{name.upper()} must be positive, not {raw}")
                values[name] = value
        return cls(**values)


LIMITS = Limits.from_env()

_time_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "redressal_time_limit", default=None
)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Every budget made inside this block ends at most `seconds` from now (one timer firing's limit)."""
    token = _time_limit.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _time_limit.reset(token)


def step_budget(limits: Limits = LIMITS) -> Budget:
    """The budget of one engine step, ending no later than the time limit of the block it runs in."""
    return Budget(limits, _time_limit.get())


_SIZED = frozenset({str, bytes, list, tuple, dict, set, frozenset})
_SNAPSHOT = frozenset({str, bytes, tuple, range, dict, set, frozenset})
_CHECK_EVERY = 1024
_PRINTF = re.compile(rb"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


class Budget:
    """One step's spending, and the guards compiled code calls (as `_add_`, `_mul_`, `_tick_`, ...)."""

    def __init__(self, limits: Limits = LIMITS, time_limit: float | None = None) -> None:
        """`time_limit` is a `time.monotonic()` instant the step must not run past (a timer firing's)."""
        self.limits = limits
        end = time.monotonic() + limits.seconds
        self.end = end if time_limit is None else min(end, time_limit)
        self.steps = 0
        self._next_check = _CHECK_EVERY
        self.exceeded: BudgetExceeded | None = None
        self.guards: dict[str, Any] = {
            "_tick_": self.tick,
            "_getiter_": self.getiter,
            "_getattr_": self.getattr,
            "_add_": self.add,
            "_sub_": self.sub,
            "_mul_": self.mul,
            "_pow_": self.pow,
            "_lshift_": self.lshift,
            "_mod_": self.mod,
            "_inplacevar_": self.inplace,
            "_format_": self.format,
            "_str_": self.str,
            "_repr_": self.repr,
        }
        self.builtins: dict[str, Any] = {
            "range": self.range,
            "pow": self.pow,
            "sum": self.sum,
            "bytes": self.bytes,
        }
        self._namespace: dict[str, Any] | None = None

    def namespace_over(self, builtins: Mapping[str, Any]) -> dict[str, Any]:
        """The guards and `__builtins__` (with the guarded ones) that compiled code finds, made once."""
        if self._namespace is None:
            self._namespace = {**self.guards, "__builtins__": {**builtins, **self.builtins}}
        return self._namespace

    # --- spending ------------------------------------------------------------------------------------------

    def fail(self, message: str) -> None:
        """Refuse, and keep refusing: code that catches the error still cannot go on spending."""
        self.exceeded = BudgetExceeded(f"over the process code budget: {message}")
        self._next_check = self.steps  # every later tick raises again
        raise self.exceeded

    def tick(self) -> None:
        self.steps += 1
        if self.steps >= self._next_check:
            self._check()

    def charge(self, steps: int) -> None:
        self.steps += steps
        if self.steps >= self._next_check:
            self._check()

    def _check(self) -> None:
        if self.exceeded is not None:
            raise self.exceeded
        if self.steps > self.limits.steps:
            self.fail(f"more than {self.limits.steps:,} loop steps (REDRESSAL_BUDGET_STEPS)")
        if time.monotonic() > self.end:
            self.fail(
                f"ran longer than its time limit of {self.limits.seconds:g} s (REDRESSAL_BUDGET_SECONDS)"
            )
        self._next_check = self.steps + _CHECK_EVERY

    def check_time(self) -> None:
        """Called around the larger operations, so a few of them cannot overrun the clock between ticks."""
        if time.monotonic() > self.end:
            self._check()

    def _made(self, value: Any) -> Any:
        """Check a value an operator made: its size, and its cost (1 step per 16 items) against the budget."""
        kind = type(value)
        if kind is int:
            if value.bit_length() > self.limits.int_bits:
                self._int_too_big()
        elif kind in _SIZED:
            size = len(value)
            if size > self.limits.length:
                self._too_long(size)
            if size > 256:
                self.charge(size >> 4)
        return value

    def _int_too_big(self) -> None:
        self.fail(f"an integer over {self.limits.int_bits:,} bits (REDRESSAL_BUDGET_INT_BITS)")

    def _too_long(self, size: int | float) -> None:
        self.fail(f"a value of {size:,.0f} items, over {self.limits.length:,} (REDRESSAL_BUDGET_LENGTH)")

    def _length(self, size: int | float) -> None:
        """Refuse before making a value of `size` items."""
        if size > self.limits.length:
            self._too_long(size)

    # --- operators -----------------------------------------------------------------------------------------

    def add(self, a: Any, b: Any) -> Any:
        return self._made(a + b)

    def sub(self, a: Any, b: Any) -> Any:
        return self._made(a - b)

    def mul(self, a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if ta is int or ta is bool:
            if tb is int or tb is bool:
                if a.bit_length() + b.bit_length() > self.limits.int_bits + 1:
                    self._int_too_big()
                return a * b
            if tb in _SIZED:
                self._length(len(b) * max(a, 0))
        elif (tb is int or tb is bool) and ta in _SIZED:
            self._length(len(a) * max(b, 0))
        return self._made(a * b)

    def pow(self, a: Any, b: Any, modulo: Any = None) -> Any:
        if modulo is not None:
            for value in (a, b, modulo):
                if type(value) is int and value.bit_length() > self.limits.int_bits:
                    self._int_too_big()
            return pow(a, b, modulo)
        if _both_ints(a, b) and b > 1 and abs(a) > 1 and (abs(a).bit_length() - 1) * b > self.limits.int_bits:
            self._int_too_big()
        return self._made(a**b)

    def lshift(self, a: Any, b: Any) -> Any:
        if (
            type(a) in (int, bool)
            and type(b) in (int, bool)
            and a
            and a.bit_length() + b > self.limits.int_bits
        ):
            self._int_too_big()
        return a << b

    def mod(self, a: Any, b: Any) -> Any:
        if type(a) in (str, bytes):
            self._printf_widths(a if type(a) is bytes else a.encode("utf-8", "replace"))
            self._refuse_nested(b)
        return self._made(a % b)

    def _printf_widths(self, template: bytes) -> None:
        for width, precision in _PRINTF.findall(template):
            for number in (width, precision):
                if number == b"*":
                    self.fail("'*' widths in % formatting; write the width in the text")
                if number and (len(number) > 7 or int(number) > self.limits.length):
                    self._too_long(int(number))

    _INPLACE: dict[str, Callable[[Any, Any], Any]] = {
        "/=": operator.itruediv,
        "//=": operator.ifloordiv,
        "|=": operator.ior,
        "&=": operator.iand,
        "^=": operator.ixor,
        ">>=": operator.irshift,
        "@=": operator.imatmul,
    }

    def inplace(self, op: str, a: Any, b: Any) -> Any:
        """`x += y` and friends: lists grow in place, as in Python, after the same checks as `x + y`."""
        if op == "+=":
            if type(a) is list:
                self._length(len(a) + len(b) if hasattr(b, "__len__") else len(a))
                a += b
                return self._made(a)
            return self.add(a, b)
        if op == "-=":
            return self.sub(a, b)
        if op == "*=":
            return self.mul(a, b)
        if op == "**=":
            return self.pow(a, b)
        if op == "<<=":
            return self.lshift(a, b)
        if op == "%=":
            return self.mod(a, b)
        return self._INPLACE[op](a, b)

    def format(self, value: Any) -> Any:
        """f-string values: a shared structure must not print as an exponentially long text."""
        self._refuse_nested(value)
        return value

    # --- iteration -----------------------------------------------------------------------------------------

    def getiter(self, obj: Any) -> Iterator[Any]:
        """`for` loops and comprehensions: each item taken costs a step.

        Strings, tuples, ranges, dicts and sets are charged their length at once (Python refuses to let dicts
        and sets change size while they are iterated); a list is iterated as it stood when the loop began, so
        a loop that appends to its own list ends; anything else is counted item by item.
        """
        kind = type(obj)
        if kind is list:
            self.charge(len(obj))
            return iter(tuple(obj))
        if kind in _SNAPSHOT:
            self.charge(len(obj))
            return iter(obj)
        return self._counted(iter(obj))

    def _counted(self, items: Iterator[Any]) -> Iterator[Any]:
        tick = self.tick
        for item in items:
            tick()
            yield item

    def range(self, *args: int) -> range:
        value = range(*args)
        self._length(len(value))
        return value

    # --- builtins and methods that can grow a value in one call --------------------------------------------

    def sum(self, items: Iterable[Any], start: Any = 0) -> Any:
        total = start
        for item in self.getiter(items):
            total = self.add(total, item)
        return total

    def str(self, *args: Any) -> str:
        if args:
            self._refuse_nested(args[0])
        return self._made(str(*args))

    def repr(self, value: Any) -> str:
        self._refuse_nested(value)
        return self._made(repr(value))

    def bytes(self, *args: Any) -> bytes:
        if args and type(args[0]) is int:
            self._length(args[0])
        return self._made(bytes(*args))

    def _refuse_nested(self, value: Any) -> None:
        """Printing a list that holds itself many times over (`x = [x, x]` in a loop) grows exponentially."""
        if type(value) in (list, tuple, dict, set, frozenset):
            stored_size(value, self.limits.length, self)

    def getattr(self, obj: Any, name: str, default: Any = None) -> Any:
        """RestrictedPython's attribute guard, handing out size-checked versions of growing methods."""
        value = safer_getattr(obj, name, default)
        kind = type(obj)
        if kind is str or kind is bytes:
            guard = _TEXT_METHODS.get(name)
            if guard is not None:
                return guard(self, obj)
        elif kind is list and name == "extend":
            return lambda items: self._extend(obj, items)
        elif kind is int and name == "to_bytes":
            return lambda length=1, *a, **k: (self._length(length), value(length, *a, **k))[1]
        return value

    def _extend(self, target: list, items: Iterable[Any]) -> None:
        if type(items) in _SIZED:
            self._length(len(target) + len(items))
        items = list(self.getiter(items))
        self._length(len(target) + len(items))
        target.extend(items)


def _both_ints(a: Any, b: Any) -> bool:
    return type(a) in (int, bool) and type(b) in (int, bool)


def _replace(budget: Budget, text: Any) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        times = text.count(old) if old else len(text) + 1
        if count >= 0:
            times = min(times, count)
        budget._length(len(text) + times * (len(new) - len(old)))
        return text.replace(old, new, count)

    return replace


def _join(budget: Budget, sep: Any) -> Callable[[Iterable[Any]], Any]:
    def join(items: Iterable[Any]) -> Any:
        parts = list(budget.getiter(items))
        budget._length(
            sum(len(p) for p in parts if hasattr(p, "__len__")) + len(sep) * max(len(parts) - 1, 0)
        )
        return sep.join(parts)

    return join


def _padded(method: str) -> Callable[[Budget, Any], Callable[..., Any]]:
    def guard(budget: Budget, text: Any) -> Callable[..., Any]:
        def pad(width: int, *args: Any) -> Any:
            budget._length(width)
            return getattr(text, method)(width, *args)

        return pad

    return guard


def _expandtabs(budget: Budget, text: Any) -> Callable[..., Any]:
    def expandtabs(tabsize: int = 8) -> Any:
        budget._length(len(text) + text.count("\t" if type(text) is str else b"\t") * max(tabsize, 0))
        return text.expandtabs(tabsize)

    return expandtabs


def _refused(budget: Budget, text: Any) -> Callable[..., Any]:
    def refused(*args: Any, **kwargs: Any) -> Any:
        budget.fail("str.translate is not available to process code")

    return refused


_TEXT_METHODS: dict[str, Callable[[Budget, Any], Callable[..., Any]]] = {
    "replace": _replace,
    "join": _join,
    "ljust": _padded("ljust"),
    "rjust": _padded("rjust"),
    "center": _padded("center"),
    "zfill": _padded("zfill"),
    "expandtabs": _expandtabs,
    "translate": _refused,
}


def stored_size(value: Any, limit: int, budget: Budget | None = None) -> int:
    """Items in `value` as it would be written out (shared parts counted each time); refused past `limit`.

    A script can build a structure that shares itself (`x = [x, x]` sixty times) in a few steps; stored as
    JSON, or printed, it would be 2**60 items long. Walking it stops as soon as the count passes the limit.
    """
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            message = f"data of more than {limit:,} items (REDRESSAL_BUDGET_LENGTH)"
            if budget is not None:
                budget.fail(message)
            raise BudgetExceeded(f"over the process code budget: {message}")
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
            count += len(item)
        elif kind in (list, tuple, set, frozenset):
            stack.extend(item)
    return count
