"""Checks of process files that SpiffWorkflow does not make, or makes with a message nobody can act on.

Files come from other modelers (Camunda Modeler, Camunda examples): their Camunda attributes, JUEL
expressions, embedded HTML forms and DMN decision graphs mean nothing to SpiffWorkflow 3.2. Each finding
is a sentence naming the element and what to write instead. Attributes the engine merely ignores are
warnings (deployment goes on); what would make a case fail or run differently from what the file says is a
problem.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.core.errors import Problem
from engine.registry.elements import CAMUNDA, Code, local

# --- JUEL (Camunda's expression language) --------------------------------------------------------------

_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.DOTALL)
_JUEL_WORDS = (
    (re.compile(r"&&"), " and "),
    (re.compile(r"\|\|"), " or "),
    (re.compile(r"!(?!=)"), " not "),
    (re.compile(r"\beq\b"), "=="),
    (re.compile(r"\bne\b"), "!="),
    (re.compile(r"\blt\b"), "<"),
    (re.compile(r"\bgt\b"), ">"),
    (re.compile(r"\ble\b"), "<="),
    (re.compile(r"\bge\b"), ">="),
    (re.compile(r"\bnull\b"), "None"),
    (re.compile(r"\btrue\b"), "True"),
    (re.compile(r"\bfalse\b"), "False"),
    (re.compile(r"\bempty\s+(\w+)"), r"not \1"),
)


def juel_as_python(source: str) -> str | None:
    """The Python for a JUEL expression (`${isHoliday}` -> `isHoliday`), or None when it is not JUEL."""
    match = _JUEL.match(source or "")
    if not match:
        return None
    text = match.group(1)
    for pattern, python in _JUEL_WORDS:
        text = pattern.sub(python, text)
    return re.sub(r"\s+", " ", text).strip()


_PYTHON = {"python", "text/python", "application/x-python", "py"}
# Quartz / Camunda cron: 6 or 7 fields of digits, *, ?, /, -, commas, L, W, # and names.
_CRON = re.compile(r"^\s*(?:[0-9*?/,#LW\-A-Za-z]+\s+){5,6}[0-9*?/,#LW\-A-Za-z]+\s*$")


def foreign_code(code: Code) -> str | None:
    """A script in another language, or a cron timer: what to write instead; None otherwise."""
    if code.kind == "script" and code.language and code.language.strip().lower() not in _PYTHON:
        return (
            f'the script is {code.language} (scriptFormat="{code.language}"), but scripts here are Python: '
            'rewrite it in Python and write scriptFormat="python" (or leave it out)'
        )
    if code.what == "timer timeCycle" and _CRON.match(code.source):
        return (
            f"the timer timeCycle {code.source.strip()!r} is a cron expression, which SpiffWorkflow does not "
            'read: write an ISO 8601 repeating interval in quotes, such as "R/PT5M" (every five minutes)'
        )
    return None


# --- Camunda attributes --------------------------------------------------------------------------------

# What to do instead of each Camunda attribute the engine does not read. Attributes not listed get a
# general sentence; camunda:formKey is read (see elements.properties) unless it names an embedded form.
_CAMUNDA_INSTEAD = {
    "assignee": "tasks go to the members of their lane's group (the lane's id is the group's id); "
    "claim or assign them in the inbox",
    "candidateGroups": "put the task in a lane whose id is the group's id",
    "candidateUsers": "put the task in a lane whose id is a group of those users",
    "initiator": "the case records who started it",
    "dueDate": 'give the task a boundary timer, or an SLA deadline (timeDate deadline("name"))',
    "followUpDate": "give the task a non-interrupting boundary timer",
    "priority": "decide priority in a business rule task (see severity_priority.dmn)",
    "asyncBefore": "every engine step is already one transaction",
    "asyncAfter": "every engine step is already one transaction",
    "exclusive": "every engine step is already one transaction",
    "jobPriority": "timers fire oldest first",
    "resultVariable": "a script task sets variables by assignment; a business rule task sets its outputs",
    "decisionRef": "name the decision with spiffworkflow:calledDecisionId",
    "historyTimeToLive": "the audit trail is kept as the retention settings say",
    "versionTag": "each deployment is a new version",
    "isStartableInTasklist": "cases start through the API or the intake",
    "candidateStarterGroups": "who may start cases is decided by roles",
    "candidateStarterUsers": "who may start cases is decided by roles",
    "formHandlerClass": "forms are form-js files in forms/",
    "formRefBinding": "the newest deployment of a process carries its forms",
    "formRefVersion": "the newest deployment of a process carries its forms",
}
_READ = {"formKey"}
# Camunda elements inside extensionElements that the engine ignores, with what to do instead.
_CAMUNDA_EXTENSIONS = {
    "inputOutput": "set variables in a script task before or after the element",
    "executionListener": "put the listener's work into a script task",
    "taskListener": "put the listener's work into a script task",
    "formData": "generated forms are not shown: make the form in the form-js editor, save it as "
    "forms/<id>.json and name it with camunda:formKey",
    "in": "call activities share data with the called process as SpiffWorkflow does",
    "out": "call activities share data with the called process as SpiffWorkflow does",
    "failedJobRetryTimeCycle": "a timer that keeps failing becomes an incident",
    "connector": "the engine calls no services; use a script task",
    "field": "the engine runs no Java delegates; use a script task",
}


def camunda_warnings(file: str, root: etree._Element) -> list[Problem]:
    """A warning for each Camunda attribute or extension the engine ignores, naming the element."""
    warnings: list[Problem] = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        element = _owner_id(node)
        for name, value in node.attrib.items():
            if not name.startswith(f"{{{CAMUNDA}}}"):
                continue
            attr = local(name)
            if attr in _READ:
                continue
            instead = _CAMUNDA_INSTEAD.get(attr)
            if attr in ("class", "expression", "delegateExpression", "type", "topic") and local(node.tag) in (
                "serviceTask",
                "sendTask",
                "businessRuleTask",
            ):
                continue  # such a task is refused with its own sentence
            warnings.append(
                Problem(
                    file,
                    f'camunda:{attr}="{value}" is ignored by this engine'
                    + (f": {instead}" if instead else ""),
                    element,
                    node.sourceline,
                )
            )
        if node.tag.startswith(f"{{{CAMUNDA}}}") and local(node.tag) in _CAMUNDA_EXTENSIONS:
            parent = node.getparent()
            if parent is not None and parent.tag.startswith(f"{{{CAMUNDA}}}"):
                continue  # reported with the outer element
            instead = _CAMUNDA_EXTENSIONS[local(node.tag)]
            warnings.append(
                Problem(
                    file,
                    f"camunda:{local(node.tag)} is ignored by this engine: {instead}",
                    element,
                    node.sourceline,
                )
            )
    return warnings


def _owner_id(node: etree._Element) -> str | None:
    """The id of the nearest element that has one: what a modeler lets you select."""
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def form_key_problem(form_key: str) -> str | None:
    """Why a form key cannot be a form-js file's id, with what to write instead; None when it can."""
    if ":" not in form_key:
        return None
    kind, _, rest = form_key.partition(":")
    name = re.sub(r"\.(html?|form|json)$", "", rest.rsplit("/", 1)[-1].rsplit(":", 1)[-1]) or "review"
    if kind == "camunda-forms":
        return (
            f'camunda:formKey="{form_key}" names a Camunda Form, which is form-js JSON: save it as '
            f'forms/{name}.json (its "id" "{name}") and write camunda:formKey="{name}"'
        )
    return (
        f'camunda:formKey="{form_key}" names an embedded HTML form of Camunda\'s web apps, which this engine '
        f"cannot show: make the form in the form-js editor, save it as forms/{name}.json and write "
        f'camunda:formKey="{name}"'
    )


