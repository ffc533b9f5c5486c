"""The part of FEEL that form-js forms use, parsed and evaluated without Python's eval.

form-js writes conditions (`conditional.hide`), computed limits (`validate.min` and friends), expression
fields and option lists as FEEL expressions: text starting with "=". The engine must judge a submission by
the same expressions the viewer ran, so it evaluates them itself, on JSON data only. The subset is what
those forms are written with: literals (numbers, "strings", true, false, null, [lists]), field paths
(`complainant.email`), comparisons (= != < <= > >=), arithmetic (+ - * / **), `and`, `or`, `not(...)`,
`in` (a list, a range such as [1..10], or a value), `between ... and ...` and `if ... then ... else ...`.
Anything else (functions, `for`, `some`, dates, contexts) is refused when the form is deployed, naming the
expression, so no form can reach a case with an expression the engine would misjudge.

Semantics follow feelin (the FEEL interpreter form-js ships): a missing name is null, `and`/`or` are
three-valued, values of different types are neither equal nor unequal (null), arithmetic on a null or a
mismatched type is null, and division by zero is null.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Context = Mapping[str, Any]
Expr = Callable[[Context], Any]

SUBSET = "literals, field paths, comparisons, arithmetic, and/or/not(...), in, between and if-then-else"
KEYWORDS = frozenset({"if", "then", "else", "and", "or", "in", "between", "true", "false", "null", "not"})
UNSUPPORTED_WORDS = frozenset({"for", "some", "every", "satisfies", "return", "function", "instance", "of"})
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<op>\*\*|<=|>=|!=|\.\.|[=<>+\-*/()\[\],.{}:])
    | (?P<name>[A-Za-z_?][A-Za-z0-9_]*)
    | (?P<other>\S)
    )""",
    re.VERBOSE,
)


class FeelError(ValueError):
    """An expression outside the subset the engine evaluates; the message says what and where."""


@dataclass(frozen=True)
class Range:
    """A FEEL range such as [1..10] or (0..1]; only `in` uses it."""

    start: Any
    end: Any
    start_included: bool
    end_included: bool

    def includes(self, value: Any) -> bool | None:
        if value is None or (self.start is None and self.end is None):
            return None
        checks = []
        if self.start is not None:
            below = _order(self.start, value)
            checks.append(None if below is None else (below <= 0 if self.start_included else below < 0))
        if self.end is not None:
            above = _order(value, self.end)
            checks.append(None if above is None else (above <= 0 if self.end_included else above < 0))
        if None in checks:
            return None
        return all(checks)


def is_expression(value: Any) -> bool:
    """form-js's own test: a string starting with "=" is FEEL, anything else is a plain value."""
    return isinstance(value, str) and value.startswith("=")


@functools.lru_cache(maxsize=2048)
def compile_expression(source: str) -> Expr:
    """A FEEL expression ("=..." or without the "=") as a function of a context; FeelError if unsupported."""
    text = source[1:] if source.startswith("=") else source
    parser = _Parser(_tokens(text))
    try:
        expr = parser.expression()
    except RecursionError:
        raise FeelError("is nested too deeply") from None
    rest = parser.peek()
    if rest is not None:
        raise FeelError(f"cannot read {rest[1]!r} where the expression should end")
    return expr


def evaluate(source: str, context: Context) -> Any:
    """The value of an expression on JSON-like data; null where feelin gives null."""
    try:
        return compile_expression(source)(context)
    except (ArithmeticError, RecursionError, TypeError, ValueError):
        return None


def hides(source: str, context: Context) -> bool:
    """Whether `conditional.hide` hides its field: form-js runs it as a FEEL unary test with no input value,
    so true hides, and so does null (null equals the missing input); false and any other value show."""
    result = evaluate(source, context)
    if isinstance(result, list):
        return None in result
    return result is True or result is None


# --- tokens and grammar -----------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # only trailing blanks are left
            break
        kind = match.lastgroup or "other"
        value = match.group(kind)
        if kind == "other" or value in "{}:":
            raise FeelError(f"cannot read {value!r} (the engine evaluates {SUBSET})")
        if kind == "name" and value in UNSUPPORTED_WORDS:
            raise FeelError(f"uses {value!r}, which the engine does not evaluate (it evaluates {SUBSET})")
        out.append((kind, value))
        pos = match.end()
    if not out:
        raise FeelError("is empty")
    return out


