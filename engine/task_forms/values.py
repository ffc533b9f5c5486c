"""One field's value judged as the form-js viewer judges it, and turned into workflow data.

The rules are form-js's own (its `Validator`): an empty value ("" from an untouched text field, null, an
empty list) skips every check but `required`; length counts the trimmed text; a pattern is searched for,
not anchored; email and phone use the viewer's patterns; `decimalDigits` and `increment` bound numbers;
`min`, `max`, `minLength` and `maxLength` may be FEEL expressions. The engine adds what the viewer leaves
to its widgets: a value of the wrong type, or one that is not among a choice field's options, is refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields

from engine.task_forms import feel
from engine.task_forms.layout import CHOICE_TYPES, MULTIPLE_TYPES

# form-js 1.23's EMAIL_PATTERN and PHONE_PATTERN (packages/form-js-viewer/src/core/Validator.js), verbatim.
EMAIL_PATTERN = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
PHONE_PATTERN = re.compile(
    r"(\+|00)(297|93|244|1264|358|355|376|971|54|374|1684|1268|61|43|994|257|32|229|226|880|359|973|1242|387"
    r"|590|375|501|1441|591|55|1246|673|975|267|236|1|61|41|56|86|225|237|243|242|682|57|269|238|506|53|5999"
    r"|61|1345|357|420|49|253|1767|45|1809|1829|1849|213|593|20|291|212|34|372|251|358|679|500|33|298|691|241"
    r"|44|995|44|233|350|224|590|220|245|240|30|1473|299|502|594|1671|592|852|504|385|509|36|62|44|91|246|353"
    r"|98|964|354|972|39|1876|44|962|81|76|77|254|996|855|686|1869|82|383|965|856|961|231|218|1758|423|94|266"
    r"|370|352|371|853|590|212|377|373|261|960|52|692|389|223|356|95|382|976|1670|258|222|1664|596|230|265|60"
    r"|262|264|687|227|672|234|505|683|31|47|977|674|64|968|92|507|64|51|63|680|675|48|1787|1939|850|351|595"
    r"|970|689|974|262|40|7|250|966|249|221|65|500|4779|677|232|503|378|252|508|381|211|239|597|421|386|46|268"
    r"|1721|248|963|1649|235|228|66|992|690|993|670|676|1868|216|90|688|886|255|256|380|598|1|998|3906698|379"
    r"|1784|58|1284|1340|84|678|681|685|967|27|260|263)(9[976]\d|8[987530]\d|6[987]\d|5[90]\d|42\d|3[875]\d"
    r"|2[98654321]\d|9[8543210]|8[6421]|6[6543210]|5[87654321]|4[987654310]|3[9643210]|2[70]|7|1)\d{4,20}$"
)
REQUIRED = "This field is required."
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")


class WholeNumber(fields.Integer):
    """An integer field that refuses 2.5 instead of truncating it to 2 as marshmallow's Integer does."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A JavaScript pattern as Python reads it: `(?<name>` becomes `(?P<name>`; \\d and \\w stay ASCII."""
    return re.compile(_NAMED_GROUP.sub("(?P<", pattern), re.ASCII)


def is_unset(value: Any) -> bool:
    """form-js's "no value": null, "" or an empty list (an unticked box is handled by `required`)."""
    return value is None or value == "" or (isinstance(value, list) and not value)


def options(comp: Mapping[str, Any], case_data: Mapping[str, Any], context: Mapping[str, Any]) -> list[Any]:
    """The values a choice field offers: static `values`, the list in the case data at `valuesKey` (a
    top-level key, as form-js reads it), or the list a `valuesExpression` gives; each an option object
    with a `value` or a plain value, as form-js normalises them."""
    if comp.get("valuesKey") is not None:
        raw = case_data.get(comp["valuesKey"])
    elif comp.get("values") is not None:
        raw = comp["values"]
    elif comp.get("valuesExpression"):
        raw = feel.evaluate(comp["valuesExpression"], context)
    else:
        raw = None
    out = []
    for option in raw if isinstance(raw, list) else []:
        if isinstance(option, Mapping):
            if isinstance(option.get("value"), str | int | float | bool):
                out.append(option["value"])
        elif isinstance(option, str | int | float | bool):
            out.append(option)
    return out


def check(
    comp: Mapping[str, Any], value: Any, context: Mapping[str, Any], case_data: Mapping[str, Any]
) -> tuple[Any, list[str] | dict[str, list[str]]]:
    """(clean value for the workflow, messages); messages may be keyed by list index for multi-choice."""
    kind = comp.get("type")
    declared = comp.get("validate")
    rules: Mapping[str, Any] = declared if isinstance(declared, Mapping) else {}
    required = rules.get("required") is True
    if required and (is_unset(value) or (kind == "checkbox" and value is False)):
        return value, [REQUIRED]
    if is_unset(value):
        return value, []
    limits = {k: _limit(rules.get(k), context) for k in ("min", "max", "minLength", "maxLength")}
    if kind in {"textfield", "textarea"}:
        return _text(comp, rules, limits, value)
    if kind == "number":
        return _number(comp, limits, value)
    if kind == "checkbox":
        return _convert(fields.Boolean(), value)
    if kind in CHOICE_TYPES:
        return _choice(comp, value, options(comp, case_data, context))
    if kind == "datetime":
        return _datetime(comp.get("subtype") or "date", value)
    if kind == "filepicker":
        return (value, []) if isinstance(value, str) else (value, ["Not a valid file reference."])
    return value, []


