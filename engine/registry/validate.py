"""Validation of a deployment: every problem found, each located by file, element and line.

SpiffWorkflow's parser stops at the first problem and finds script errors only when a case runs into them;
a process owner wants the whole list before anything is deployed. We parse with SpiffWorkflow, then compile
every expression, script and DMN cell with the restricted compiler, and check each task's form.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn.scripting import check_expression, check_script
from engine.core.errors import Problem, ProcessInvalid
from engine.registry import lint
from engine.registry.bundle import Bundle
from engine.registry.elements import (
    NS,
    Code,
    ProcessElements,
    dmn_cell_expression,
    feel_hint,
    read_bpmn,
    read_dmn_code,
)
from engine.registry.refusals import element_of, reword
from engine.task_forms import properties as form_properties
from engine.task_forms import schema as form_defs


@dataclass
class ParsedProcess:
    """A process ready to deploy: its spec objects, element metadata, forms and content hash."""

    process_id: str
    name: str
    file: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    elements: dict[str, dict]
    properties: dict[str, str]
    forms: dict[str, dict]
    files: dict[str, str]
    content_hash: str
    warnings: list[Problem] = field(default_factory=list)  # attributes of its file the engine ignores


def _parse_xml(name: str, content: bytes, problems: list[Problem]) -> etree._Element | None:
    try:
        return etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(name, f"is not well-formed XML: {exc.msg}", line=exc.lineno))
        return None


def _line_of(root: etree._Element | None, element_id: str | None) -> int | None:
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


_MISSING_TARGET = re.compile(r"perhaps a form has the same ID\? \((.*)\)")
_MISSING_PROCESS = re.compile(r"The process '([^']*)' was not found")


def _problem_from(
    exc: ValidationException,
    roots: dict[str, etree._Element],
    default_file: str,
    refused_decisions: dict[str, str] | None = None,
) -> Problem:
    """SpiffWorkflow's problem, reworded where it misleads and located where it does not say where."""
    file = exc.file_name or default_file
    root = roots.get(file)
    text = re.sub(r"(\s*\.)+$", "", str(exc).split("\n", 1)[0].strip())
    element = exc.id or None
    line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number else None
    missing = _MISSING_TARGET.search(text)
    if missing and root is not None:
        # Spiff names the flow's source and blames "two items"; the flow and its target are what to fix.
        target = missing.group(1)
        flows = root.xpath("//*[local-name()='sequenceFlow'][@targetRef=$t]", t=target)
        if flows:
            element, line = flows[0].get("id"), flows[0].sourceline
        return Problem(
            file,
            f"the sequence flow leads to {target!r}, but there is no element with that id",
            element,
            line,
        )
    called = _MISSING_PROCESS.search(text)
    if called and root is not None and not element:
        calls = root.xpath("//*[local-name()='callActivity'][@calledElement=$p]", p=called.group(1))
        if calls:
            element, line = calls[0].get("id"), calls[0].sourceline
        return Problem(
            file, f"calls the process {called.group(1)!r}, which was not deployed with it", element, line
        )
    store = re.match(r"Data Store with name (.*) has no implementation", text)
    if store and root is not None and not element:
        found = root.xpath("//*[local-name()='dataStore'][@name=$n]", n=store.group(1).strip())
        if found:
            element, line = found[0].get("id"), found[0].sourceline
    node = element_of(root, element)
    called = _called_decision(node)
    if called and refused_decisions and called in refused_decisions:
        message = (
            f"calls the decision {called!r} of {refused_decisions[called]}, which SpiffWorkflow 3.2 cannot "
            "run (see the problem reported for that file)"
        )
    else:
        message = reword(text, node)
    return Problem(file, message, element=element, line=line or _line_of(root, element))


def _called_decision(node: etree._Element | None) -> str | None:
    if node is None or etree.QName(node).localname != "businessRuleTask":
        return None
    found = node.xpath(".//spiffworkflow:calledDecisionId/text()", namespaces=NS)
    return found[0].strip() if found else None


