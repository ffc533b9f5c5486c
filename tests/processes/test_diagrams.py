"""Static checks of the process models in processes/ and the forms in forms/.

The diagrams are data that process owners edit in a modeler, so these checks guard what the engine relies on
(lanes are groups, stage/iso_clause properties, form ids, message names, withdrawal on every waiting element)
and what a person sees when opening a file (every element drawn, no overlaps, elements inside their lane).
Each check returns a list of problems; the second half of the file breaks a copy of the files once per check
to prove that the check can fail.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import warnings
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

ROOT = Path(__file__).resolve().parents[2]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
FLOW_NODE_TAGS = {
    "startEvent",
    "endEvent",
    "intermediateThrowEvent",
    "intermediateCatchEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "businessRuleTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "subProcess",
    "callActivity",
}
GROUPS = {"handlers", "supervisors", "safety", "disputes"}
MESSAGES = {
    "complainant_accept",
    "complainant_reject",
    "complainant_information",
    "withdraw",
    "provider_notice",
    "provider_outcome",
    "dispute_start",
    "dispute_closed",
    "deadline_passed",  # delivered by the engine when a watched deadline passes
}
STAGES = {
    "complaint_handling": {
        "receipt",
        "acknowledgement",
        "assessment",
        "immediate_action",
        "investigation",
        "awaiting_information",
        "response",
        "approval",
        "decision",
        "awaiting_complainant_answer",
        "escalated",
        "closing",
    },
    "dispute_resolution": {
        "referral",
        "notice",
        "evaluation",
        "resolution",
        "decision",
        "implementation",
        "closing",
    },
}
OUTCOMES = {"withdrawn", "uncontactable", "merged"}
FORM_TYPES = {
    "textfield",
    "textarea",
    "number",
    "checkbox",
    "select",
    "radio",
    "datetime",
    "checklist",
    "text",
    "group",
}
FORBIDDEN_NAMES = {
    "dir",
    "eval",
    "exec",
    "open",
    "getattr",
    "setattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "compile",
    "__import__",
    "breakpoint",
    "input",
}


# ----------------------------------------------------------------------------------------------- helpers
def bpmn_files(root: Path) -> list[Path]:
    return sorted((root / "processes").glob("*.bpmn"))


def dmn_files(root: Path) -> list[Path]:
    return sorted((root / "processes").glob("*.dmn"))


def local(el) -> str:
    return etree.QName(el).localname


def flow_nodes(doc):
    return [el for el in doc.iter(f"{{{BPMN}}}*") if local(el) in FLOW_NODE_TAGS]


def properties(el) -> dict[str, str]:
    return {
        p.get("name"): p.get("value")
        for p in el.xpath(
            "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS
        )
    }


def bounds(doc) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for shape in doc.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        out[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return out


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and outer[1] <= inner[1]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def parsed(root: Path):
    return [(path, etree.parse(str(path))) for path in bpmn_files(root)]


def process_id(doc) -> str:
    return doc.find("bpmn:process", NS).get("id")


# ----------------------------------------------------------------------------------------------- checks
def check_parse(root: Path) -> list[str]:
    """SpiffWorkflow parses every file and builds every executable process."""
    parser = SpiffBpmnParser()
    executable = [
        p.get("id")
        for _, doc in parsed(root)
        for p in doc.iterfind("bpmn:process", NS)
        if p.get("isExecutable") == "true"
    ]
    if not executable:
        return ["no executable process"]
    try:
        with warnings.catch_warnings():
            # messageVariable/messagePayload sit on the catching/throwing elements, where SpiffWorkflow 3.2.0
            # reads them; the old place (bpmn:message) would warn, and a warning here is a failure.
            warnings.simplefilter("error", DeprecationWarning)
            parser.add_dmn_files([str(p) for p in dmn_files(root)])
            parser.add_bpmn_files([str(p) for p in bpmn_files(root)])
            for pid in executable:
                parser.get_spec(pid)
                parser.get_subprocess_specs(pid)
    except Exception as exc:  # ValidationException and friends: report them, do not crash the check
        return [f"{type(exc).__name__}: {exc}"]
    return []


def check_di(root: Path) -> list[str]:
    """Every flow node, lane and participant is drawn, and every sequence flow has waypoints."""
    problems = []
    for path, doc in parsed(root):
        shapes = bounds(doc)
        edges = {
            e.get("bpmnElement"): e.findall("di:waypoint", NS) for e in doc.iterfind(".//bpmndi:BPMNEdge", NS)
        }
        for el in flow_nodes(doc) + doc.findall(".//bpmn:lane", NS) + doc.findall(".//bpmn:participant", NS):
            if el.get("id") not in shapes:
                problems.append(f"{path.name}: {el.get('id')} has no BPMNShape")
        for flow in doc.iterfind(".//bpmn:sequenceFlow", NS):
            if len(edges.get(flow.get("id"), [])) < 2:
                problems.append(f"{path.name}: sequence flow {flow.get('id')} has no BPMNEdge with waypoints")
    return problems


def check_overlap(root: Path) -> list[str]:
    """No two shapes (other than boundary events on their task) overlap."""
    problems = []
    for path, doc in parsed(root):
        shapes = bounds(doc)
        nodes = [
            el.get("id") for el in flow_nodes(doc) if local(el) != "boundaryEvent" and el.get("id") in shapes
        ]
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                if overlap(shapes[a], shapes[b]):
                    problems.append(f"{path.name}: {a} overlaps {b}")
    return problems


def check_lane_bounds(root: Path) -> list[str]:
    """Every flow node is in exactly one lane and drawn inside that lane's band."""
    problems = []
    for path, doc in parsed(root):
        shapes = bounds(doc)
        lane_of = {}
        for lane in doc.iterfind(".//bpmn:lane", NS):
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                if ref.text in lane_of:
                    problems.append(
                        f"{path.name}: {ref.text} is in lanes {lane_of[ref.text]} and {lane.get('id')}"
                    )
                lane_of[ref.text] = lane.get("id")
        for el in flow_nodes(doc):
            nid = el.get("id")
            if nid not in lane_of:
                problems.append(f"{path.name}: {nid} is in no lane")
            elif nid in shapes and lane_of[nid] in shapes and not inside(shapes[nid], shapes[lane_of[nid]]):
                problems.append(f"{path.name}: {nid} is drawn outside lane {lane_of[nid]}")
    return problems


