"""The engine's FEEL subset gives what form-js's own FEEL gives (feelin, inside the viewer's bundle)."""

from __future__ import annotations

import pytest

from engine.task_forms import feel

pytestmark = pytest.mark.browser

CONTEXT = {
    "amount": 1500,
    "rate": 2.5,
    "name": "Ann",
    "empty": "",
    "flag": True,
    "off": False,
    "nothing": None,
    "tags": ["a", "b"],
    "complainant": {"email": "a@b.org", "address": {"city": "Leeds"}},
    "items": [{"amount": 1}, {"amount": 2}],
}
EXPRESSIONS = [
    "amount",
    "missing",
    "complainant.email",
    "complainant.address.city",
    "complainant.phone",
    "nothing.field",
    "items.amount",
    "1 + 2 * 3 - 4 / 2",
    "(1 + 2) * 3",
    "-amount",
    "2 ** 10",
    "-2 ** 2",
    "rate * 2",
    "amount / 0",
    'name + " Smith"',
    "name + 1",
    "amount + nothing",
    "amount > 1000",
    "amount >= 1500",
    "amount < 10",
    "amount <= nothing",
    "amount = 1500",
    'amount = "1500"',
    "amount != 1500",
    "nothing = null",
    "missing = null",
    "missing != null",
    'empty = ""',
    "empty = null",
    '"b" > "a"',
    "flag = true",
    "flag and off",
    "flag and nothing",
    "off and nothing",
    "flag or nothing",
    "off or nothing",
    "not(flag)",
    "not(nothing)",
    "not(amount)",
    '"a" in tags',
    '"c" in tags',
    "amount in [1..2000]",
    "amount in (1500..2000]",
    "amount in [1, 1500]",
    '"b" in ("a", "b")',
    "nothing in [1, 2]",
    "amount between 1000 and 2000",
    'if amount > 1000 then "high" else "low"',
    "if nothing then 1 else 2",
    "if amount then 1 else 2",
    "[1, 2] = [1, 2]",
    "[amount] = amount",
    "true = 1",
]
HIDE_CONDITIONS = [
    "amount > 1000",
    "amount < 10",
    "nothing > 1",
    "missing",
    "flag",
    "off",
    "name",
    "amount = nothing",
]


@pytest.fixture(scope="module")
def form_js_feel(chromium, static_url):
    context = chromium.new_context()
    tab = context.new_page()
    tab.goto(f"{static_url}/harness/form.html")
    tab.wait_for_function("typeof window.FormViewer === 'object'")
    yield tab
    context.close()


def test_expressions_give_what_form_js_gives(form_js_feel):
    theirs = form_js_feel.evaluate(
        """([expressions, data]) => {
          const feel = new FormViewer.FeelExpressionLanguage({ fire() {} });
          return expressions.map((e) => {
            const value = feel.evaluate('=' + e, data);
            return value === undefined ? null : value;
          });
        }""",
        [EXPRESSIONS, CONTEXT],
    )
    ours = [feel.evaluate(e, CONTEXT) for e in EXPRESSIONS]
    differ = {
        e: (o, t)
        for e, o, t in zip(EXPRESSIONS, ours, theirs, strict=True)
        if o != t or isinstance(o, bool) != isinstance(t, bool)
    }
    assert not differ, f"expression: (engine, form-js): {differ}"


def test_hide_conditions_hide_what_form_js_hides(form_js_feel):
    theirs = form_js_feel.evaluate(
        """([conditions, data]) => {
          const feel = new FormViewer.FeelExpressionLanguage({ fire() {} });
          return conditions.map((c) => feel.evaluateUnaryTest('=' + c, data) === true);
        }""",
        [HIDE_CONDITIONS, CONTEXT],
    )
    ours = [feel.hides("=" + c, CONTEXT) for c in HIDE_CONDITIONS]
    assert dict(zip(HIDE_CONDITIONS, ours, strict=True)) == dict(zip(HIDE_CONDITIONS, theirs, strict=True))
