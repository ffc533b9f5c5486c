"""Forms as form-js means them: each test is a form-js feature that the engine misjudged before."""

from __future__ import annotations

import json

import pytest

from engine.core.errors import FormInvalid
from engine.task_forms import feel
from engine.task_forms.schema import check_definition, input_fields, prefill, validate_submission
from tests.support.builders import ROOT


def form(*components: dict) -> dict:
    return {"id": "f", "type": "default", "components": list(components)}


def errors_of(definition: dict, data: dict, case_data: dict | None = None) -> dict[str, list[str]]:
    with pytest.raises(FormInvalid) as err:
        validate_submission(definition, data, case_data)
    return err.value.errors


# --- FEEL limits ------------------------------------------------------------------------------------------

AMOUNT = form(
    {"type": "number", "key": "amount", "label": "Amount", "validate": {"min": "=min", "max": "=cap * 2"}}
)


def test_a_feel_minimum_is_evaluated_on_the_case_data_not_a_type_error():
    # "=min" used to reach marshmallow's Range as text: every submission raised TypeError (a 500).
    case = {"min": 5, "cap": 50}
    assert errors_of(AMOUNT, {"amount": 3}, case) == {
        "amount": ["Must be greater than or equal to 5 and less than or equal to 100."]
    }
    assert validate_submission(AMOUNT, {"amount": 7}, case) == {"amount": 7}


def test_a_feel_limit_that_comes_to_null_sets_no_limit_as_in_form_js():
    assert validate_submission(AMOUNT, {"amount": -1000}) == {"amount": -1000}


def test_a_feel_limit_that_is_not_a_number_refuses_the_value_as_form_js_does():
    assert errors_of(AMOUNT, {"amount": 1}, {"min": "five"}) == {
        "amount": ["The lowest value allowed here could not be worked out."]
    }


def test_a_feel_limit_can_read_another_field_of_the_submission():
    definition = form(
        {"type": "textfield", "key": "code"},
        {"type": "textfield", "key": "confirm", "validate": {"minLength": "=if code = null then 0 else 4"}},
    )
    assert errors_of(definition, {"code": "abcd", "confirm": "ab"}) == {
        "confirm": ["Shorter than minimum length 4."]
    }


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("=count(items)", "calls the function 'count'"),
        ("=for x in items return x", "uses 'for'"),
        ("={a: 1}", "cannot read '{'"),
        ("=amount >", "ends where a value was expected"),
    ],
)
def test_feel_beyond_the_subset_is_refused_at_deploy_naming_the_expression(expression, said):
    definition = form({"type": "number", "key": "amount", "validate": {"max": expression}})
    [problem] = check_definition("f", definition)
    assert problem.startswith(
        f"field 'amount' has the \"max\" {expression!r}, which the engine cannot evaluate: it {said}"
    )


# --- empty values -----------------------------------------------------------------------------------------

CONTACT = form(
    {"type": "textfield", "key": "email", "validate": {"validationType": "email"}},
    {"type": "textfield", "key": "phone", "validate": {"validationType": "phone"}},
    {"type": "textfield", "key": "postcode", "validate": {"pattern": "^[A-Z]{1,2}[0-9]", "minLength": 5}},
)


def test_empty_text_of_untouched_optional_fields_skips_every_check():
    # The viewer sends "" for each untouched text field; the engine said "Enter a valid email address.".
    data = {"email": "", "phone": "", "postcode": ""}
    assert validate_submission(CONTACT, data) == data


def test_empty_text_is_still_missing_when_required():
    definition = form({"type": "textfield", "key": "name", "validate": {"required": True}})
    assert errors_of(definition, {"name": "  x"[:0]}) == {"name": ["This field is required."]}


def test_email_and_phone_follow_the_viewer_patterns():
    assert validate_submission(CONTACT, {"email": "ann@localhost", "phone": "+442079460000"})
    assert set(errors_of(CONTACT, {"email": "ann@", "phone": "020 7946 0000"})) == {"email", "phone"}


def test_patterns_are_searched_not_anchored_as_in_form_js():
    definition = form({"type": "textfield", "key": "ref", "validate": {"pattern": "[0-9]{3}"}})
    assert validate_submission(definition, {"ref": "case 123 please"}) == {"ref": "case 123 please"}