def _limit(raw: Any, context: Mapping[str, Any]) -> Any:
    """A limit as form-js uses it: a FEEL limit is evaluated, and null means no limit."""
    return feel.evaluate(raw, context) if feel.is_expression(raw) else raw


def _convert(field: fields.Field, value: Any) -> tuple[Any, list[str]]:
    try:
        return field.deserialize(value), []
    except ValidationError as exc:
        messages = exc.messages
        return value, [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]


def _as_number(raw: Any) -> decimal.Decimal | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        number = decimal.Decimal(str(raw))
    except decimal.InvalidOperation:
        return None
    return number if number.is_finite() else None


def _text(
    comp: Mapping[str, Any], rules: Mapping[str, Any], limits: dict[str, Any], value: Any
) -> tuple[Any, list[str]]:
    if not isinstance(value, str):
        return value, ["Not a valid string."]
    errors = []
    length = len(value.strip())
    low, high = _as_number(limits["minLength"]), _as_number(limits["maxLength"])
    if low is not None and high is not None and not low <= length <= high:
        errors.append(f"Length must be between {low} and {high}.")
    elif low is not None and length < low:
        errors.append(f"Shorter than minimum length {low}.")
    elif high is not None and length > high:
        errors.append(f"Longer than maximum length {high}.")
    pattern = rules.get("pattern")
    if pattern and not compile_pattern(pattern).search(value):
        label = comp.get("label") or comp.get("key")
        errors.append(rules.get("patternErrorMessage") or f"{label} is not in the expected format.")
    if rules.get("validationType") == "email" and not EMAIL_PATTERN.search(value):
        errors.append("Enter a valid email address.")
    elif rules.get("validationType") == "phone" and not PHONE_PATTERN.search(value):
        errors.append(
            "Enter a phone number in international form: + or 00, the country code, then the number "
            "without spaces (such as +442079460000)."
        )
    return value, errors


def _number(comp: Mapping[str, Any], limits: dict[str, Any], value: Any) -> tuple[Any, list[str]]:
    digits = comp.get("decimalDigits")
    field = WholeNumber(strict=False) if digits == 0 else fields.Float(allow_nan=False)
    clean, errors = _convert(field, value)
    if errors:
        return value, errors
    number = _as_number(value)
    if number is None:
        return value, ["Not a valid number."]
    exponent = number.as_tuple().exponent
    if isinstance(digits, int) and digits > 0 and isinstance(exponent, int) and -exponent > digits:
        plural = "s" if digits > 1 else ""
        errors.append(f"Use at most {digits} decimal digit{plural}.")
    step = _as_number(comp.get("increment"))
    if step and number % step != 0:
        below = number - number % step
        errors.append(f"Enter a multiple of {step}: the nearest are {below} and {below + step}.")
    low, high = limits["min"], limits["max"]
    low_n, high_n = _as_number(low), _as_number(high)
    if low is not None and low_n is None:
        errors.append("The lowest value allowed here could not be worked out.")
    if high is not None and high_n is None:
        errors.append("The highest value allowed here could not be worked out.")
    if low_n is not None and high_n is not None and not low_n <= number <= high_n:
        errors.append(f"Must be greater than or equal to {low} and less than or equal to {high}.")
    elif low_n is not None and high_n is None and number < low_n:
        errors.append(f"Must be greater than or equal to {low}.")
    elif high_n is not None and low_n is None and number > high_n:
        errors.append(f"Must be less than or equal to {high}.")
    return clean, errors


def _choice(
    comp: Mapping[str, Any], value: Any, choices: list[Any]
) -> tuple[Any, list[str] | dict[str, list[str]]]:
    def offered(item: Any) -> bool:
        return any((item == c and type(item) is type(c)) or _same_number(item, c) for c in choices)

    shown = ", ".join(str(c) for c in choices)
    if comp.get("type") in MULTIPLE_TYPES:
        if not isinstance(value, list):
            return value, ["Not a valid list."]
        bad = {str(n): [f"Must be one of: {shown}."] for n, item in enumerate(value) if not offered(item)}
        return value, bad
    if not offered(value):
        return value, [f"Choose one of: {shown}." if choices else "There is nothing to choose from here."]
    return value, []


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def _datetime(subtype: str, value: Any) -> tuple[Any, list[str]]:
    if subtype == "time":
        return _convert(fields.Time(), value)
    if subtype == "datetime":
        return _convert(fields.AwareDateTime(default_timezone=dt.UTC), value)
    return _convert(fields.Date(), value)
