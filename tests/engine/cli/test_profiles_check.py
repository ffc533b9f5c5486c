"""`serve`, `worker` and `processes validate` check the SLA profiles at start (issue 11): a bad file stops
them with one line naming the file, the profile, the deadline and what is wrong, instead of a server that
runs on and fails every intake with a 422."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.deadlines import REQUIRED_DEADLINES
from tests.engine.cli.test_commands import FORMS, LIFECYCLE, Cli, assert_refused
from tests.support.builders import ROOT

PROFILES = ROOT / "processes" / "sla_profiles.toml"


def profiles_file(
    tmp_path: Path, final: str = '{ duration = "P8W", regulatory = true }', **head: str
) -> Path:
    lines = ["[profiles.default]", 'timezone = "Europe/London"', *(f"{k} = {v}" for k, v in head.items())]
    lines.append("[profiles.default.deadlines]")
    lines += [
        f'{d} = {{ duration = "P1D", regulatory = false }}'
        for d in REQUIRED_DEADLINES
        if d != "final_response"
    ]
    if final:
        lines.append(f"final_response = {final}")
    path = tmp_path / "sla_profiles.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(tmp_path / "x.sqlite3")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"final": '{ duration = "P1M", regulatory = true }'},
            "profile 'default', field 'deadlines.final_response.duration': 'P1M' is not a duration",
        ),
        ({"final": ""}, "profile 'default', field 'deadlines': missing final_response;"),
        ({"holidays": '{ country = "XX" }'}, "profile 'default', field 'holidays': Country XX not available"),
    ],
    ids=["month", "missing-deadline", "unknown-holidays"],
)
def test_validate_serve_and_worker_refuse_a_bad_profiles_file(cli, tmp_path, kwargs, expected):
    bad = profiles_file(tmp_path, **kwargs)
    cli.env["REDRESSAL_SLA_PROFILES"] = str(bad)
    cli.env["PORT"] = "0"
    results = cli.parallel(
        ("processes", "validate", LIFECYCLE, "--forms", FORMS),
        ("serve", "--no-scheduler"),
        ("worker",),
    )
    for result in results:
        [line] = assert_refused(result)
        assert line.startswith(f"error: {bad}: {expected}"), (result.args, line)
        assert "listening" not in result.stdout and "worker started" not in result.stdout


def test_validate_takes_the_profiles_file_as_an_option(cli, tmp_path):
    bad = profiles_file(tmp_path, holidays='{ country = "PL", subdivision = "XX" }')
    [line] = assert_refused(cli("processes", "validate", LIFECYCLE, "--forms", FORMS, "--profiles", bad))
    assert line.startswith(f"error: {bad}: profile 'default', field 'holidays': ")


def test_durations_in_seconds_are_allowed(cli, tmp_path):
    good = profiles_file(tmp_path, final='{ duration = "PT8S", regulatory = true }')
    out = cli.ok("processes", "validate", LIFECYCLE, "--forms", FORMS, "--profiles", good)
    assert out.splitlines()[-1] == "ok SLA profiles: 1 profiles"


def test_the_shipped_processes_and_profiles_validate(cli):
    out = cli.ok("processes", "validate", ROOT / "processes", "--forms", ROOT / "forms")
    assert out.splitlines()[-1].startswith("ok SLA profiles: ")


def test_a_decision_that_picks_an_unknown_profile_is_named_with_its_rule(cli, tmp_path):
    folder = tmp_path / "processes"
    folder.mkdir()
    for source in (ROOT / "processes").iterdir():
        if source.suffix in (".bpmn", ".dmn"):
            text = source.read_text()
            if source.name == "sla_profile.dmn":
                text = text.replace('"cn_nfra"', '"cn_nrfa"')
            (folder / source.name).write_text(text)
    dmn = folder / "sla_profile.dmn"
    line_no = next(n for n, line in enumerate(dmn.read_text().splitlines(), 1) if '"cn_nrfa"' in line) - 1
    [line] = assert_refused(
        cli("processes", "validate", folder, "--forms", ROOT / "forms", "--profiles", PROFILES)
    )
    assert line.startswith(
        f"error: {dmn}:{line_no} (element 'Rule_sla_profile_cn_nfra'): the decision 'sla_profile' chooses "
        "the SLA profile 'cn_nrfa', which the profiles file does not define; use one of "
    )