# --- DMN: what SpiffWorkflow 3.2 can run --------------------------------------------------------------

_DECISION_LOGIC = ("literalExpression", "context", "invocation", "relation", "list", "functionDefinition")


def dmn_problems(file: str, root: etree._Element) -> list[Problem]:
    """SpiffWorkflow 3.2 reads the first decision of a DMN file and runs only its decision table.

    A DMN 1.3 decision requirements graph (several decisions, one requiring another) or a decision written
    as a literal expression would otherwise fail with IndexError or "'list' object has no attribute 'tag'".
    """
    problems: list[Problem] = []
    decisions = [el for el in root if local(el.tag) == "decision"]
    if len(decisions) > 1:
        names = ", ".join(repr(d.get("id")) for d in decisions)
        for extra in decisions[1:]:
            problems.append(
                Problem(
                    file,
                    f"holds {len(decisions)} decisions ({names}), but SpiffWorkflow 3.2 reads one decision "
                    "per DMN file: put each decision table in a file of its own and call them one after "
                    "another from business rule tasks (a later table's inputs read what an earlier one set)",
                    extra.get("id"),
                    extra.sourceline,
                )
            )
    for decision in decisions:
        tables = [el for el in decision if local(el.tag) == "decisionTable"]
        logic = [local(el.tag) for el in decision if local(el.tag) in _DECISION_LOGIC]
        if not tables:
            what = f"a {logic[0]}" if logic else "no decision table"
            problems.append(
                Problem(
                    file,
                    f"the decision {decision.get('id')!r} has {what}, but SpiffWorkflow 3.2 runs only "
                    "decision tables: write it as a decision table, or compute it in a script task (Python)",
                    decision.get("id"),
                    decision.sourceline,
                )
            )
    return problems