def test_a_pattern_error_message_of_the_form_is_used():
    definition = form(
        {
            "type": "textfield",
            "key": "ref",
            "validate": {"pattern": "^R", "patternErrorMessage": "Start with R."},
        }
    )
    assert errors_of(definition, {"ref": "x"}) == {"ref": ["Start with R."]}


def test_lengths_count_trimmed_text_as_form_js_does():
    definition = form({"type": "textfield", "key": "name", "validate": {"maxLength": 3}})
    assert validate_submission(definition, {"name": " abc "}) == {"name": " abc "}


# --- disabled, hidden, groups -----------------------------------------------------------------------------


def test_a_disabled_field_is_neither_required_nor_stored():
    definition = form(
        {"type": "textfield", "key": "reference", "disabled": True, "validate": {"required": True}},
        {"type": "textfield", "key": "note"},
    )
    assert validate_submission(definition, {"note": "x", "reference": "forged"}) == {"note": "x"}


HIDDEN = form(
    {"type": "checkbox", "key": "has_representative"},
    {
        "type": "textfield",
        "key": "representative_name",
        "validate": {"required": True},
        "conditional": {"hide": "=has_representative = false"},
    },
)


def test_a_hidden_field_is_neither_required_nor_stored():
    assert validate_submission(HIDDEN, {"representative_name": "leftover"}) == {"has_representative": False}


def test_a_shown_field_keeps_its_rules():
    assert errors_of(HIDDEN, {"has_representative": True}) == {
        "representative_name": ["This field is required."]
    }
    clean = validate_submission(HIDDEN, {"has_representative": True, "representative_name": "Bo"})
    assert clean == {"has_representative": True, "representative_name": "Bo"}


def test_a_hide_condition_that_comes_to_null_hides_as_in_form_js():
    # form-js runs hide conditions as FEEL unary tests without an input: null matches the missing input.
    definition = form(
        {"type": "number", "key": "amount"},
        {
            "type": "textfield",
            "key": "why",
            "validate": {"required": True},
            "conditional": {"hide": "=amount < 100"},
        },
    )
    assert validate_submission(definition, {}) == {}
    assert validate_submission(definition, {"amount": 50}) == {"amount": 50}
    assert errors_of(definition, {"amount": 500}) == {"why": ["This field is required."]}


def test_a_condition_reads_the_case_data_the_form_opened_with():
    definition = form(
        {
            "type": "textfield",
            "key": "escalation_note",
            "validate": {"required": True},
            "conditional": {"hide": '=severity != "high"'},
        }
    )
    assert validate_submission(definition, {}, {"severity": "low"}) == {}
    assert errors_of(definition, {}, {"severity": "high"}) == {"escalation_note": ["This field is required."]}


def test_a_hidden_group_hides_its_fields():
    definition = form(
        {"type": "checkbox", "key": "anonymous"},
        {
            "type": "group",
            "path": "complainant",
            "conditional": {"hide": "=anonymous"},
            "components": [{"type": "textfield", "key": "name", "validate": {"required": True}}],
        },
    )
    assert validate_submission(definition, {"anonymous": True, "complainant": {"name": ""}}) == {
        "anonymous": True
    }
    assert errors_of(definition, {"anonymous": False}) == {"complainant.name": ["This field is required."]}


GROUPED = form(
    {
        "type": "group",
        "path": "complainant",
        "components": [
            {"type": "textfield", "key": "name", "validate": {"required": True}},
            {"type": "group", "path": "address", "components": [{"type": "textfield", "key": "city"}]},
            {"type": "group", "components": [{"type": "textfield", "key": "email"}]},
        ],
    }
)


def test_a_group_with_a_path_nests_its_values():
    # form-js nests values under the group's path; the engine answered "Unknown field.".
    data = {"complainant": {"name": "Ann", "address": {"city": "Leeds"}, "email": "a@b.org"}}
    assert validate_submission(GROUPED, data) == data
    assert errors_of(GROUPED, {"complainant": {"name": ""}}) == {
        "complainant.name": ["This field is required."]
    }
    assert errors_of(GROUPED, {"complainant": {"name": "A", "pin": 1}}) == {
        "complainant.pin": ["Unknown field."]
    }


