"""The installed `redressal` console script, run as operators run it: exit codes and the lines they read.

Each command is a new Python process (about a second, mostly imports), so the module shares one database
and runs commands that do not depend on each other side by side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.builders import FIXTURES, ROOT

REDRESSAL = Path(sys.executable).parent / "redressal"
SIX_TASKS = ROOT / "bench" / "six_tasks.bpmn"
LIFECYCLE = FIXTURES / "processes" / "lifecycle.bpmn"
FORMS = FIXTURES / "forms"
GOOD = {"subject": "Fee charged twice", "severity_points": 3, "category": "fees"}


class Cli:
    def __init__(self, database: Path) -> None:
        self.env = {**os.environ, "REDRESSAL_DATABASE_URL": f"sqlite:///{database}"}

    def __call__(self, *args: str | Path) -> subprocess.CompletedProcess:
        [result] = self.parallel(args)
        return result

    def parallel(self, *commands: tuple[str | Path, ...]) -> list[subprocess.CompletedProcess]:
        """Run independent commands at the same time; their results in the order given."""
        procs = [
            (
                command,
                subprocess.Popen(
                    [str(REDRESSAL), *map(str, command)],
                    env=self.env,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for command in commands
        ]
        results = []
        for command, proc in procs:
            out, err = proc.communicate(timeout=60)
            results.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
        return results

    def ok(self, *args: str | Path) -> str:
        result = self(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout


def assert_refused(result: subprocess.CompletedProcess) -> list[str]:
    """Exit code 2, one `error: ` line per problem on stderr, no traceback; the lines."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    return lines


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> Cli:
    run = Cli(tmp_path_factory.mktemp("cli") / "x.sqlite3")
    assert "is up to date" in run.ok("db", "upgrade")
    return run


@pytest.fixture(scope="module")
def deployed(cli) -> str:
    return cli.ok("processes", "deploy", SIX_TASKS, LIFECYCLE, "--forms", FORMS)


def test_installed_script_exists():
    assert REDRESSAL.is_file(), "run `pip install -e .` into the venv"


def test_validate_good_and_bad_files(cli, tmp_path):
    bad = tmp_path / "bad.bpmn"
    text = LIFECYCLE.read_text()
    text = text.replace("<bpmn:script>score =", "<bpmn:script>import os\nscore =")
    text = text.replace('value="assess_form"', 'value="missing_form"')
    bad.write_text(text)
    good, refused, missing = cli.parallel(
        ("processes", "validate", LIFECYCLE, "--forms", FORMS),
        ("processes", "validate", bad, "--forms", FORMS),
        ("processes", "validate", "no/such.bpmn"),
    )
    assert good.returncode == 0
    assert good.stdout.splitlines()[0] == f"ok lifecycle ({LIFECYCLE}): 10 elements, 1 forms"
    assert good.stdout.splitlines()[1].startswith("ok SLA profiles: ")

    lines = assert_refused(refused)
    assert refused.stdout == ""
    task_line = next(n for n, line in enumerate(text.splitlines(), 1) if '<bpmn:userTask id="assess"' in line)
    script_line = text.splitlines().index("      <bpmn:script>import os") + 1
    assert lines == [
        f"error: {bad}:{task_line} (element 'assess'): names the form 'missing_form', "
        "but no forms/missing_form.json was deployed with it",
        f"error: {bad}:{script_line} (element 'calc'): the script does not compile: "
        "Line 1: imports are not allowed; use the helpers now(), today(), add_days(), deadline()",
    ]
    assert assert_refused(missing) == ["error: no/such.bpmn: no such file or folder"]


def test_deploy_twice_then_list(cli, deployed):
    assert deployed == "Process_complaint6 version 1 deployed\nlifecycle version 1 deployed\n"
    again, listed = cli.parallel(
        ("processes", "deploy", SIX_TASKS, LIFECYCLE, "--forms", FORMS), ("processes", "list")
    )
    assert again.stdout == "Process_complaint6 version 1 unchanged\nlifecycle version 1 unchanged\n"
    rows = [line.split()[:2] for line in listed.stdout.splitlines()]
    assert rows == [["Process_complaint6", "v1"], ["lifecycle", "v1"]]


