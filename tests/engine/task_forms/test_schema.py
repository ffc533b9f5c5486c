"""Form definitions (form-js JSON) in, marshmallow validation out: what a person submitting a form sees."""

from __future__ import annotations

import pytest

from engine.core.errors import FormInvalid
from engine.task_forms.schema import check_definition, input_fields, prefill, validate_submission

FORM = {
    "id": "complaint",
    "components": [
        {"type": "text", "text": "Tell us what happened."},
        {
            "type": "textfield",
            "key": "subject",
            "label": "Subject",
            "validate": {"required": True, "minLength": 3, "maxLength": 10},
        },
        {
            "type": "textfield",
            "key": "account",
            "label": "Account",
            "validate": {"pattern": "^[A-Z]{2}[0-9]+$"},
        },
        {"type": "textfield", "key": "complainant.email", "validate": {"validationType": "email"}},
        {"type": "textfield", "key": "complainant.phone", "validate": {"validationType": "phone"}},
        {"type": "number", "key": "points", "decimalDigits": 0, "validate": {"min": 0, "max": 10}},
        {"type": "number", "key": "amount", "validate": {"min": 0.5}},
        {"type": "datetime", "subtype": "date", "key": "occurred_on"},
        {"type": "datetime", "subtype": "datetime", "key": "reported_at"},
        {
            "type": "select",
            "key": "category",
            "values": [{"label": "Fees", "value": "fees"}, {"label": "S", "value": "svc"}],
        },
        {"type": "radio", "key": "channel", "values": [{"label": "Phone", "value": "phone"}]},
        {
            "type": "checklist",
            "key": "products",
            "values": [{"label": "Card", "value": "card"}, {"label": "Loan", "value": "loan"}],
        },
        {"type": "checkbox", "key": "consent"},
        {"type": "group", "components": [{"type": "textarea", "key": "notes", "validate": {"maxLength": 5}}]},
    ],
}
OK = {"subject": "Fees"}


def errors_of(data, definition=FORM) -> dict[str, list[str]]:
    with pytest.raises(FormInvalid) as err:
        validate_submission(definition, data)
    return err.value.errors


def test_a_minimal_valid_submission_passes_unchanged():
    assert validate_submission(FORM, OK) == {"subject": "Fees", "consent": False}


@pytest.mark.parametrize("data", [{}, {"subject": None}])
def test_required_field_missing(data):
    assert errors_of(data) == {"subject": ["This field is required."]}


def test_required_text_that_is_empty_is_missing():
    assert "This field is required." in errors_of({"subject": ""})["subject"]


@pytest.mark.parametrize("subject", ["ab", "abcdefghijk"])
def test_min_and_max_length(subject):
    assert errors_of({"subject": subject}) == {"subject": ["Length must be between 3 and 10."]}


def test_length_limits_hold_inside_groups():
    assert errors_of({**OK, "notes": "123456"}) == {"notes": ["Longer than maximum length 5."]}


def test_pattern_uses_the_label_in_its_message():
    assert errors_of({**OK, "account": "ab12"}) == {"account": ["Account is not in the expected format."]}
    assert validate_submission(FORM, {**OK, "account": "AB12"})["account"] == "AB12"


def test_email_and_phone_errors_are_keyed_by_dotted_path():
    errors = errors_of({**OK, "complainant": {"email": "not-an-address", "phone": "call me"}})
    assert errors == {
        "complainant.email": ["Enter a valid email address."],
        "complainant.phone": ["Enter a valid phone number."],
    }


@pytest.mark.parametrize("data", [{"complainant": {"email": "a@b.org"}}, {"complainant.email": "a@b.org"}])
def test_dotted_keys_come_in_nested_or_flat_and_go_out_nested(data):
    assert validate_submission(FORM, {**OK, **data}) == {
        **OK,
        "consent": False,
        "complainant": {"email": "a@b.org"},
    }


def test_number_limits():
    assert errors_of({**OK, "points": 11, "amount": 0.1}) == {
        "points": ["Must be greater than or equal to 0 and less than or equal to 10."],
        "amount": ["Must be greater than or equal to 0.5."],
    }


def test_numbers_from_html_forms_arrive_as_text_and_leave_as_numbers():
    clean = validate_submission(FORM, {**OK, "points": "3", "amount": "2.5"})
    assert (clean["points"], clean["amount"]) == (3, 2.5)
    assert type(clean["points"]) is int


@pytest.mark.parametrize("points", [2.5, "2.5", True, "three"])
def test_no_decimal_digits_means_a_whole_number(points):
    # 2.5 used to be truncated to 2 without a word.
    assert errors_of({**OK, "points": points}) == {"points": ["Not a valid integer."]}


def test_a_whole_float_is_an_integer():
    assert validate_submission(FORM, {**OK, "points": 4.0})["points"] == 4


def test_nan_is_not_a_number():
    assert errors_of({**OK, "amount": "nan"}) == {
        "amount": ["Special numeric values (nan or infinity) are not permitted."]
    }


