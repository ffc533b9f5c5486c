"""Stage, status and outcome names per language, the report of what translations miss or keep in vain, and
translation folders never taken for forms at deploy."""

from __future__ import annotations

import json

import pytest

from engine.registry import load_bundle
from engine.registry.translation_report import diagram_names, report
from engine.registry.translations import load_names, outcome_name, stage_name, status_name
from engine.task_forms.translations import TARGET_LANGUAGES
from tests.support.builders import ROOT
from tests.support.translations import FORM, VI

PROCESSES = ROOT / "processes"


@pytest.fixture
def names(tmp_path):
    folder = tmp_path / "names"
    folder.mkdir()
    en = {"stages": {"assessment": "Assessing your complaint", "gone": "Old"}, "statuses": {"open": "Open"}}
    fa = {"stages": {"assessment": "بررسی شکایت شما", "unknown": "x"}}
    for lang, content in (("en", en), ("fa", fa)):
        (folder / f"{lang}.json").write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_stage_is_named_in_the_language_else_english_marked_else_from_its_id(names):
    assert stage_name("assessment", "fa-IR", names).text == "بررسی شکایت شما"
    assert not stage_name("assessment", "fa", names).fallback
    english = status_name("open", "fa", names)
    assert (english.text, english.language, english.fallback) == ("Open", "en", True)
    assert str(outcome_name("partly_upheld", "vi", names)) == "Partly upheld"


def test_the_report_names_missing_and_stale_form_texts_per_language_and_file(tmp_path):
    forms_dir, texts = tmp_path / "forms", tmp_path / "texts"
    forms_dir.mkdir()
    (forms_dir / "feedback.json").write_text(json.dumps(FORM))
    (texts / "vi").mkdir(parents=True)
    (texts / "vi" / "feedback.json").write_text(
        json.dumps({**VI, "removed_field": {"label": "Cũ"}, "About": {"label": "Về bạn", "help": "x"}}),
        encoding="utf-8",
    )
    found = report(["vi", "pl"], forms_dir=forms_dir, form_ids=["feedback"], form_folder=texts)
    by_lang = {lang: {(f.kind, f.key) for f in found if f.language == lang} for lang in ("vi", "pl")}
    assert by_lang["vi"] == {
        ("missing", "person.name:description"),
        ("missing", "person.language:label"),
        ("missing", "person.language:values.en"),
        ("missing", "person.language:values.pl"),
        ("missing", "channel:values.phone"),
        ("stale", "removed_field:label"),
        ("stale", "About:help"),
    }
    assert len(by_lang["pl"]) == 10 and {k for k, _ in by_lang["pl"]} == {"missing"}  # no file: all missing
    assert all(f.file.endswith("vi/feedback.json") for f in found if f.language == "vi")
    missing_source = next(f for f in found if f.key == "person.name:description" and f.language == "vi")
    assert missing_source.source == "As on your letters"
    public = report(["pl"], forms_dir=forms_dir, form_ids=["feedback"], form_folder=texts, public_only=True)
    assert {f.key for f in public}.isdisjoint({"channel:label", "channel:values.web", "channel:values.phone"})


def test_the_report_names_stages_english_lacks_and_names_other_languages_lack_or_keep_in_vain(
    tmp_path, names
):
    found = report(["fa"], forms_dir=tmp_path, processes_dir=PROCESSES, name_folder=names)
    english = {f.key for f in found if f.language == "en"}
    assert "stages.investigation" in english and "outcomes.withdrawn" in english
    assert "stages.assessment" not in english
    persian = {(f.kind, f.key) for f in found if f.language == "fa"}
    assert persian == {("missing", "stages.gone"), ("missing", "statuses.open"), ("stale", "stages.unknown")}


def test_a_broken_translation_file_is_reported(tmp_path, names):
    (names / "fa.json").write_text("{", encoding="utf-8")
    found = report(["fa"], forms_dir=tmp_path, processes_dir=PROCESSES, name_folder=names)
    assert [f.kind for f in found if f.language == "fa"] == ["broken"]


def test_every_stage_status_and_outcome_of_the_diagrams_is_named_in_every_language():
    used = diagram_names(PROCESSES)
    assert "assessment" in used["stages"] and "awaiting_complainant" in used["statuses"]
    english = load_names("en")
    for lang in ("en", *TARGET_LANGUAGES):
        have = load_names(lang)
        for section, ids in used.items():
            assert ids <= set(have.get(section, {})), f"{lang}: {section} {ids - set(have.get(section, {}))}"
        for section, source in english.items():
            assert set(source) == set(have[section]), f"{lang}: {section} differs from en.json"


def test_the_real_files_leave_nothing_missing_for_the_intake_form_and_the_names():
    assert report(forms_dir=ROOT / "forms", processes_dir=PROCESSES, form_ids=["complaint_intake"]) == []
    assert [
        f
        for f in report(forms_dir=ROOT / "forms", processes_dir=PROCESSES)
        if f.key.startswith(("stages", "statuses", "outcomes"))
    ] == []


def test_translation_folders_are_not_taken_for_forms_when_a_folder_is_deployed(tmp_path):
    (tmp_path / "p" / "translations").mkdir(parents=True)
    (tmp_path / "p" / "a.bpmn").write_bytes((PROCESSES / "complaint_handling.bpmn").read_bytes())
    (tmp_path / "p" / "translations" / "fa.json").write_text("{}")
    (tmp_path / "p" / "forms" / "translations" / "vi").mkdir(parents=True)
    (tmp_path / "p" / "forms" / "translations" / "vi" / "x.json").write_text("{}")
    (tmp_path / "p" / "forms" / "x.json").write_text("{}")
    bundle = load_bundle([tmp_path / "p"])
    assert [name.rsplit("/", 2)[-2:] for name in bundle.forms] == [["forms", "x.json"]]
