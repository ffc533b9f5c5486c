"""The engine judges a submission as the real form-js viewer does, field by field.

For every form in forms/ and the edge-case forms in tests/fixtures/forms/edge/, each set of values is
imported into form-js's own Viewer in Chromium (with the case data the form opens with), submitted there,
and what the viewer submits is validated by the engine with the same case data: the fields refused must be
the same, and when both accept, the engine keeps what the viewer submitted. A screenshot of each rendered
form (after the submit, with its errors) is saved under var/screenshots/forms/.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from engine.core.errors import FormInvalid
from engine.task_forms.layout import deep_merge, set_path
from engine.task_forms.schema import input_fields, validate_submission
from tests.support.browser import ROOT, SCREENSHOTS

pytestmark = pytest.mark.browser

EDGE = ROOT / "tests" / "fixtures" / "forms" / "edge"
CATEGORIES = {"categories": ["fees", "service"], "sizes": ["s", "m"]}

# (case data the form opens with, values imported into the viewer) for each edge-case form.
EDGE_CASES: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {
    "empty": [({}, {})],
    "hidden": [
        ({}, {}),
        ({}, {"has_representative": True, "amount": 5000, "anonymous": True, "severity": "high"}),
        (
            {},
            {
                "has_representative": False,
                "representative_name": "left over",
                "amount": 10,
                "why": "left over",
                "contact": {"name": "Ann"},
                "severity": "low",
            },
        ),
        ({"severity": "high"}, {"amount": 999}),
    ],
    "disabled": [
        ({}, {}),
        ({}, {"reference": "", "points": 1, "note": "too long", "subject": "Fees"}),
        ({}, {"reference": "R-1", "points": 9, "note": "ok", "subject": "Fees"}),
    ],
    "grouped": [
        ({}, {}),
        (
            {},
            {
                "complainant": {"name": "Ann", "address": {"city": "Leeds"}, "email": "ann@example.org"},
                "payments": [{"amount": 150, "note": "refund"}, {"amount": 20, "note": "hidden"}],
            },
        ),
        (
            {},
            {
                "complainant": {"name": "", "address": {"city": "Kingston upon Hull"}, "email": "ann@"},
                "payments": [{"amount": -1}, {"amount": None}],
            },
        ),
    ],
    "feel_validated": [
        ({"minimum": 10}, {"amount": 5}),
        (
            {"minimum": 10},
            {"amount": 50, "summary": "a long summary", "strict": True, "price": 2.5, "quantity": 4},
        ),
        ({"minimum": 10}, {"amount": 500, "summary": "short", "strict": True}),
        ({}, {"amount": -5, "summary": "abc"}),
        ({"minimum": "ten"}, {"amount": 3}),
    ],
    "pattern": [
        ({}, {}),
        (
            {},
            {
                "ref": "case 123",
                "code": "AB-12",
                "email": "ann@example.org",
                "phone": "+442079460000",
                "story": "  hello  ",
            },
        ),
        ({}, {"ref": "12", "code": "ab-12", "email": "ann@", "phone": "020 7946 0000", "story": "abc"}),
        ({}, {"story": "much too long a story", "phone": "0044 20 7946 0000"}),
    ],
    "number": [
        ({}, {}),
        ({}, {"rate": 1.25, "count": 3, "hours": 2.5, "fee": 0}),
        ({}, {"rate": 1.255, "count": 11, "hours": 2.3, "fee": None}),
        ({}, {"count": 0, "fee": 12.5, "rate": 3}),
    ],
    "options": [
        (CATEGORIES, {}),
        (
            CATEGORIES,
            {
                "category": "fees",
                "products": ["card"],
                "size": "m",
                "agree": True,
                "on": "2026-02-03",
                "at": "10:15",
                "when": "2026-02-03T10:15:00Z",
            },
        ),
        (CATEGORIES, {"category": "service", "products": [], "agree": False}),
    ],
}


def _text(rules: dict[str, Any]) -> str:
    if rules.get("validationType") == "email":
        return "ann@example.org"
    if rules.get("validationType") == "phone":
        return "+442079460000"
    text = "Example answer, long enough for any minimum"
    return text[: int(rules["maxLength"])] if isinstance(rules.get("maxLength"), int) else text


def _filled(comp: dict[str, Any]) -> Any:
    rules = comp.get("validate") or {}
    kind = comp["type"]
    choices = [v["value"] for v in comp.get("values") or []]
    if kind in {"textfield", "textarea"}:
        return _text(rules)
    if kind == "number":
        return (rules["min"] + 1) if isinstance(rules.get("min"), int | float) else 1
    if kind == "checkbox":
        return True
    if kind in {"select", "radio"}:
        return choices[0] if choices else None
    if kind in {"checklist", "taglist"}:
        return choices[:1]
    if kind == "datetime":
        subtype = comp.get("subtype") or "date"
        return {"date": "2026-02-03", "time": "10:15", "datetime": "2026-02-03T10:15:00Z"}[subtype]
    return None


def _wrong(comp: dict[str, Any]) -> Any:
    rules = comp.get("validate") or {}
    if comp["type"] in {"textfield", "textarea"}:
        if rules.get("validationType") == "email":
            return "ann@"
        if rules.get("validationType") == "phone":
            return "020 7946 0000"
        if isinstance(rules.get("minLength"), int):
            return "x"
        if isinstance(rules.get("maxLength"), int):
            return "y" * (rules["maxLength"] + 1)
    if comp["type"] == "number" and isinstance(rules.get("min"), int | float):
        return rules["min"] - 1
    return None


def _values(definition: dict[str, Any], make) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for comp in input_fields(definition):
        value = make(comp)
        if value is not None and comp["type"] != "dynamiclist":
            set_path(data, tuple(comp["key"].split(".")), value)
    return data


def _cases() -> list[Any]:
    cases = []
    for path in sorted((ROOT / "forms").glob("*.json")):
        definition = json.loads(path.read_text())
        for label, values in (
            ("untouched", {}),
            ("filled", _values(definition, _filled)),
            ("wrong", _values(definition, _wrong)),
        ):
            cases.append(pytest.param(path, {}, values, id=f"{path.stem}-{label}"))
    for name, runs in EDGE_CASES.items():
        for n, (case_data, values) in enumerate(runs):
            cases.append(pytest.param(EDGE / f"{name}.json", case_data, values, id=f"edge-{name}-{n}"))
    return cases


def _instant(text: str) -> Any:
    for parse in (dt.datetime.fromisoformat, dt.date.fromisoformat, dt.time.fromisoformat):
        try:
            value = parse(text.replace("Z", "+00:00"))
        except ValueError:
            continue
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value
    return text


def _same(engine: Any, viewer: Any) -> bool:
    """Equal values, reading ISO dates and times as instants (the engine writes them in full)."""
    if isinstance(engine, str) and isinstance(viewer, str):
        return engine == viewer or _instant(engine) == _instant(viewer)
    if isinstance(engine, dict) and isinstance(viewer, dict):
        return engine.keys() == viewer.keys() and all(_same(engine[k], viewer[k]) for k in engine)
    if isinstance(engine, list) and isinstance(viewer, list):
        return len(engine) == len(viewer) and all(_same(a, b) for a, b in zip(engine, viewer, strict=True))
    return (engine == viewer and type(engine) is not bool) or engine is viewer


@pytest.fixture(scope="module")
def harness(chromium, static_url):
    context = chromium.new_context(viewport={"width": 900, "height": 900})
    tab = context.new_page()
    console: list[str] = []
    tab.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: console.append(str(e)))
    tab.goto(f"{static_url}/harness/form.html")
    tab.wait_for_function("typeof window.runForm === 'function'")
    yield tab, console
    context.close()


@pytest.mark.parametrize(("path", "case_data", "values"), _cases())
def test_engine_and_form_js_accept_and_refuse_alike(harness, request, path: Path, case_data, values):
    tab, console = harness
    definition = json.loads(path.read_text())
    outcome = tab.evaluate(
        "([schema, data]) => window.runForm(schema, data)", [definition, deep_merge(case_data, values)]
    )
    shots = SCREENSHOTS / "forms"
    shots.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(shots / f"{request.node.callspec.id}.png"), full_page=True)
    assert not console, console
    submitted = outcome["data"]
    try:
        clean = validate_submission(definition, submitted, case_data)
        engine_refused: set[str] = set()
    except FormInvalid as exc:
        clean, engine_refused = None, set(exc.errors)
    viewer_refused = set(outcome["errors"])
    assert engine_refused == viewer_refused, (
        f"submitted {submitted}: form-js refused {outcome['errors']}, "
        f"the engine refused {sorted(engine_refused)}"
    )
    if clean is not None:
        assert _same(clean, submitted), f"form-js submitted {submitted}, the engine kept {clean}"
