"""What the engine needs to know about each BPMN element, read straight from the XML.

SpiffWorkflow keeps lanes by name and reads only `spiffworkflow:` extensions. Process owners also bring files
from Camunda Modeler, and lanes are addressed by id (a lane's id is a group's id), so we read the few facts
we need ourselves: lane id, form key, and the extension properties that say status, stage, ISO clause and
outcome. The same walk yields every piece of code in the file, with its line, for checking at deploy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF, "camunda": CAMUNDA}

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "serviceTask",
        "businessRuleTask",
        "sendTask",
        "receiveTask",
        "callActivity",
        "subProcess",
        "transaction",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
    }
)


@dataclass
class Code:
    """One piece of Python in a process file: where it is and how it runs."""

    file: str
    element: str
    line: int | None
    kind: str  # "expression" or "script"
    source: str
    what: str  # e.g. "condition", "timer", "script", "DMN input entry"
    language: str | None = None  # a script task's scriptFormat, when it names one


@dataclass
class ProcessElements:
    process_id: str
    name: str
    file: str
    properties: dict[str, str]
    elements: dict[str, dict] = field(default_factory=dict)
    code: list[Code] = field(default_factory=list)
    line: int | None = None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def properties(node: etree._Element) -> dict[str, str]:
    """Extension properties, Spiff's or Camunda's; a formKey attribute counts as the property formKey."""
    props: dict[str, str] = {}
    for prop in node.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
        " | ./bpmn:extensionElements/camunda:properties/camunda:property",
        namespaces=NS,
    ):
        name = prop.get("name")
        if name:
            props[name] = prop.get("value", "")
    camunda_form = node.get(f"{{{CAMUNDA}}}formKey")
    if camunda_form and "formKey" not in props:
        props["formKey"] = camunda_form
    return props


def read_bpmn(file: str, root: etree._Element) -> list[ProcessElements]:
    lanes: dict[str, str] = {}
    for ref in root.xpath("//bpmn:lane/bpmn:flowNodeRef", namespaces=NS):
        lanes[(ref.text or "").strip()] = ref.getparent().get("id")
    messages = {m.get("id"): m for m in root.xpath("//bpmn:message", namespaces=NS)}
    result = []
    for proc in root.xpath("//bpmn:process", namespaces=NS):
        pe = ProcessElements(
            process_id=proc.get("id"),
            name=proc.get("name") or proc.get("id"),
            file=file,
            properties=properties(proc),
            line=proc.sourceline,
        )
        for node in proc.iter():
            tag = local(node.tag)
            if tag not in FLOW_NODES:
                continue
            node_id = node.get("id")
            props = properties(node)
            pe.elements[node_id] = {
                "name": node.get("name") or "",
                "type": tag,
                "group_id": lanes.get(node_id),
                "form_id": props.get("formKey"),
                "stage": props.get("stage"),
                "status": props.get("status"),
                "iso_clause": props.get("iso_clause"),
                "outcome": props.get("outcome"),
                "attached_to": node.get("attachedToRef"),
                "line": node.sourceline,
                "event_subprocess": tag == "subProcess" and node.get("triggeredByEvent") == "true",
                # A deadline timer's deadline, or the one a `deadline_passed` catch event waits for.
                "deadline": _deadline_of(node) or props.get("deadline"),
                "sla_pause": props.get("sla_pause", "").lower() == "true",
                "sla_event": props.get("sla_event"),
                "notify": props.get("notify"),
            }
            pe.code.extend(_code_of(file, node, messages))
        for flow in proc.iter(f"{{{BPMN}}}sequenceFlow"):
            for cond in flow.findall(f"{{{BPMN}}}conditionExpression"):
                if (cond.text or "").strip():
                    pe.code.append(
                        Code(file, flow.get("id"), cond.sourceline, "expression", cond.text, "condition")
                    )
        result.append(pe)
    return result


_DEADLINE_CALL = re.compile(r"""^\s*deadline\(\s*["']([A-Za-z0-9_]+)["']\s*\)\s*$""")


def _deadline_of(node: etree._Element) -> str | None:
    """The SLA deadline a timer stands for, when its expression is just `deadline("name")`."""
    for timer in node.findall(f"{{{BPMN}}}timerEventDefinition"):
        for part in ("timeDate", "timeDuration"):
            el = timer.find(f"{{{BPMN}}}{part}")
            match = _DEADLINE_CALL.match(el.text or "") if el is not None else None
            if match:
                return match.group(1)
    return None


def _code_of(file: str, node: etree._Element, messages: dict[str, etree._Element]) -> list[Code]:
    node_id = node.get("id")
    found: list[Code] = []

    def add(el: etree._Element | None, kind: str, what: str) -> None:
        if el is not None and (el.text or "").strip():
            found.append(Code(file, node_id, el.sourceline, kind, el.text, what))

    add(node.find(f"{{{BPMN}}}script"), "script", "script")
    if found and node.get("scriptFormat"):
        found[-1].language = node.get("scriptFormat")
    for timer in node.findall(f"{{{BPMN}}}timerEventDefinition"):
        for part in ("timeDate", "timeDuration", "timeCycle"):
            add(timer.find(f"{{{BPMN}}}{part}"), "expression", f"timer {part}")
    for ext in ("preScript", "postScript"):
        add(node.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}{ext}"), "script", ext)
    for med in node.findall(f"{{{BPMN}}}messageEventDefinition"):
        add(med.find(f".//{{{SPIFF}}}messagePayload"), "expression", "message payload")
        msg = messages.get(med.get("messageRef"))
        if msg is not None:
            add(msg.find(f".//{{{SPIFF}}}messagePayload"), "expression", "message payload")
    loop = node.find(f"{{{BPMN}}}multiInstanceLoopCharacteristics")
    if loop is not None:
        add(loop.find(f"{{{BPMN}}}loopCardinality"), "expression", "loop cardinality")
        add(loop.find(f"{{{BPMN}}}completionCondition"), "expression", "completion condition")
    return found


_FEEL_HINTS = (
    (re.compile(r"[\[\]\(]\s*[^\]\)]*\.\.\s*"), "a FEEL range such as [1..10]; write `1 <= ? <= 10`"),
    (re.compile(r"^\s*not\s*\("), "FEEL's not(...); write `? != value` or `? not in (a, b)`"),
    # Valid Python (a tuple) that never equals the input: FEEL means "any of these".
    (
        re.compile(r"""^\s*("[^"]*"|'[^']*'|-?[\d.]+)\s*,"""),
        'a FEEL list of alternatives such as "a", "b"; write `? in ("a", "b")`',
    ),
    (re.compile(r"\bdate\s+and\s+time\s*\("), "FEEL's date and time(); compare ISO strings instead"),
)


def feel_hint(cell: str) -> str | None:
    for pattern, hint in _FEEL_HINTS:
        if pattern.search(cell):
            return hint
    return None


def read_dmn_code(file: str, root: etree._Element) -> tuple[list[str], list[Code]]:
    """Decision ids and the Python of every cell, built the way SpiffWorkflow's DMN engine will run it."""
    decisions: list[str] = []
    code: list[Code] = []
    for decision in root.iter():
        if local(decision.tag) != "decision":
            continue
        decisions.append(decision.get("id"))
        inputs = [el for el in decision.iter() if local(el.tag) == "inputExpression"]
        input_texts = [_text_of(el) for el in inputs]
        for n, expr in enumerate(input_texts):
            if expr:
                code.append(
                    Code(file, decision.get("id"), inputs[n].sourceline, "expression", expr, "DMN input")
                )
        for rule in (el for el in decision.iter() if local(el.tag) == "rule"):
            entries = [el for el in rule if local(el.tag) == "inputEntry"]
            for n, entry in enumerate(entries):
                cell = _text_of(entry)
                if not cell or cell == "-":
                    continue
                left = input_texts[n] if n < len(input_texts) else "value"
                code.append(
                    Code(
                        file,
                        rule.get("id") or decision.get("id"),
                        entry.sourceline,
                        "dmn-cell",
                        cell,
                        f"DMN input entry (input {left!r})",
                    )
                )
            for entry in (el for el in rule if local(el.tag) == "outputEntry"):
                cell = _text_of(entry)
                if cell:
                    code.append(
                        Code(
                            file,
                            rule.get("id") or decision.get("id"),
                            entry.sourceline,
                            "expression",
                            cell,
                            "DMN output entry",
                        )
                    )
    return decisions, code


def _text_of(el: etree._Element) -> str:
    for child in el:
        if local(child.tag) == "text":
            return (child.text or "").strip()
    return (el.text or "").strip()


def dmn_cell_expression(cell: str) -> str:
    """The expression SpiffWorkflow evaluates for a cell: `? ...` forms, plain values, or operator tails."""
    if "?" in cell:
        return re.sub(r"\?", "value", cell)
    try:
        compile(cell, "<cell>", "eval")
        return f"value == ({cell})"
    except SyntaxError:
        return f"value {cell}"