def test_input_fields_and_prefill_give_full_paths():
    assert [c["key"] for c in input_fields(GROUPED)] == [
        "complainant.name",
        "complainant.address.city",
        "complainant.email",
    ]
    assert prefill(GROUPED, {"complainant": {"address": {"city": "York"}}}) == {
        "complainant.address.city": "York"
    }


# --- options from the case, lists, tables, expressions, files, display --------------------------------------

CATEGORY = form({"type": "select", "key": "category", "label": "Category", "valuesKey": "categories"})


def test_options_come_from_the_case_data_at_values_key():
    case = {"categories": [{"label": "Fees", "value": "fees"}, "service"]}
    assert validate_submission(CATEGORY, {"category": "fees"}, case) == {"category": "fees"}
    assert validate_submission(CATEGORY, {"category": "service"}, case) == {"category": "service"}
    assert errors_of(CATEGORY, {"category": "other"}, case) == {"category": ["Choose one of: fees, service."]}
    assert check_definition("f", CATEGORY) == []


def test_options_from_an_expression():
    definition = form({"type": "radio", "key": "size", "valuesExpression": '=["s", "m"]'})
    assert validate_submission(definition, {"size": "m"}) == {"size": "m"}
    assert set(errors_of(definition, {"size": "xl"})) == {"size"}


LIST = form(
    {
        "type": "dynamiclist",
        "path": "payments",
        "components": [
            {"type": "number", "key": "amount", "validate": {"required": True, "min": 0}},
            {"type": "textfield", "key": "note", "conditional": {"hide": "=this.amount < 100"}},
        ],
    },
    {"type": "expression", "key": "total_count", "expression": "=count_of_items", "computeOn": "presubmit"},
)


def test_a_dynamic_list_keeps_one_object_per_item_and_checks_each():
    data = {"payments": [{"amount": 150, "note": "refund"}, {"amount": 20, "note": "dropped: hidden"}]}
    assert validate_submission(LIST, data)["payments"] == [{"amount": 150, "note": "refund"}, {"amount": 20}]
    assert errors_of(LIST, {"payments": [{"amount": 1}, {"amount": None}]}) == {
        "payments.1.amount": ["This field is required."]
    }
    assert errors_of(LIST, {"payments": [{"amount": 1, "pin": 2}]}) == {"payments.0.pin": ["Unknown field."]}
    assert errors_of(LIST, {"payments": "many"}) == {"payments": ["Expected a list of items."]}


def test_an_expression_field_is_computed_by_the_engine_not_taken_from_the_browser():
    definition = form(
        {"type": "number", "key": "price"},
        {"type": "number", "key": "quantity"},
        {"type": "expression", "key": "total", "expression": "=price * quantity"},
    )
    assert validate_submission(definition, {"price": 2.5, "quantity": 4, "total": 1}) == {
        "price": 2.5,
        "quantity": 4,
        "total": 10,
    }


def test_display_components_and_tables_are_accepted_and_ignored():
    definition = form(
        *[
            {"type": kind, "id": f"c_{kind}"}
            for kind in (
                "text",
                "image",
                "button",
                "separator",
                "spacer",
                "html",
                "documentPreview",
                "iframe",
            )
        ],
        {
            "type": "table",
            "id": "t",
            "dataSource": "=payments",
            "columns": [{"label": "Amount", "key": "amount"}],
        },
        {"type": "textfield", "key": "note"},
    )
    assert check_definition("f", definition) == []
    assert validate_submission(definition, {"note": "x"}) == {"note": "x"}


def test_a_file_picker_holds_the_viewer_file_reference():
    definition = form({"type": "filepicker", "key": "evidence", "validate": {"required": True}})
    assert validate_submission(definition, {"evidence": "files::abc"}) == {"evidence": "files::abc"}
    assert errors_of(definition, {"evidence": None}) == {"evidence": ["This field is required."]}


# --- dates and numbers ----------------------------------------------------------------------------------


def test_a_datetime_without_subtype_is_a_date_as_in_form_js():
    definition = form({"type": "datetime", "key": "occurred"})
    assert validate_submission(definition, {"occurred": "2026-02-03"}) == {"occurred": "2026-02-03"}
    assert errors_of(definition, {"occurred": "2026-02-03T10:00:00+00:00"}) == {
        "occurred": ["Not a valid date."]
    }


