"""What a form says through the custom `properties` of its components, beyond form-js itself.

form-js lets every component carry a `properties` object of string keys and values (the editor's "Custom
properties" panel). The engine reads these keys (documented in README, "Form properties"):

- `staff_only: "true"`: only staff may set the field; the public intake refuses it. One intake form then
  serves the public page and the staff who log a call, letter or visit.
- `public_values: "web,anonymous"`: on a staff-only choice, the values the public may still send.
- `codes: "bcp47"` or `codes: "iso3166"`: on a select or radio, the listed values are the usual choices,
  and any well-formed BCP 47 language tag, or any ISO 3166-1 country or ISO 3166-2 subdivision code, is
  accepted too, written the way the standard writes it.

"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from engine.core.errors import FormInvalid
from engine.deadlines import jurisdictions
from engine.task_forms import language_tags
from engine.task_forms import schema as forms

STAFF_ONLY = "staff_only"
PUBLIC_VALUES = "public_values"
CODES = "codes"
CODE_LISTS = {
    "bcp47": (language_tags.canonical, language_tags.HINT),
    "iso3166": (
        jurisdictions.canonical,
        "Give an ISO 3166 country code such as GB, or a subdivision code such as GB-SCT.",
    ),
}
_CHOICE_TYPES = frozenset({"select", "radio"})


def _props(comp: Mapping[str, Any]) -> Mapping[str, Any]:
    props = comp.get("properties")
    return props if isinstance(props, Mapping) else {}


def _csv(text: Any) -> tuple[str, ...]:
    return tuple(v.strip() for v in str(text or "").split(",") if v.strip())


def staff_only_fields(definition: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Keys of the fields only staff may set, each with the values the public may still send."""
    return {
        comp["key"]: _csv(_props(comp).get(PUBLIC_VALUES))
        for comp in forms.input_fields(definition)
        if str(_props(comp).get(STAFF_ONLY, "")).lower() == "true"
    }


def coded_fields(definition: Mapping[str, Any]) -> dict[str, str]:
    """Keys of the choice fields that accept any code of a standard list, with the list's name."""
    return {
        comp["key"]: str(_props(comp)[CODES])
        for comp in forms.input_fields(definition)
        if _props(comp).get(CODES) and comp.get("type") in _CHOICE_TYPES
    }


def check_properties(definition: Any) -> list[str]:
    """Problems with the engine's properties in a form definition, each a sentence naming the field."""
    if not isinstance(definition, Mapping) or not isinstance(definition.get("components"), list):
        return []
    problems = []
    for comp in forms.input_fields(definition):
        props = comp.get("properties")
        where = f"field {comp.get('key')!r}"
        if props is None:
            continue
        if not isinstance(props, Mapping):
            problems.append(f'{where} has "properties" that are not an object')
            continue
        if STAFF_ONLY in props and str(props[STAFF_ONLY]).lower() not in ("true", "false"):
            problems.append(
                f'{where}: the property staff_only is "true" or "false", not {props[STAFF_ONLY]!r}'
            )
        if PUBLIC_VALUES in props:
            listed = {v.get("value") for v in comp.get("values") or [] if isinstance(v, Mapping)}
            unknown = [v for v in _csv(props[PUBLIC_VALUES]) if v not in listed]
            if unknown:
                problems.append(f"{where}: public_values names {', '.join(unknown)}, which it does not list")
        if CODES in props:
            if props[CODES] not in CODE_LISTS:
                problems.append(
                    f"{where}: the property codes is one of {', '.join(sorted(CODE_LISTS))}, "
                    f"not {props[CODES]!r}"
                )
            elif comp.get("type") not in _CHOICE_TYPES:
                problems.append(f"{where}: the property codes belongs on a select or radio field")
    return problems


def _get(data: Mapping[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    node = data
    *parents, last = key.split(".")
    for part in parents:
        node = node[part]
    node[last] = value


def validate_submission(definition: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """forms.validate_submission, with coded choice fields accepting any code of their list.

    Such a field is validated as text by form-js's own rules (required and so on), then as a code.
    """
    coded = coded_fields(definition)
    if not coded:
        return forms.validate_submission(definition, data)
    widened = copy.deepcopy(dict(definition))
    for comp in forms.input_fields(widened):
        if comp["key"] in coded:
            comp["type"] = "textfield"
            comp.pop("values", None)
    clean = forms.validate_submission(widened, data)
    errors: dict[str, list[str]] = {}
    for key, codes in coded.items():
        value = _get(clean, key)
        if value in (None, ""):
            continue
        normalise, hint = CODE_LISTS.get(codes, (None, ""))
        written = normalise(value) if normalise else None
        if written is None:
            errors[key] = [hint or "This value is not accepted."]
        else:
            _set(clean, key, written)
    if errors:
        raise FormInvalid(errors)
    return clean