def check_properties(root: Path) -> list[str]:
    """Every flow node has a name, a known stage and an iso_clause; fixed outcomes and statuses are known."""
    problems = []
    for path, doc in parsed(root):
        stages = STAGES.get(process_id(doc), set())
        for el in flow_nodes(doc):
            props = properties(el)
            if not (el.get("name") or "").strip():
                problems.append(f"{path.name}: {el.get('id')} has no name (label)")
            if props.get("stage") not in stages:
                problems.append(f"{path.name}: {el.get('id')} has stage {props.get('stage')!r}")
            if not re.fullmatch(r"\d+(\.\d+)+", props.get("iso_clause") or ""):
                problems.append(f"{path.name}: {el.get('id')} has iso_clause {props.get('iso_clause')!r}")
            if "outcome" in props and (local(el) != "endEvent" or props["outcome"] not in OUTCOMES):
                problems.append(f"{path.name}: {el.get('id')} has outcome {props['outcome']!r}")
            if "status" in props and props["status"] != "awaiting_complainant":
                problems.append(f"{path.name}: {el.get('id')} has status {props['status']!r}")
    return problems


def check_forms(root: Path) -> list[str]:
    """Every user task (and a start event with a form) names an existing form; forms are well formed."""
    problems = []
    forms = {}
    for path in sorted((root / "forms").glob("*.json")):
        form = json.loads(path.read_text(encoding="utf-8"))
        forms[path.stem] = form
        if form.get("id") != path.stem:
            problems.append(f"forms/{path.name}: id {form.get('id')!r} differs from the file name")
        if form.get("type") != "default" or not isinstance(form.get("schemaVersion"), int):
            problems.append(f"forms/{path.name}: not a form-js schema")
        stack = list(form.get("components", []))
        while stack:
            comp = stack.pop()
            kind = comp.get("type")
            if kind not in FORM_TYPES:
                problems.append(f"forms/{path.name}: component type {kind!r} is not allowed")
            if kind == "group":
                stack.extend(comp.get("components", []))
            elif kind != "text":
                key = comp.get("key") or ""
                pattern = (
                    r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?"
                    if path.stem == "complaint_intake"
                    else r"[a-z][a-z0-9_]*"
                )
                if not re.fullmatch(pattern, key) or not comp.get("label"):
                    problems.append(f"forms/{path.name}: field {key!r} needs a snake_case key and a label")
    for path, doc in parsed(root):
        for el in flow_nodes(doc):
            key = properties(el).get("formKey")
            if local(el) == "userTask" and not key:
                problems.append(f"{path.name}: user task {el.get('id')} names no form")
            if key and key not in forms:
                problems.append(f"{path.name}: {el.get('id')} names form {key!r}, which is not in forms/")
    return problems


