"""The server's form-js renderer and reader: a definition drawn as fields, and a posted form read back into
the data the engine validates, for every component type our forms use."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from webapp.web import formjs

DEFINITION = {
    "components": [
        {"type": "text", "text": "## About"},
        {
            "type": "group",
            "id": "g1",
            "label": "You",
            "path": "person",
            "components": [
                {
                    "type": "textfield",
                    "key": "name",
                    "label": "Name",
                    "validate": {"required": True, "maxLength": 20},
                },
                {
                    "type": "textfield",
                    "key": "email",
                    "label": "Email",
                    "validate": {"validationType": "email"},
                },
            ],
        },
        {"type": "textarea", "key": "story", "label": "Story"},
        {"type": "number", "key": "amount", "label": "Amount"},
        {"type": "checkbox", "key": "agree", "label": "Agree"},
        {
            "type": "select",
            "key": "kind",
            "label": "Kind",
            "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
        },
        {
            "type": "radio",
            "key": "yes",
            "label": "Yes?",
            "values": [{"label": "Yes", "value": "y"}, {"label": "No", "value": "n"}],
        },
        {
            "type": "checklist",
            "key": "ways",
            "label": "Ways",
            "values": [{"label": "Mail", "value": "mail"}, {"label": "Phone", "value": "phone"}],
        },
        {"type": "datetime", "key": "on", "subtype": "date", "label": "On"},
        {"type": "datetime", "key": "at", "subtype": "datetime", "label": "At"},
        {"type": "textfield", "key": "secret", "label": "Secret", "properties": {"staff_only": "true"}},
    ]
}


def test_a_posted_form_reads_back_as_form_js_data():
    posted = MultiDict(
        [
            ("person.name", " Ada "),
            ("person.email", ""),
            ("story", "line one\r\nline two"),
            ("amount", "12.50"),
            ("agree", "true"),
            ("kind", "b"),
            ("yes", "n"),
            ("ways", "mail"),
            ("ways", "phone"),
            ("on", "2026-10-01"),
            ("at", "2026-10-01T09:30"),
        ]
    )
    assert formjs.read(DEFINITION, posted) == {
        "person": {"name": "Ada"},
        "story": "line one\nline two",
        "amount": 12.5,
        "agree": True,
        "kind": "b",
        "yes": "n",
        "ways": ["mail", "phone"],
        "on": "2026-10-01",
        "at": "2026-10-01T09:30",
    }


def test_an_unticked_box_is_false_and_a_bad_number_is_kept_as_typed():
    data = formjs.read(DEFINITION, MultiDict([("amount", "twelve")]))
    assert data["agree"] is False and data["amount"] == "twelve"
    assert formjs.read(DEFINITION, MultiDict([("amount", "7")]))["amount"] == 7


def test_fields_are_drawn_with_their_values_errors_and_limits():
    views = formjs.build(
        DEFINITION,
        {"person": {"name": "Ada"}, "ways": ["phone"], "kind": "a", "at": "2026-10-01T09:30:00+00:00"},
        {"person.name": ["Too long."]},
    )
    group = next(v for v in views if v.kind == "group")
    name = group.children[0]
    assert (name.name, name.id, name.value, name.required, name.errors) == (
        "person.name",
        "f-person-name",
        "Ada",
        True,
        ["Too long."],
    )
    assert name.attrs["maxlength"] == 20 and name.described_by == "f-person-name-error"
    assert group.children[1].input_type == "email"
    ways = next(v for v in views if v.name == "ways")
    assert [o.selected for o in ways.options] == [False, True]
    at = next(v for v in views if v.name == "at")
    assert (at.input_type, at.value) == ("datetime-local", "2026-10-01T09:30")


def test_components_left_out_are_neither_drawn_nor_read():
    public = lambda c: (c.get("properties") or {}).get("staff_only") != "true"  # noqa: E731
    assert "secret" not in [v.name for v in formjs.build(DEFINITION, include=public)]
    assert "secret" not in formjs.read(DEFINITION, MultiDict([("secret", "x")]), include=public)


def test_a_collapsed_group_opens_when_it_holds_a_value_or_an_error():
    definition = {
        "components": [
            {
                "type": "group",
                "id": "rep",
                "label": "Representative",
                "properties": {"collapsed": "true"},
                "components": [{"type": "textfield", "key": "rep_name", "label": "Name"}],
            }
        ]
    }
    assert formjs.build(definition)[0].collapsed is True
    assert formjs.build(definition, {"rep_name": "Bo"})[0].collapsed is False
    assert formjs.build(definition, {}, {"rep_name": ["Too long."]})[0].collapsed is False