# `P10D` or `2026-12-01T09:00:00Z` without quotes: the most common timer mistake, which would otherwise
# compile (as a name) and fail only when a case reaches the timer, or fail with a confusing message.
_BARE_ISO = re.compile(r"^\s*(R\d*/)?(P[\dYMWDTHS.]+|\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?)\s*$")


def _check_code(code: Code) -> str | None:
    """The sentence saying why this code cannot run, or None."""
    foreign = lint.foreign_code(code)
    if foreign:
        return foreign
    python = lint.juel_as_python(code.source)
    if python is not None:
        return (
            f"the {code.what} {code.source.strip()!r} is JUEL (Camunda's expression language), but "
            f"expressions here are Python: write Python: `{python}`"
        )
    if code.kind == "script":
        reason = check_script(code.source)
    elif code.kind == "dmn-cell":
        hint = feel_hint(code.source)
        if hint:
            return f"the {code.what} {code.source!r} is FEEL, but cells here are Python: {hint}"
        expression = dmn_cell_expression(code.source)
        if "?" not in code.source and re.match(r"[A-Za-z_]", code.source) and check_expression(code.source):
            # SpiffWorkflow appends such a cell to the input without a space: `category` + `in (...)`
            # compiles as the name `categoryin` and fails in every case that reaches the table.
            return (
                f"the {code.what} {code.source!r} starts with a word, which SpiffWorkflow joins to the "
                f"input without a space; write `? {code.source}`"
            )
        reason = check_expression(expression)
    elif code.what.startswith("timer") and _BARE_ISO.match(code.source):
        text = code.source.strip()
        return f'the {code.what} is a Python expression, so the ISO 8601 text {text} needs quotes: "{text}"'
    else:
        reason = check_expression(code.source)
    return f"the {code.what} does not compile: {reason}" if reason else None