def check_lane_ids(root: Path) -> list[str]:
    """Lane ids are group ids. SpiffWorkflow exposes the lane *name*, so names must be unique too."""
    problems = []
    for path, doc in parsed(root):
        lanes = doc.findall(".//bpmn:lane", NS)
        if not lanes:
            problems.append(f"{path.name}: no lanes")
        names = [lane.get("name") for lane in lanes]
        for lane in lanes:
            if lane.get("id") not in GROUPS:
                problems.append(f"{path.name}: lane id {lane.get('id')!r} is not a documented group")
            if not lane.get("name") or names.count(lane.get("name")) > 1:
                problems.append(f"{path.name}: lane {lane.get('id')} needs a unique name")
    return problems


def check_messages(root: Path) -> list[str]:
    """Messages have documented names; caught ones land in data under their own name; no correlation."""
    problems = []
    for path, doc in parsed(root):
        names = {m.get("id"): m.get("name") for m in doc.iterfind("bpmn:message", NS)}
        for name in names.values():
            if name not in MESSAGES:
                problems.append(f"{path.name}: message name {name!r} is not documented")
        for ref in doc.xpath(
            "//bpmn:messageEventDefinition/@messageRef | //bpmn:receiveTask/@messageRef", namespaces=NS
        ):
            owner = ref.getparent()
            event = owner.getparent() if local(owner) == "messageEventDefinition" else owner
            if local(event) in ("intermediateThrowEvent", "endEvent"):
                continue
            name = names.get(str(ref))
            var = owner.findtext("bpmn:extensionElements/spiffworkflow:messageVariable", namespaces=NS)
            if var != name:
                problems.append(
                    f"{path.name}: {event.get('id')} catches {name!r} but its messageVariable is {var!r}"
                )
        if (
            doc.find(".//bpmn:correlationProperty", NS) is not None
            or doc.find(".//spiffworkflow:processVariableCorrelation", NS) is not None
        ):
            problems.append(f"{path.name}: correlations are not used (the engine addresses one case)")
    return problems


def check_no_event_subprocess(root: Path) -> list[str]:
    """Event subprocesses misbehave in SpiffWorkflow 3.2.0 (shared spec mutated, no cancellation)."""
    return [
        f"{path.name}: {sp.get('id')} is an event subprocess"
        for path, doc in parsed(root)
        for sp in doc.iterfind(".//bpmn:subProcess", NS)
        if sp.get("triggeredByEvent") == "true"
    ]


