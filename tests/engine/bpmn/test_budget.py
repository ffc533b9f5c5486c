"""Process code runs on a budget that also stops work done in C: each bomb is refused quickly, by name."""

from __future__ import annotations

import time

import pytest

from engine.bpmn.budget import Budget, BudgetExceeded, Limits
from engine.bpmn.scripting import RestrictedEnvironment, ScriptRefused, check_script

# What a process owner could write that, unguarded, freezes the server or eats its memory.
BOMBS = [
    ("x = 10 ** 10 ** 10", "integer over 10,000 bits"),
    ("x = pow(10, 10 ** 10)", "integer over 10,000 bits"),
    ("x = 1 << 10 ** 10", "integer over 10,000 bits"),
    ("x = 7\nfor i in range(100000):\n    x = x * x", "integer over 10,000 bits"),
    ("x = 3\nwhile True:\n    x = x + x", "integer over 10,000 bits"),
    ("x = 'a' * 10 ** 10", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("x = [0] * 10 ** 10", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("x = list(range(10 ** 10))", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("s = 'ab'\nfor i in range(60):\n    s = s + s", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("s = 'ab'\nfor i in range(60):\n    s += s", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("s = [1]\nfor i in range(60):\n    s.extend(s)", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("x = '%0999999999d' % 1", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("x = 'a'.ljust(10 ** 10)", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("s = 'a' * 1000\nx = s.replace('a', s).replace('a', s)", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("x = (1).to_bytes(10 ** 10, 'big')", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("x = bytes(10 ** 10)", "over 1,000,000 (REDRESSAL_BUDGET_LENGTH)"),
    ("while True:\n    pass", "more than 1,000,000 loop steps"),
    ("x = [[0] * 100000 for i in range(1000)]", "more than 1,000,000 loop steps"),
    (
        "def f(n):\n    return 1 if n < 2 else f(n - 1) + f(n - 2)\nx = f(60)",
        "more than 1,000,000 loop steps",
    ),
    ("f = lambda n: n and f(n - 1) + f(n - 1)\nx = f(60)", "more than 1,000,000 loop steps"),
    ("x = sum(i for i in range(10 ** 6) for j in range(10 ** 6))", "more than 1,000,000 loop steps"),
    ("x = 1\nfor i in range(60):\n    x = [x, x]", "data of more than 1,000,000 items"),
    ("x = 1\nfor i in range(60):\n    x = [x, x]\ny = str(x)", "data of more than 1,000,000 items"),
    ("x = 1\nfor i in range(60):\n    x = (x, x)\ny = f'{x}'", "data of more than 1,000,000 items"),
    # Catching the refusal does not buy more time: the step still fails.
    ("try:\n    while True:\n        pass\nexcept BaseException:\n    pass\ny = 1", "loop steps"),
    (
        "while True:\n    try:\n        x = 10 ** 10 ** 10\n    except Exception:\n        pass",
        "over 10,000 bits",
    ),
]


@pytest.mark.parametrize(("script", "reason"), BOMBS)
def test_a_bomb_is_refused_within_the_budget(script, reason):
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match=reason.replace("(", r"\(").replace(")", r"\)")):
        RestrictedEnvironment().execute(script, {})
    assert time.monotonic() - started < 3.0


def test_an_expression_is_budgeted_too():
    with pytest.raises(BudgetExceeded, match="10,000 bits"):
        RestrictedEnvironment().evaluate("amount ** amount ** amount > 0", {"amount": 10})


def test_wall_time_stops_code_that_stays_under_the_step_limit():
    env = RestrictedEnvironment(limits=Limits(steps=10**9, seconds=0.2))
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match=r"time limit of 0\.2 s"):
        env.execute("while True:\n    x = 'a' * 1000", {})
    assert time.monotonic() - started < 1.0


def test_ordinary_process_code_runs_as_before():
    data = {"amount": 1250, "items": [3, 1, 2], "name": "ada"}
    RestrictedEnvironment().execute(
        "total = amount * 100 + 5 - 2 ** 3\n"
        "big = 2 ** 64 << 2\n"
        "ratio = '%05.1f%%' % (amount / 3)\n"
        "label = f'{name.upper():>6}|{amount:08.2f}'\n"
        "ordered = sorted(items) + [9] * 2\n"
        "items += [4]\n"
        "items.extend([5])\n"
        "squares = {i: i * i for i in range(5)}\n"
        "words = ', '.join(str(i) for i in items).replace(', ', ';')\n"
        "n = 0\n"
        "while n < 1000:\n"
        "    n += 1\n"
        "def twice(v):\n"
        "    return v * 2\n"
        "doubled = list(map(lambda v: twice(v), items))\n"
        "pad = 'x'.zfill(5) + name.center(7, '*')\n",
        data,
    )
    assert data["total"] == 124997
    assert data["big"] == 2**66
    assert data["ratio"] == "416.7%"
    assert data["label"] == "   ADA|01250.00"
    assert data["ordered"] == [1, 2, 3, 9, 9]
    assert data["items"] == [3, 1, 2, 4, 5]
    assert data["squares"][4] == 16
    assert data["words"] == "3;1;2;4;5"
    assert data["n"] == 1000
    assert data["doubled"] == [6, 2, 4, 8, 10]
    assert data["pad"] == "0000x**ada**"


def test_a_loop_over_a_list_it_grows_ends():
    data: dict = {}
    RestrictedEnvironment().execute("seen = [1, 2]\nfor v in seen:\n    seen.append(v)", data)
    assert data["seen"] == [1, 2, 1, 2]


def test_one_budget_is_shared_by_the_code_of_one_step():
    budget = Budget(Limits(steps=5000))
    env = RestrictedEnvironment()
    from engine.bpmn import scripting

    token = scripting.set_context(scripting.ScriptContext(budget=budget))
    try:
        env.execute("for i in range(3000):\n    pass", {})
        with pytest.raises(BudgetExceeded, match="5,000 loop steps"):
            env.execute("for i in range(3000):\n    pass", {})
    finally:
        scripting.reset_context(token)


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("class A:\n    pass", "Line 1: classes are not allowed in process code"),
        ("x = 1\nclass A(dict):\n    y = 2", "Line 2: classes are not allowed in process code"),
        ("x = f'{1:>{10 ** 10}}'", "f-string format specs must be written out"),
        ("x = f'{1:>999999999}'", "f-string width over 1,000,000"),
    ],
)
def test_refused_when_compiled(script, reason):
    assert reason in (check_script(script) or "")
    with pytest.raises(ScriptRefused):
        RestrictedEnvironment().execute(script, {})


def test_limits_come_from_the_environment():
    limits = Limits.from_env(
        {
            "REDRESSAL_BUDGET_STEPS": "5000",
            "REDRESSAL_BUDGET_INT_BITS": "64",
            "REDRESSAL_BUDGET_LENGTH": "100",
            "REDRESSAL_BUDGET_SECONDS": "0.5",
        }
    )
    assert limits == Limits(steps=5000, int_bits=64, length=100, seconds=0.5)
    env = RestrictedEnvironment(limits=limits)
    with pytest.raises(BudgetExceeded, match="over 64 bits"):
        env.evaluate("2 ** 65", {})
    with pytest.raises(BudgetExceeded, match="over 100"):
        env.evaluate("'a' * 101", {})
    assert Limits.from_env({}) == Limits()
    with pytest.raises(ValueError, match="REDRESSAL_BUDGET_STEPS must be positive"):
        Limits.from_env({"REDRESSAL_BUDGET_STEPS": "0"})