def test_a_time_field_takes_the_viewer_formats():
    definition = form({"type": "datetime", "subtype": "time", "key": "at"})
    assert validate_submission(definition, {"at": "10:15+01:00"}) == {"at": "10:15:00+01:00"}


def test_decimal_digits_are_enforced():
    definition = form({"type": "number", "key": "rate", "decimalDigits": 2})
    assert validate_submission(definition, {"rate": 1.25}) == {"rate": 1.25}
    assert errors_of(definition, {"rate": 1.255}) == {"rate": ["Use at most 2 decimal digits."]}


def test_increment_is_enforced_naming_the_nearest_values():
    definition = form({"type": "number", "key": "hours", "increment": 0.5})
    assert validate_submission(definition, {"hours": 2.5}) == {"hours": 2.5}
    assert errors_of(definition, {"hours": 2.3}) == {
        "hours": ["Enter a multiple of 0.5: the nearest are 2.0 and 2.5."]
    }


def test_a_required_checkbox_must_be_ticked_as_in_form_js():
    definition = form({"type": "checkbox", "key": "agree", "validate": {"required": True}})
    assert errors_of(definition, {"agree": False}) == {"agree": ["This field is required."]}


# --- the FEEL subset --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "context", "value"),
    [
        ("1 + 2 * 3", {}, 7),
        ('"a" + "b"', {}, "ab"),
        ('"a" + 1', {}, None),
        ("x + 1", {}, None),
        ("a.b.c", {"a": {"b": {"c": 4}}}, 4),
        ("a.b", {"a": None}, None),
        ("x = null", {}, True),
        ('1 = "1"', {}, None),
        ("x < 5", {}, None),
        ("true and x", {}, None),
        ("false and x", {}, False),
        ("true or x", {}, True),
        ("not(x)", {"x": False}, True),
        ("x in [1, 2]", {"x": 2}, True),
        ("x in [1..3)", {"x": 3}, False),
        ('x in ("a", "b")', {"x": "b"}, True),
        ("x between 1 and 10", {"x": 10}, True),
        ('if x > 1 then "big" else "small"', {"x": 2}, "big"),
        ("if x then 1 else 2", {}, 2),
        ("10 / 0", {}, None),
        ("-2 ** 2", {}, 4),
        ("items.amount", {"items": [{"amount": 1}, {"amount": 2}]}, [1, 2]),
    ],
)
def test_feel_subset_gives_what_feelin_gives(expression, context, value):
    assert feel.evaluate(expression, context) == value


def test_feel_never_runs_python():
    with pytest.raises(feel.FeelError):
        feel.compile_expression('=__import__("os").system("true")')


def test_fields_in_a_group_without_a_path_sit_at_the_top_level():
    definition = form(
        {"type": "group", "components": [{"type": "textfield", "key": "subject"}]},
        {
            "type": "group",
            "path": "a",
            "components": [{"type": "group", "components": [{"type": "textfield", "key": "b"}]}],
        },
    )
    data = {"subject": "Fees", "a": {"b": "x"}}
    assert validate_submission(definition, data) == data


def test_the_intake_form_takes_the_empty_email_and_phone_the_viewer_sends():
    # The project's own intake form refused {"email": ""} with "Enter a valid email address.".
    intake = json.loads((ROOT / "forms" / "complaint_intake.json").read_text())
    errors = errors_of(intake, {"complainant": {"email": "", "phone": ""}})
    assert not {"complainant.email", "complainant.phone"} & set(errors)


def test_feel_nested_beyond_reason_is_refused_not_a_crash():
    definition = form(
        {"type": "number", "key": "n", "validate": {"min": "=" + "(" * 5000 + "1" + ")" * 5000}}
    )
    [problem] = check_definition("f", definition)
    assert problem.endswith("which the engine cannot evaluate: it is nested too deeply")


def test_list_items_the_case_holds_are_not_judged_when_the_submission_leaves_the_list_out():
    assert validate_submission(LIST, {}, {"payments": [{"amount": None}]}) == {"total_count": None}