def check_withdrawal(root: Path) -> list[str]:
    """Every user task and every waiting element has an interrupting withdraw boundary event."""
    problems = []
    for path, doc in parsed(root):
        messages = {m.get("id"): m.get("name") for m in doc.iterfind("bpmn:message", NS)}
        withdrawable = set()
        for b in doc.iterfind(".//bpmn:boundaryEvent", NS):
            med = b.find("bpmn:messageEventDefinition", NS)
            if (
                med is not None
                and messages.get(med.get("messageRef")) == "withdraw"
                and b.get("cancelActivity", "true") == "true"
            ):
                withdrawable.add(b.get("attachedToRef"))
        for el in doc.xpath("//bpmn:userTask | //bpmn:receiveTask", namespaces=NS):
            if el.get("id") not in withdrawable:
                problems.append(f"{path.name}: {el.get('id')} cannot be withdrawn")
        for el in doc.iterfind(".//bpmn:intermediateCatchEvent", NS):
            problems.append(
                f"{path.name}: {el.get('id')} waits without a withdraw boundary (use a receive task)"
            )
    return problems


def check_gateways(root: Path) -> list[str]:
    """Exclusive gateways that branch have a default flow and conditions on the other flows."""
    problems = []
    for path, doc in parsed(root):
        flows = {f.get("id"): f for f in doc.iterfind(".//bpmn:sequenceFlow", NS)}
        for gw in doc.iterfind(".//bpmn:exclusiveGateway", NS):
            outgoing = [flows[o.text] for o in gw.iterfind("bpmn:outgoing", NS) if o.text in flows]
            if len(outgoing) < 2:
                continue
            if gw.get("default") not in {f.get("id") for f in outgoing}:
                problems.append(f"{path.name}: gateway {gw.get('id')} has no default flow")
            for f in outgoing:
                if not f.get("name"):
                    problems.append(f"{path.name}: flow {f.get('id')} out of {gw.get('id')} has no label")
                if f.get("id") != gw.get("default") and f.find("bpmn:conditionExpression", NS) is None:
                    problems.append(f"{path.name}: flow {f.get('id')} out of {gw.get('id')} has no condition")
    return problems


def _expression_problems(where: str, text: str, mode: str) -> list[str]:
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        return [f"{where}: {exc.msg} in {text!r}"]
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            problems.append(f"{where}: imports are not allowed")
        elif isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id.startswith("_")):
            problems.append(f"{where}: {node.id!r} is not available in restricted scripts")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            problems.append(f"{where}: private attribute {node.attr!r}")
    return problems


def _dmn_cell_problems(where: str, text: str) -> list[str]:
    """SpiffWorkflow compares with == when a cell parses alone, else appends it to the input expression."""
    text = text.strip()
    if text in ("", "-"):
        return []
    if "?" in text:
        return _expression_problems(where, text.replace("?", "dmn_input"), "eval")
    try:
        ast.parse(text, mode="eval")
        return _expression_problems(where, text, "eval")
    except SyntaxError:
        if text.startswith("in ") or text.startswith("not "):
            return [f"{where}: write {text!r} as '? {text}' (SpiffWorkflow joins it without a space)"]
        return _expression_problems(where, "dmn_input " + text, "eval")


