"""`redressal translations report`: one line per missing or stale text, exit 1 when anything is missing; and
`processes validate` warns about texts that will show in English."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.cli import cli
from tests.support.builders import ROOT
from tests.support.translations import FORM, VI


def run(*args: str, forms: str = str(ROOT / "forms")):
    return CliRunner().invoke(
        cli, ["translations", "report", "--forms", forms, "--processes", str(ROOT / "processes"), *args]
    )


def test_the_real_files_report_nothing_and_exit_0():
    result = run()
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "translations: nothing missing"


def test_missing_and_stale_texts_are_listed_by_language_and_file_and_exit_1(tmp_path, monkeypatch):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "feedback.json").write_text(json.dumps(FORM))
    (tmp_path / "texts" / "vi").mkdir(parents=True)
    stale = {**VI, "gone": {"label": "Cũ"}}
    (tmp_path / "texts" / "vi" / "feedback.json").write_text(json.dumps(stale), encoding="utf-8")
    monkeypatch.setenv("REDRESSAL_FORM_TRANSLATIONS", str(tmp_path / "texts"))
    result = run("--form", "feedback", "--lang", "vi", forms=str(tmp_path / "forms"))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "vi/feedback.json: missing person.name:description: 'As on your letters'" in lines[0]
    assert any("vi/feedback.json: stale gone:label" in line for line in lines)
    assert lines[-1] == "translations: 5 missing, 1 stale"


def test_stale_texts_alone_fail_only_when_strict(tmp_path, monkeypatch):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "feedback.json").write_text(json.dumps({"id": "feedback", "components": []}))
    (tmp_path / "texts" / "pl").mkdir(parents=True)
    (tmp_path / "texts" / "pl" / "feedback.json").write_text(json.dumps({"gone": {"label": "x"}}))
    monkeypatch.setenv("REDRESSAL_FORM_TRANSLATIONS", str(tmp_path / "texts"))
    args = ("--form", "feedback", "--lang", "pl")
    assert run(*args, forms=str(tmp_path / "forms")).exit_code == 0
    assert run(*args, "--strict", forms=str(tmp_path / "forms")).exit_code == 1


def test_an_unknown_language_is_refused_with_exit_2():
    result = run("--lang", "xx")
    assert result.exit_code == 2
    assert "unknown language 'xx'" in result.output


def test_validate_warns_about_missing_translations_and_still_succeeds(tmp_path, monkeypatch):
    monkeypatch.setenv("REDRESSAL_FORM_TRANSLATIONS", str(tmp_path))  # no translations at all
    result = CliRunner().invoke(
        cli, ["processes", "validate", str(ROOT / "processes"), "--forms", str(ROOT / "forms")]
    )
    assert result.exit_code == 0, result.output
    assert "warning: translations: " in result.output
    assert "(redressal translations report --lang fa)" in result.output