def test_bad_input_is_one_line_and_exit_code_2(cli, deployed, tmp_path):
    role, data, schema = (
        assert_refused(result)
        for result in cli.parallel(
            ("users", "add", "bob", "--role", "wizard"),
            ("cases", "start", "lifecycle", "--data", "{subject: x}"),
            ("cases", "start", "lifecycle", "--data", "[1, 2]"),
        )
    )
    assert role[0].startswith("error: roles: Unknown role(s) wizard; known: ") and len(role) == 1
    assert data == [
        "error: --data is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1)"
    ]
    assert schema == ["error: _schema: Expected an object of field values."]


def test_a_database_without_schema_is_one_line_not_a_traceback(tmp_path):
    lines = assert_refused(Cli(tmp_path / "empty.sqlite3")("processes", "list"))
    assert len(lines) == 1
    assert "no such table" in lines[0] and "redressal db upgrade" in lines[0]


def test_a_case_from_start_to_waiting(cli, deployed):
    assert cli.ok("users", "add", "hana", "--role", "handler", "--group", "handlers") == "user hana saved\n"
    started = json.loads(
        cli.ok("cases", "start", "lifecycle", "--data", '{"subject": "Fees"}', "--as", "hana")
    )
    assert (started["status"], started["stage"]) == ("open", "assessment")
    [task] = started["tasks"]
    assert (task["bpmn_id"], task["group_id"], task["form_id"]) == ("assess", "handlers", "assess_form")

    listed, bad = cli.parallel(
        ("tasks", "list", "--as", "hana"),
        ("tasks", "complete", task["id"], "--data", '{"severity_points": 2.5}', "--as", "hana"),
    )
    assert listed.stdout.startswith(f"{task['id']}  {started['reference']}")
    assert "Assess complaint" in listed.stdout and "group=handlers" in listed.stdout
    assert assert_refused(bad) == [
        "error: subject: This field is required.",
        "error: severity_points: Not a valid integer.",
    ]

    done = json.loads(cli.ok("tasks", "complete", task["id"], "--data", json.dumps(GOOD), "--as", "hana"))
    assert (done["status"], done["tasks"]) == ("awaiting_complainant", [])

    shown, again = cli.parallel(
        ("cases", "show", started["reference"]),
        ("tasks", "complete", task["id"], "--data", json.dumps(GOOD), "--as", "hana"),
    )
    detail = json.loads(shown.stdout)
    assert (detail["reference"], detail["status"], detail["data"]["score"]) == (
        started["reference"],
        "awaiting_complainant",
        6,
    )
    assert [h["action"] for h in detail["history"]] == ["start", "complete_task"]
    assert assert_refused(again) == [
        f"error: task {task['id']} is not waiting for work (done, cancelled or unknown)"
    ]


def test_validate_warns_about_a_deadline_nothing_in_the_process_meets(cli, tmp_path):
    processes = ROOT / "processes"
    text = (processes / "complaint_handling.bpmn").read_text()
    (tmp_path / "complaint_handling.bpmn").write_text(
        text.replace('<spiffworkflow:property name="sla_event" value="acknowledged"/>', "")
    )
    for dmn in processes.glob("*.dmn"):
        (tmp_path / dmn.name).write_text(dmn.read_text())
    shipped, unmarked = cli.parallel(
        ("processes", "validate", processes, "--forms", ROOT / "forms"),
        ("processes", "validate", tmp_path, "--forms", ROOT / "forms"),
    )
    assert shipped.returncode == 0 and "warning" not in shipped.stdout
    assert unmarked.returncode == 0
    (warning,) = [line for line in unmarked.stdout.splitlines() if line.startswith("warning")]
    assert "complaint_handling: deadline 'acknowledge' is met by 'acknowledged'" in warning
    assert "uk_fca" in warning and "no element marks with sla_event" in warning