def check_expressions(root: Path) -> list[str]:
    """Conditions, scripts, timer expressions, payloads and DMN cells are valid restricted Python."""
    problems = []
    for path, doc in parsed(root):
        for el in doc.iterfind(".//bpmn:conditionExpression", NS):
            problems += _expression_problems(f"{path.name} condition", el.text or "", "eval")
        for el in doc.iterfind(".//bpmn:timeDate", NS):
            problems += _expression_problems(f"{path.name} timeDate", el.text or "", "eval")
        for el in doc.iterfind(".//spiffworkflow:messagePayload", NS):
            problems += _expression_problems(f"{path.name} payload", el.text or "", "eval")
        for el in doc.iterfind(".//bpmn:scriptTask", NS):
            problems += _expression_problems(
                f"{path.name} {el.get('id')}", el.findtext("bpmn:script", "", NS), "exec"
            )
    for path in dmn_files(root):
        doc = etree.parse(str(path))
        if len(doc.findall(".//dmn:decision", NS)) != 1:
            problems.append(f"{path.name}: SpiffWorkflow 3.2.0 reads exactly one decision per file")
        for table in doc.iterfind(".//dmn:decisionTable", NS):
            if table.get("hitPolicy", "UNIQUE") not in ("FIRST", "UNIQUE"):
                problems.append(f"{path.name}: hit policy {table.get('hitPolicy')} behaves as FIRST")
        for el in doc.iterfind(".//dmn:inputExpression/dmn:text", NS):
            problems += _expression_problems(f"{path.name} input", el.text or "", "eval")
        for el in doc.iterfind(".//dmn:inputEntry/dmn:text", NS):
            problems += _dmn_cell_problems(f"{path.name} input entry", el.text or "")
        for el in doc.iterfind(".//dmn:outputEntry/dmn:text", NS):
            problems += _expression_problems(f"{path.name} output entry", el.text or "", "eval")
    return problems


CHECKS = {
    "parse": check_parse,
    "di": check_di,
    "overlap": check_overlap,
    "lane_bounds": check_lane_bounds,
    "properties": check_properties,
    "forms": check_forms,
    "lane_ids": check_lane_ids,
    "messages": check_messages,
    "no_event_subprocess": check_no_event_subprocess,
    "withdrawal": check_withdrawal,
    "gateways": check_gateways,
    "expressions": check_expressions,
}


def test_there_are_processes_and_forms():
    assert {p.stem for p in bpmn_files(ROOT)} >= {"complaint_handling", "dispute_resolution"}
    assert {p.stem for p in dmn_files(ROOT)} >= {"sla_profile", "severity_priority", "routing_group"}
    assert (ROOT / "forms" / "complaint_intake.json").exists()


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_processes(name):
    assert CHECKS[name](ROOT) == []


# ----------------------------------------------------------------------------------------------- mutations
def _edit_bpmn(root: Path, xpath: str, change, file: str = "complaint_handling.bpmn"):
    path = root / "processes" / file
    doc = etree.parse(str(path))
    targets = doc.xpath(xpath, namespaces=NS)
    assert targets, xpath
    change(targets[0], doc)
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")


def _set(attr, value):
    return lambda el, doc: el.set(attr, value)


def _remove(el, doc):
    el.getparent().remove(el)


def _move_onto_investigate(el, doc):
    target = doc.xpath("//bpmndi:BPMNShape[@bpmnElement='investigate']/dc:Bounds", namespaces=NS)[0]
    el.set("x", target.get("x"))
    el.set("y", target.get("y"))


def _add_event_subprocess(el, doc):
    etree.SubElement(el, f"{{{BPMN}}}subProcess", id="sp_withdraw", triggeredByEvent="true")


def _edit_form(root: Path, name: str, change):
    path = root / "forms" / f"{name}.json"
    form = json.loads(path.read_text(encoding="utf-8"))
    change(form)
    path.write_text(json.dumps(form), encoding="utf-8")


