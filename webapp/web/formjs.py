"""form-js definitions rendered on the server, and posted HTML forms read back into form-js data.

One renderer for every page that shows a task or intake form: it walks the same definition the engine
validates (engine.task_forms), so the page can never offer a field the engine refuses or miss one it asks
for. Field names in the HTML are the data paths form-js would write (`complainant.email`); the engine's
field errors are keyed the same way, so each error lands beside its field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.task_forms.layout import get_path, set_path

INPUT_TYPES = {"email": "email", "phone": "tel"}
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]")
Include = Callable[[Mapping[str, Any]], bool]
# (ref, attribute) -> "en" when that text fell back to English, else "" (TranslatedForm.is_fallback wrapped)
Fallback = Callable[[str, str], str]


def no_fallback(ref: str, attribute: str) -> str:
    return ""


def fallbacks_of(translated: Any) -> Fallback:
    """A `Fallback` from the engine's TranslatedForm: which texts to mark as English."""
    return lambda ref, attribute: "en" if translated.is_fallback(ref, attribute) else ""


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool
    lang: str = ""  # "en" where the label fell back to English on a page in another language


@dataclass
class FieldView:
    """One component as a template draws it; `kind` is the form-js type."""

    kind: str
    name: str = ""
    id: str = ""
    label: str = ""
    description: str = ""
    required: bool = False
    value: Any = None
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    children: list[FieldView] = field(default_factory=list)
    text: str = ""
    input_type: str = "text"
    readonly: bool = False
    collapsed: bool = False  # a group drawn closed (property `collapsed`) until it holds a value or an error
    label_lang: str = ""  # "en" where a text fell back to English (the page marks it with lang="en")
    description_lang: str = ""

    @property
    def described_by(self) -> str:
        parts = []
        if self.description:
            parts.append(f"{self.id}-hint")
        if self.errors:
            parts.append(f"{self.id}-error")
        return " ".join(parts)


def html_id(name: str) -> str:
    return "f-" + _ID_SAFE.sub("-", name)


def _validate(comp: Mapping[str, Any]) -> Mapping[str, Any]:
    rules = comp.get("validate")
    return rules if isinstance(rules, Mapping) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _options(comp: Mapping[str, Any], value: Any, name: str, fallback: Fallback) -> list[Option]:
    chosen = {_text(v) for v in value} if isinstance(value, list) else {_text(value)}
    return [
        Option(
            _text(item.get("value")),
            str(item.get("label") or item.get("value")),
            _text(item.get("value")) in chosen,
            fallback(name, f"values.{item.get('value')}"),
        )
        for item in comp.get("values") or []
        if isinstance(item, Mapping)
    ]


def _datetime_value(subtype: str, value: Any) -> str:
    """What an <input type=date|time|datetime-local> shows for a stored value."""
    if not value:
        return ""
    text = str(value)
    if subtype == "datetime":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        return moment.strftime("%Y-%m-%dT%H:%M")
    return text


def build(
    definition: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    include: Include | None = None,
    fallback: Fallback = no_fallback,
) -> list[FieldView]:
    """The definition's components as views, filled with `values` and each field's `errors`.

    `include` leaves components out (the portal leaves out what only staff may set); a group left with no
    fields is left out too. Give a translated definition (engine.task_forms.translations) and its `fallback`
    so that texts still in English are marked as such.
    """
    values = values or {}
    errors = errors or {}

    def walk(components: Iterable[Any], prefix: tuple[str, ...]) -> list[FieldView]:
        views: list[FieldView] = []
        for comp in components:
            if not isinstance(comp, Mapping) or (include is not None and not include(comp)):
                continue
            kind = str(comp.get("type") or "")
            if kind == "group":
                path = prefix + tuple(p for p in str(comp.get("path") or "").split(".") if p)
                children = walk(comp.get("components") or [], path)
                if any(c.kind != "text" for c in children):
                    props = comp.get("properties")
                    closed = isinstance(props, Mapping) and str(props.get("collapsed", "")).lower() == "true"
                    in_use = any(c.errors or c.value not in (None, "", False, []) for c in children)
                    views.append(
                        FieldView(
                            kind="group",
                            id=html_id(str(comp.get("id") or "")),
                            label=str(comp.get("label") or ""),
                            children=children,
                            collapsed=closed and not in_use,
                            label_lang=fallback(str(comp.get("id") or ""), "label"),
                        )
                    )
                continue
            if kind == "text":
                views.append(
                    FieldView(
                        kind="text",
                        text=str(comp.get("text") or ""),
                        label_lang=fallback(str(comp.get("id") or ""), "text"),
                    )
                )
                continue
            if kind in ("separator", "spacer"):
                views.append(FieldView(kind=kind))
                continue
            key = comp.get("key")
            if not isinstance(key, str) or kind in ("expression", "button", "filepicker"):
                continue
            views.append(_field(comp, kind, prefix + tuple(key.split(".")), values, errors, fallback))
        return views

    return walk(definition.get("components") or [], ())