class _Parser:
    """Recursive descent over FEEL's precedence: if, or, and, comparison, + -, * /, **, unary -, path."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def accept(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token[1] == value and token[0] in {"op", "name"}:
            self.pos += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            token = self.peek()
            found = "the end" if token is None else repr(token[1])
            raise FeelError(f"expected {value!r} but found {found}")

    def expression(self) -> Expr:
        if self.accept("if"):
            cond = self.expression()
            self.expect("then")
            then = self.expression()
            self.expect("else")
            other = self.expression()
            return lambda c: then(c) if _truthy(cond(c)) else other(c)
        return self.disjunction()

    def disjunction(self) -> Expr:
        left = self.conjunction()
        while self.accept("or"):
            left = _or(left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.comparison()
        while self.accept("and"):
            left = _and(left, self.comparison())
        return left

    def comparison(self) -> Expr:
        left = self.additive()
        while True:
            token = self.peek()
            if token is not None and token[0] == "op" and token[1] in _COMPARE:
                self.pos += 1
                left = _compare(token[1], left, self.additive())
            elif self.accept("in"):
                left = _in(left, self.in_target())
            elif self.accept("between"):
                low = self.additive()
                self.expect("and")
                high = self.additive()
                left = _between(left, low, high)
            else:
                return left

    def in_target(self) -> Expr:
        if self.accept("("):  # a range, or a list of values to test against
            first = self.expression()
            if self.accept(".."):
                return self.range_rest(first, start_included=False)
            items = [first]
            while self.accept(","):
                items.append(self.expression())
            self.expect(")")
            return lambda c: [item(c) for item in items]
        return self.additive()

    def range_rest(self, start: Expr, *, start_included: bool) -> Expr:
        end = self.additive()
        if self.accept("]"):
            end_included = True
        elif self.accept(")") or self.accept("["):
            end_included = False
        else:
            raise FeelError("a range must end with ']', ')' or '['")
        return lambda c: _range(start(c), end(c), start_included, end_included)

    def additive(self) -> Expr:
        left = self.multiplicative()
        while True:
            if self.accept("+"):
                left = _arith(_add, left, self.multiplicative())
            elif self.accept("-"):
                left = _arith(_sub, left, self.multiplicative())
            else:
                return left

    def multiplicative(self) -> Expr:
        left = self.power()
        while True:
            if self.accept("*"):
                left = _arith(_mul, left, self.power())
            elif self.accept("/"):
                left = _arith(_div, left, self.power())
            else:
                return left

    def power(self) -> Expr:
        left = self.unary()
        while self.accept("**"):
            left = _arith(_pow, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.accept("-"):
            operand = self.unary()
            return _arith(_sub, lambda c: 0, operand)
        return self.postfix()

    def postfix(self) -> Expr:
        expr = self.primary()
        while self.accept("."):
            token = self.peek()
            if token is None or token[0] != "name" or token[1] in KEYWORDS:
                raise FeelError("expected a name after '.'")
            self.pos += 1
            expr = _path(expr, token[1])
        return expr

    def primary(self) -> Expr:
        token = self.peek()
        if token is None:
            raise FeelError("ends where a value was expected")
        kind, value = token
        self.pos += 1
        if kind == "number":
            number = float(value) if "." in value else int(value)
            return lambda c: number
        if kind == "string":
            text = _unquote(value)
            return lambda c: text
        if kind == "name":
            return self.word(value)
        if value == "(":
            inner = self.expression()
            if self.accept(".."):
                return self.range_rest(inner, start_included=False)
            self.expect(")")
            return inner
        if value in {"[", "]"}:
            return self.bracket(opened_inclusive=value == "[")
        self.pos -= 1
        raise FeelError(f"cannot read {value!r} where a value was expected")

    def word(self, value: str) -> Expr:
        if value in {"true", "false"}:
            flag = value == "true"
            return lambda c: flag
        if value == "null":
            return lambda c: None
        if value == "if":
            self.pos -= 1
            return self.expression()
        if value == "not":
            self.expect("(")
            operand = self.expression()
            self.expect(")")
            return lambda c: (not result) if isinstance(result := operand(c), bool) else None
        if value in KEYWORDS:
            raise FeelError(f"cannot read {value!r} where a value was expected")
        nxt = self.peek()
        if nxt is not None and nxt[1] == "(":
            raise FeelError(
                f"calls the function {value!r}, which the engine does not evaluate (it evaluates {SUBSET})"
            )
        if value == "?":
            raise FeelError("uses '?', the input of a unary test, which form-js never gives")
        return lambda c: _lookup(c, value)

    def bracket(self, *, opened_inclusive: bool) -> Expr:
        if self.accept("]"):
            return lambda c: []
        first = self.expression()
        if self.accept(".."):
            return self.range_rest(first, start_included=opened_inclusive)
        if not opened_inclusive:
            raise FeelError("a range opened with ']' needs '..'")
        items = [first]
        while self.accept(","):
            items.append(self.expression())
        self.expect("]")
        return lambda c: [item(c) for item in items]


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return escapes.get(code, code)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", replace, body)


# --- semantics (feelin's) ---------------------------------------------------------------------------------

_COMPARE = {"=", "!=", "<", "<=", ">", ">="}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "context"
    if isinstance(value, Range):
        return "range"
    return "other"


def _truthy(value: Any) -> bool:
    return value is not False and value is not None


def _lookup(context: Context, name: str) -> Any:
    return context.get(name) if isinstance(context, Mapping) else None


def _path(target: Expr, name: str) -> Expr:
    def get(c: Context) -> Any:
        value = target(c)
        if isinstance(value, list):
            return [v.get(name) if isinstance(v, Mapping) else None for v in value]
        return value.get(name) if isinstance(value, Mapping) else None

    return get


def equals(a: Any, b: Any) -> bool | None:
    """FEEL equality: null only equals null, values of different types compare to null."""
    if (a is None) != (b is None):
        return False
    if isinstance(a, list) and len(a) < 2:
        a = a[0] if a else None
    if isinstance(b, list) and len(b) < 2:
        b = b[0] if b else None
    kind = _kind(a)
    if kind != _kind(b):
        return None
    if kind == "null":
        return True
    if kind == "list":
        return len(a) == len(b) and all(equals(x, y) is True for x, y in zip(a, b, strict=True))
    if kind == "context":
        return a.keys() == b.keys() and all(equals(a[k], b[k]) is True for k in a)
    return a == b


def _order(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 for two numbers or two strings; None for anything else."""
    kind = _kind(a)
    if kind != _kind(b) or kind not in {"number", "string"}:
        return None
    return (a > b) - (a < b)