USER_TASK_PROP = "//bpmn:userTask[@id='investigate']/bpmn:extensionElements/spiffworkflow:properties/"
MUTATIONS = {
    "parse": lambda r: _edit_bpmn(r, "//bpmn:sequenceFlow[@id='f_start']", _set("targetRef", "nowhere")),
    "di": lambda r: _edit_bpmn(r, "//bpmndi:BPMNShape[@bpmnElement='assess']", _remove),
    "overlap": lambda r: _edit_bpmn(
        r, "//bpmndi:BPMNShape[@bpmnElement='response']/dc:Bounds", _move_onto_investigate
    ),
    "lane_bounds": lambda r: _edit_bpmn(
        r, "//bpmndi:BPMNShape[@bpmnElement='approve']/dc:Bounds", _set("y", "5000")
    ),
    "properties": lambda r: _edit_bpmn(r, USER_TASK_PROP + "spiffworkflow:property[@name='stage']", _remove),
    "forms": lambda r: _edit_form(r, "closing", lambda f: f.update(id="close")),
    "lane_ids": lambda r: _edit_bpmn(r, "//bpmn:lane[@id='safety']", _set("id", "engineers")),
    "messages": lambda r: _edit_bpmn(r, "//bpmn:message[@name='withdraw']", _set("name", "cancel")),
    "no_event_subprocess": lambda r: _edit_bpmn(r, "//bpmn:process", _add_event_subprocess),
    "withdrawal": lambda r: _edit_bpmn(
        r,
        "//bpmn:boundaryEvent[@id='response_withdrawn']",
        _set("attachedToRef", "investigate"),
    ),
    "gateways": lambda r: _edit_bpmn(r, "//bpmn:exclusiveGateway[@id='gw_approval']", _set("default", "")),
    "expressions": lambda r: _edit_bpmn(
        r,
        "//bpmn:scriptTask[@id='init_case']/bpmn:script",
        lambda el, doc: setattr(el, "text", "reminders = 0 if 'x' in dir() else 1"),
    ),
}
EXTRA_MUTATIONS = {
    "forms: unknown form": (
        "forms",
        lambda r: _edit_bpmn(
            r, USER_TASK_PROP + "spiffworkflow:property[@name='formKey']", _set("value", "no_such_form")
        ),
    ),
    "forms: component type": (
        "forms",
        lambda r: _edit_form(
            r,
            "approval",
            lambda f: f["components"].append({"type": "filepicker", "key": "file", "label": "File"}),
        ),
    ),
    "messages: variable": (
        "messages",
        lambda r: _edit_bpmn(
            r,
            "//bpmn:receiveTask[@messageRef='msg_dispute_closed']//spiffworkflow:messageVariable",
            lambda el, doc: setattr(el, "text", "result"),
        ),
    ),
    "expressions: syntax": (
        "expressions",
        lambda r: _edit_bpmn(
            r,
            "//bpmn:sequenceFlow[@id='f_needs_approval']/bpmn:conditionExpression",
            lambda el, doc: setattr(el, "text", "severity = 'high'"),
        ),
    ),
    "expressions: dmn cell": (
        "expressions",
        lambda r: (r / "processes" / "routing_group.dmn").write_text(
            (r / "processes" / "routing_group.dmn")
            .read_text()
            .replace('<text>"critical"</text>', '<text>in ["critical"]</text>')
        ),
    ),
    "properties: name": (
        "properties",
        lambda r: _edit_bpmn(r, "//bpmn:exclusiveGateway[@id='gw_approval']", _set("name", "")),
    ),
    "properties: outcome": (
        "properties",
        lambda r: _edit_bpmn(
            r,
            "//bpmn:endEvent[@id='end_merged']//spiffworkflow:property[@name='outcome']",
            _set("value", "closed"),
        ),
    ),
}


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "processes").mkdir()
    for path in bpmn_files(ROOT) + dmn_files(ROOT):
        shutil.copy(path, tmp_path / "processes" / path.name)
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    return tmp_path


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_check_catches_a_broken_copy(tmp_path, name):
    root = _copy(tmp_path)
    assert CHECKS[name](root) == []
    MUTATIONS[name](root)
    assert CHECKS[name](root), f"check {name} did not notice the broken copy"


@pytest.mark.parametrize("label", sorted(EXTRA_MUTATIONS))
def test_check_catches_more_breakage(tmp_path, label):
    name, mutate = EXTRA_MUTATIONS[label]
    root = _copy(tmp_path)
    mutate(root)
    assert CHECKS[name](root), f"check {name} did not notice: {label}"