def _field(
    comp: Mapping[str, Any],
    kind: str,
    path: tuple[str, ...],
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    fallback: Fallback,
) -> FieldView:
    name = ".".join(path)
    rules = _validate(comp)
    value = get_path(values, path)
    if value is None and "defaultValue" in comp:
        value = comp.get("defaultValue")
    view = FieldView(
        kind=kind,
        name=name,
        id=html_id(name),
        label=str(comp.get("label") or name),
        description=str(comp.get("description") or ""),
        required=bool(rules.get("required")),
        errors=list(errors.get(name) or []),
        readonly=bool(comp.get("readonly") is True or comp.get("disabled") is True),
        label_lang=fallback(name, "label"),
        description_lang=fallback(name, "description"),
    )
    if kind in ("select", "radio", "checklist", "taglist"):
        view.options = _options(comp, value, name, fallback)
        view.value = value
    elif kind == "checkbox":
        view.value = value is True
    elif kind == "datetime":
        subtype = str(comp.get("subtype") or "date")
        view.input_type = {"date": "date", "time": "time", "datetime": "datetime-local"}.get(subtype, "date")
        view.value = _datetime_value(subtype, value)
    else:
        view.value = _text(value)
    for rule, attr in (
        ("minLength", "minlength"),
        ("maxLength", "maxlength"),
        ("min", "min"),
        ("max", "max"),
    ):
        if isinstance(rules.get(rule), int | float) and not isinstance(rules.get(rule), bool):
            view.attrs[attr] = rules[rule]
    if kind == "textfield":
        view.input_type = INPUT_TYPES.get(str(rules.get("validationType") or ""), "text")
    if kind == "number":
        view.input_type = "text"
        view.attrs["inputmode"] = "decimal"
    return view


def flat(fields: Iterable[FieldView]) -> list[FieldView]:
    """Every view, groups' children included: for the error summary's labels by field name."""
    out: list[FieldView] = []
    for f in fields:
        out.append(f)
        out.extend(flat(f.children))
    return out


def read(definition: Mapping[str, Any], form: MultiDict, *, include: Include | None = None) -> dict[str, Any]:
    """The posted HTML form as form-js data: empty inputs are left out, ticks become booleans, lists lists.

    A number that does not parse is kept as typed, so the engine names it as the field's error and the page
    shows it again unchanged.
    """
    data: dict[str, Any] = {}

    def walk(components: Iterable[Any], prefix: tuple[str, ...]) -> None:
        for comp in components:
            if not isinstance(comp, Mapping) or (include is not None and not include(comp)):
                continue
            kind = str(comp.get("type") or "")
            if kind == "group":
                walk(
                    comp.get("components") or [],
                    prefix + tuple(p for p in str(comp.get("path") or "").split(".") if p),
                )
                continue
            key = comp.get("key")
            if not isinstance(key, str) or kind in ("text", "expression", "button", "filepicker"):
                continue
            if comp.get("readonly") is True or comp.get("disabled") is True:
                continue
            path = prefix + tuple(key.split("."))
            name = ".".join(path)
            value = _read_one(comp, kind, name, form)
            if value is not None:
                set_path(data, path, value)

    walk(definition.get("components") or [], ())
    return data


def _read_one(comp: Mapping[str, Any], kind: str, name: str, form: MultiDict) -> Any:
    if kind == "checkbox":
        return name in form
    if kind in ("checklist", "taglist"):
        chosen = [v for v in form.getlist(name) if v != ""]
        return chosen or None
    raw = form.get(name)
    if raw is None:
        return None
    text = raw.replace("\r\n", "\n")
    if kind != "textarea":
        text = text.strip()
    if text == "" or (kind == "textarea" and not text.strip()):
        return None
    if kind == "number":
        try:
            number = Decimal(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
        except InvalidOperation:
            return text
        return int(number) if number == number.to_integral_value() and "." not in text else float(number)
    return text