def _compare(op: str, left: Expr, right: Expr) -> Expr:
    def compare(c: Context) -> bool | None:
        a, b = left(c), right(c)
        if op == "=":
            return equals(a, b)
        if op == "!=":
            result = equals(a, b)
            return None if result is None else not result
        if a is None or b is None:
            return None
        order = _order(a, b)
        if order is None:
            return None
        return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]

    return compare


def _in(left: Expr, target: Expr) -> Expr:
    def contained(c: Context) -> bool | None:
        value, tests = left(c), target(c)
        if tests is None:
            return None
        if not isinstance(tests, list):
            tests = [tests]
        return any((t.includes(value) if isinstance(t, Range) else equals(t, value)) is True for t in tests)

    return contained


def _between(value: Expr, low: Expr, high: Expr) -> Expr:
    def between(c: Context) -> bool | None:
        start, end = low(c), high(c)
        if start is None or end is None:
            return None
        span = _range(start, end, True, True)
        return None if span is None else span.includes(value(c))

    return between


def _range(start: Any, end: Any, start_included: bool, end_included: bool) -> Range | None:
    kinds = {_kind(start), _kind(end)} - {"null"}
    if len(kinds) > 1 or not kinds <= {"number", "string"}:
        return None
    if start is not None and end is not None and _order(start, end) == 1:
        start, end, start_included, end_included = end, start, end_included, start_included
    return Range(start, end, start_included and start is not None, end_included and end is not None)


def _and(left: Expr, right: Expr) -> Expr:
    def conj(c: Context) -> bool | None:
        a, b = left(c), right(c)
        a = a if isinstance(a, bool) else None
        b = b if isinstance(b, bool) else None
        if a is False or b is False:
            return False
        return None if a is None or b is None else True

    return conj


def _or(left: Expr, right: Expr) -> Expr:
    def disj(c: Context) -> bool | None:
        a, b = left(c), right(c)
        a = a if isinstance(a, bool) else None
        b = b if isinstance(b, bool) else None
        if a is True or b is True:
            return True
        return None if a is None or b is None else False

    return disj


def _add(a: Any, b: Any) -> Any:
    if _kind(a) == _kind(b) and _kind(a) in {"number", "string"}:
        return a + b
    return None


def _numbers(a: Any, b: Any) -> bool:
    return _kind(a) == "number" and _kind(b) == "number"


def _sub(a: Any, b: Any) -> Any:
    return a - b if _numbers(a, b) else None


def _mul(a: Any, b: Any) -> Any:
    return a * b if _numbers(a, b) else None


def _div(a: Any, b: Any) -> Any:
    return a / b if _numbers(a, b) and b else None


def _pow(a: Any, b: Any) -> Any:
    if not _numbers(a, b):
        return None
    result = math.pow(a, b)
    return int(result) if result.is_integer() and abs(result) < 2**53 else result


def _arith(op: Callable[[Any, Any], Any], left: Expr, right: Expr) -> Expr:
    return lambda c: op(left(c), right(c))
