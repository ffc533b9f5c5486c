"""`redressal translations report`: one line per missing or stale text, exit 1 when anything is missing."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import cli
from tests.support.builders import ROOT


def run(*args: str):
    return CliRunner().invoke(
        cli,
        [
            "translations",
            "report",
            "--forms",
            str(ROOT / "forms"),
            "--processes",
            str(ROOT / "processes"),
            *args,
        ],
    )


def test_a_complete_form_reports_nothing_and_exits_0():
    result = run("--form", "complaint_intake", "--lang", "fa")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "translations: nothing missing"


def test_missing_texts_are_listed_by_language_and_file_and_exit_1():
    result = run("--form", "closing", "--lang", "pl")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("translations: ") and "missing" in lines[-1]
    assert any(
        line.startswith("pl ")
        and "translations/pl/closing.json: missing outcome:values.upheld: 'Upheld'" in line
        for line in lines
    ), result.output


def test_an_unknown_language_is_refused_with_exit_2():
    result = run("--lang", "xx")
    assert result.exit_code == 2
    assert "unknown language 'xx'" in result.output


def test_validate_warns_about_missing_translations_and_still_succeeds():
    result = CliRunner().invoke(
        cli, ["processes", "validate", str(ROOT / "processes"), "--forms", str(ROOT / "forms")]
    )
    assert result.exit_code == 0, result.output
    assert "warning: translations: " in result.output
    assert "(redressal translations report --lang fa)" in result.output