def validate_bundle(bundle: Bundle) -> list[ParsedProcess]:
    """Parse and check everything; raise ProcessInvalid listing every problem, or return the processes."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    roots: dict[str, etree._Element] = {}
    parser = SpiffBpmnParser()
    decisions: dict[str, str] = {}
    refused_decisions: dict[str, str] = {}  # decision id -> the DMN file SpiffWorkflow cannot run
    code: list[Code] = []

    for name, content in bundle.dmn.items():
        root = _parse_xml(name, content, problems)
        if root is None:
            continue
        roots[name] = root
        ids, cells = read_dmn_code(name, root)
        for decision_id in ids:
            decisions[decision_id] = name
        code.extend(cells)
        unrunnable = lint.dmn_problems(name, root)
        if unrunnable:
            problems.extend(unrunnable)
            refused_decisions.update(dict.fromkeys(ids, name))
        try:
            parser.add_dmn_xml(root, filename=name)
        except ValidationException as exc:
            problems.append(_problem_from(exc, roots, name, refused_decisions))
        except Exception as exc:  # SpiffWorkflow raises plain errors for some malformed tables
            problems.append(Problem(name, f"cannot be read as a DMN decision table: {exc}"))

    processes: list[ProcessElements] = []
    for name, content in bundle.bpmn.items():
        root = _parse_xml(name, content, problems)
        if root is None:
            continue
        roots[name] = root
        found = read_bpmn(name, root)
        processes.extend(found)
        warnings.extend(lint.camunda_warnings(name, root))
        if not found:
            problems.append(Problem(name, "defines no bpmn:process"))
        try:
            parser.add_bpmn_xml(root, filename=name)
        except ValidationException as exc:
            problems.append(_problem_from(exc, roots, name, refused_decisions))
        except Exception as exc:  # never a traceback: name the file, and what SpiffWorkflow said
            problems.append(Problem(name, reword(f"{type(exc).__name__}: {exc}", None)))

    forms = _load_forms(bundle, problems)
    executable = set(parser.get_process_ids())
    parsed: list[ParsedProcess] = []
    for pe in processes:
        problems.extend(_check_elements(pe, forms, decisions))
        for c in pe.code:
            reason = _check_code(c)
            if reason:
                problems.append(Problem(c.file, reason, c.element, c.line))
        if pe.process_id not in executable:
            continue
        try:
            spec = parser.get_spec(pe.process_id)
            subs = parser.get_subprocess_specs(pe.process_id)
        except ValidationException as exc:
            problems.append(_problem_from(exc, roots, pe.file, refused_decisions))
            continue
        except Exception as exc:  # never a traceback: name the file and the process
            problems.append(
                Problem(pe.file, reword(f"{type(exc).__name__}: {exc}", None), pe.process_id, pe.line)
            )
            continue
        used_forms = {e["form_id"] for e in pe.elements.values() if e["form_id"]} & set(forms)
        parsed.append(_parsed(pe, spec, subs, bundle, {f: forms[f][1] for f in sorted(used_forms)}, forms))
        parsed[-1].warnings = [w for w in warnings if w.file == pe.file]
    for c in code:
        reason = _check_code(c)
        if reason:
            problems.append(Problem(c.file, reason, c.element, c.line))
    if problems:
        raise ProcessInvalid(_dedupe(problems), warnings)
    if not parsed:
        raise ProcessInvalid(
            [Problem(", ".join(bundle.bpmn), 'has no executable process (isExecutable="true")')]
        )
    return parsed


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def _load_forms(bundle: Bundle, problems: list[Problem]) -> dict[str, tuple[str, dict]]:
    forms: dict[str, tuple[str, dict]] = {}
    for name, content in bundle.forms.items():
        form_id = PurePath(name).stem
        try:
            definition = json.loads(content)
        except ValueError as exc:
            problems.append(Problem(name, f"is not valid JSON: {exc}"))
            continue
        # The engine's own properties are read only from a definition form-js could read.
        messages = form_defs.check_definition(form_id, definition)
        for message in messages or form_properties.check_properties(definition):
            problems.append(Problem(name, f"form {form_id!r}: {message}"))
        forms[form_id] = (name, definition)
    return forms


def _check_elements(pe: ProcessElements, forms: dict, decisions: dict[str, str]) -> list[Problem]:
    problems = []
    for element_id, el in pe.elements.items():
        if el["event_subprocess"]:
            problems.append(
                Problem(
                    pe.file,
                    "event subprocesses are not supported (in SpiffWorkflow 3.2 an interrupting one does not "
                    "end the process); use interrupting boundary events on the waiting elements instead",
                    element_id,
                    el["line"],
                )
            )
        embedded = lint.form_key_problem(el["form_id"]) if el["form_id"] else None
        if embedded:
            problems.append(Problem(pe.file, embedded, element_id, el["line"]))
        elif el["form_id"] and el["form_id"] not in forms:
            problems.append(
                Problem(
                    pe.file,
                    f"names the form {el['form_id']!r}, "
                    f"but no forms/{el['form_id']}.json was deployed with it",
                    element_id,
                    el["line"],
                )
            )
    return problems


def _parsed(
    pe: ProcessElements, spec, subs, bundle: Bundle, used: dict[str, dict], forms: dict[str, tuple[str, dict]]
) -> ParsedProcess:
    files = {pe.file: bundle.bpmn[pe.file].decode()}
    files.update({name: content.decode() for name, content in bundle.dmn.items()})
    files.update({forms[f][0]: bundle.forms[forms[f][0]].decode() for f in used})
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(PurePath(name).name.encode() + b"\0" + files[name].encode() + b"\0")
    return ParsedProcess(
        process_id=pe.process_id,
        name=pe.name,
        file=pe.file,
        spec=spec,
        subprocess_specs=subs,
        elements=pe.elements,
        properties=pe.properties,
        forms=used,
        files=files,
        content_hash=digest.hexdigest(),
    )