def test_dates_become_iso_text():
    clean = validate_submission(
        FORM, {**OK, "occurred_on": "2026-02-03", "reported_at": "2026-02-03T10:15:00+01:00"}
    )
    assert clean["occurred_on"] == "2026-02-03"
    assert clean["reported_at"] == "2026-02-03T10:15:00+01:00"


def test_a_datetime_without_offset_is_read_as_utc():
    assert validate_submission(FORM, {**OK, "reported_at": "2026-02-03T10:15:00"})["reported_at"] == (
        "2026-02-03T10:15:00+00:00"
    )


@pytest.mark.parametrize("bad", ["2026-02-30", "03/02/2026", "yesterday"])
def test_impossible_dates_are_refused(bad):
    assert errors_of({**OK, "occurred_on": bad}) == {"occurred_on": ["Not a valid date."]}


def test_select_and_radio_accept_only_their_values():
    assert errors_of({**OK, "category": "other", "channel": "fax"}) == {
        "category": ["Choose one of: fees, svc."],
        "channel": ["Choose one of: phone."],
    }
    clean = validate_submission(FORM, {**OK, "category": "fees", "channel": "phone"})
    assert (clean["category"], clean["channel"]) == ("fees", "phone")


def test_checklist_accepts_only_its_values():
    assert validate_submission(FORM, {**OK, "products": ["loan", "card"]})["products"] == ["loan", "card"]
    assert errors_of({**OK, "products": ["card", "boat"]}) == {"products.1": ["Must be one of: card, loan."]}


def test_checkbox_is_a_boolean():
    assert validate_submission(FORM, {**OK, "consent": "true"})["consent"] is True


def test_unknown_fields_are_refused_by_name():
    errors = errors_of(
        {**OK, "is_admin": True, "__class__": 1, "complainant": {"email": "a@b.org", "pin": 1}}
    )
    assert errors == {
        "is_admin": ["Unknown field."],
        "__class__": ["Unknown field."],
        "complainant.pin": ["Unknown field."],
    }


def test_a_value_where_a_group_of_fields_is_expected_is_unknown():
    assert errors_of({**OK, "complainant": "a@b.org"}) == {"complainant": ["Unknown field."]}


def test_a_submission_that_is_not_an_object():
    assert errors_of(["subject"]) == {"_schema": ["Expected an object of field values."]}


def test_every_error_is_reported_at_once():
    errors = errors_of({"points": -1, "category": "x", "extra": 1})
    assert set(errors) == {"subject", "points", "category", "extra"}


def test_input_fields_are_in_display_order_with_groups_flattened():
    keys = [c["key"] for c in input_fields(FORM)]
    assert keys[0] == "subject" and keys[-1] == "notes" and len(keys) == 13


def test_prefill_takes_values_from_case_data_and_defaults():
    definition = {
        "id": "f",
        "components": [
            {"type": "textfield", "key": "subject"},
            {"type": "textfield", "key": "complainant.email"},
            {"type": "textfield", "key": "complainant.name", "defaultValue": "Anonymous"},
            {"type": "number", "key": "points", "defaultValue": 1},
        ],
    }
    data = {"subject": "Fees", "complainant": {"email": "a@b.org"}, "points": 0, "internal": "secret"}
    assert prefill(definition, data) == {
        "subject": "Fees",
        "complainant.email": "a@b.org",
        "complainant.name": "Anonymous",
        "points": 0,
    }


def test_a_good_definition_has_no_problems():
    assert check_definition("complaint", FORM) == []


def test_definition_problems_name_the_component():
    definition = {
        "id": "other",
        "components": [
            {"type": "textfield", "key": "subject"},
            {"type": "group", "components": [{"type": "textarea", "key": "subject"}]},
            {"type": "filepicker", "key": "upload"},
            {"type": "select", "key": "category"},
            {"type": "textfield", "key": "code", "validate": {"pattern": "([A-Z"}},
            {"type": "textfield"},
            {"type": "number", "key": "n", "validate": "required"},
            {"type": "textfield", "key": "product.typename"},
        ],
    }
    assert check_definition("complaint", definition) == [
        "its \"id\" is 'other' but the file name says 'complaint'",
        "field 'subject' appears twice",
        "field 'upload' has type 'filepicker', which is not supported",
        "field 'category' lists no values to choose from",
        "field 'code' has an invalid pattern: unterminated character set at position 1",
        "component 6 (textfield) has no key",
        "field 'n' has a \"validate\" that is not an object",
        "field 'product.typename' uses the name 'typename', which stored cases keep",
    ]


@pytest.mark.parametrize(
    ("definition", "problem"),
    [([], "is not a JSON object"), ({"id": "f"}, 'has no "components" list')],
)
def test_definitions_that_are_not_forms(definition, problem):
    assert check_definition("f", definition) == [problem]


def test_an_unticked_checkbox_left_out_of_a_submission_is_false():
    definition = {
        "id": "f",
        "components": [
            {"type": "checkbox", "key": "safety_risk", "label": "Safety risk"},
            {"type": "textfield", "key": "note", "label": "Note"},
        ],
    }
    assert validate_submission(definition, {"note": "x"}) == {"note": "x", "safety_risk": False}
    assert validate_submission(definition, {"safety_risk": True}) == {"safety_risk": True}
