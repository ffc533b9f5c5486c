"""Form texts in six languages: a translated form keeps its keys and values and validates the same, English
fills in what a file lacks (and says so), and the real intake form is complete in every language."""

from __future__ import annotations

import json
import re

import pytest

from engine.core.errors import FormInvalid
from engine.task_forms import schema as forms
from engine.task_forms.layout import input_fields
from engine.task_forms.translations import (
    TARGET_LANGUAGES,
    form_texts,
    load_translation,
    translate_form,
)
from tests.support.builders import ROOT
from tests.support.translations import FORM, VI


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "vi").mkdir()
    (tmp_path / "vi" / "feedback.json").write_text(json.dumps(VI, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_texts_are_named_by_data_path_or_id_and_staff_only_ones_are_not_public():
    texts = form_texts(FORM)
    assert list(texts) == [
        "Intro:text",
        "About:label",
        "person.name:label",
        "person.name:description",
        "person.language:label",
        "person.language:values.en",
        "person.language:values.pl",
        "channel:label",
        "channel:values.web",
        "channel:values.phone",
    ]
    assert [k for k, t in texts.items() if not t.public] == [
        "channel:label",
        "channel:values.web",
        "channel:values.phone",
    ]


def test_translated_form_has_the_words_of_the_file_and_the_same_keys_values_and_rules(folder):
    translated = translate_form(FORM, "vi", folder)
    schema = translated.schema
    assert schema["components"][0]["text"] == "## Hãy cho chúng tôi biết"
    group = schema["components"][1]
    assert group["label"] == "Về bạn"
    assert group["components"][0]["label"] == "Tên"
    assert schema["components"][2]["values"][0]["label"] == "Trang web"

    def shape(definition):
        return [
            (
                c["key"],
                c["type"],
                c.get("validate"),
                [v["value"] for v in c.get("values", [])],
                c.get("properties"),
            )
            for c in input_fields(definition)
        ]

    assert shape(schema) == shape(FORM)
    assert FORM["components"][1]["label"] == "About you"  # the definition given is left as it was


def test_a_translated_form_judges_submissions_exactly_as_the_definition(folder):
    translated = translate_form(FORM, "vi", folder).schema
    good = {"person": {"name": "Lan", "language": "pl"}, "channel": "web"}
    assert forms.validate_submission(translated, good) == forms.validate_submission(FORM, good)
    bad = {"person": {"name": "x" * 21, "language": "xx-"}}
    errors = []
    for definition in (FORM, translated):
        with pytest.raises(FormInvalid) as exc:
            forms.validate_submission(definition, bad)
        errors.append(exc.value.errors)
    assert errors[0] == errors[1]
    assert set(errors[0]) == {"person.name", "person.language"}


def test_what_the_file_lacks_stays_english_and_is_marked(folder):
    translated = translate_form(FORM, "vi", folder)
    assert translated.fallbacks == {
        "person.name:description",
        "person.language:label",
        "channel:values.phone",
    }
    assert translated.schema["components"][1]["components"][0]["description"] == "As on your letters"
    assert translated.language_of("person.name", "description") == "en"
    assert translated.language_of("person.name", "label") == "vi"
    # A coded field's options are named from CLDR in the reader's language, never left in English.
    options = translated.schema["components"][1]["components"][1]["values"]
    assert options == [
        {"label": "English (Tiếng Anh)", "value": "en"},
        {"label": "Polski (Tiếng Ba Lan)", "value": "pl"},
    ]
    assert translated.is_fallback("person.language", "label")


def test_english_has_no_fallbacks_and_tags_resolve_to_the_nearest_language(folder):
    assert translate_form(FORM, "en", folder).fallbacks == frozenset()
    assert translate_form(FORM, "vi-VN", folder).language == "vi"
    assert translate_form(FORM, "zh-TW", folder).language == "zh-Hant"
    nothing = translate_form(FORM, "fa", folder)  # no Persian file at all: every text English, marked
    assert nothing.fallbacks == set(form_texts(FORM)) - {
        "person.language:values.en",
        "person.language:values.pl",
    }


def test_a_broken_file_shows_english_marked(folder):
    (folder / "vi" / "feedback.json").write_text("{not json", encoding="utf-8")
    translated = translate_form(FORM, "vi", folder)
    assert "About:label" in translated.fallbacks
    with pytest.raises(ValueError, match=r"feedback\.json: not valid JSON"):
        load_translation("feedback", "vi", folder)


INTAKE = json.loads((ROOT / "forms" / "complaint_intake.json").read_text())
_LATIN = re.compile(r"[A-Za-z]{4,}")


@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_every_text_a_complainant_sees_on_the_intake_form_is_translated(lang):
    words = load_translation("complaint_intake", lang)
    public = {k: t for k, t in form_texts(INTAKE).items() if t.public}
    missing = [k for k in public if not words.get(k, "").strip()]
    assert not missing, f"{lang}: no translation of {missing}"
    assert translate_form(INTAKE, lang).fallbacks.isdisjoint(public)


def test_persian_is_written_in_persian_script():
    words = load_translation("complaint_intake", "fa")
    for key in ("complainant.name:label", "Field_text:text", "category:values.other"):
        assert re.search("[\u0600-\u06ff]", words[key]), key
        assert not _LATIN.search(words[key]), key
