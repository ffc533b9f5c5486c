"""SpiffWorkflow's refusals of an element, as sentences a process owner can act on.

SpiffWorkflow 3.2 says "A Service Task must have an operator.", "Time Specification Error. Unknown Time
Specification.", "Cannot resolve dataOutputAssociation <Element ... at 0x7f...>", or, when a message, signal,
error or escalation reference does not resolve, fails on its own bug (`NodeParser.raise_validation_exception()
got an unexpected keyword argument 'node'`). Each known kind becomes a sentence saying what to write
instead, read from the element itself; anything else keeps SpiffWorkflow's words, without Python's object
addresses, and still names the file and the element.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from engine.registry.elements import BPMN, CAMUNDA, NS, local

_ADDRESS = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-fA-F]+>")
_EVENT_REFS = (
    ("messageEventDefinition", "messageRef", "message"),
    ("signalEventDefinition", "signalRef", "signal"),
    ("errorEventDefinition", "errorRef", "error"),
    ("escalationEventDefinition", "escalationRef", "escalation"),
)


def _service_task(text: str, node: etree._Element | None) -> str | None:
    if "Service Task must have an operator" not in text:
        return None
    camunda = [
        f'camunda:{a}="{node.get(f"{{{CAMUNDA}}}{a}")}"'
        for a in ("class", "expression", "delegateExpression", "type", "topic")
        if node is not None and node.get(f"{{{CAMUNDA}}}{a}")
    ]
    said = f" ({', '.join(camunda)} is not run here)" if camunda else ""
    return (
        f"is a service task, and this engine calls no services{said}: make it a script task that does the "
        "work in Python, or a user task for the person who does it"
    )


def _timer(text: str, node: etree._Element | None) -> str | None:
    if not text.startswith("Time Specification Error"):
        return None
    if "Unknown Time Specification" in text:
        return (
            "has a timer without a time: give its timerEventDefinition a timeDate (a Python expression "
            'returning ISO 8601 text, such as "2027-01-04T09:00:00+00:00" or deadline("final_response")), '
            'a timeDuration such as "P3D", or a timeCycle such as "R3/PT1H"'
        )
    return (
        f"has a timer that cannot be read ({text.split('. ', 1)[-1]}): write its time as a Python expression"
    )


def _data_association(text: str, node: etree._Element | None) -> str | None:
    match = re.match(r"Cannot resolve data(Input|Output)Association", text)
    if not match:
        return None
    direction = match.group(1)
    path = (
        "./bpmn:dataInputAssociation/bpmn:sourceRef"
        if direction == "Input"
        else ("./bpmn:dataOutputAssociation/bpmn:targetRef")
    )
    known = (
        set(node.xpath("//bpmn:dataObjectReference/@id | //bpmn:dataStoreReference/@id", namespaces=NS))
        if (node is not None)
        else set()
    )
    refs = [(r.text or "").strip() for r in node.xpath(path, namespaces=NS)] if node is not None else []
    missing = [r for r in refs if r not in known] or refs or ["?"]
    way = "reads from" if direction == "Input" else "writes to"
    return (
        f"{way} {', '.join(repr(m) for m in missing)}, which is not a data object or data store reference "
        "of this process: draw the data object (bpmn:dataObject with a bpmn:dataObjectReference of that id) "
        "or remove the association"
    )


def _event_reference(text: str, node: etree._Element | None) -> str | None:
    if (
        "raise_validation_exception" not in text
        and not text.startswith("Expected a")
        and (not text.startswith("Expected an"))
    ):
        return None
    if node is None:
        return None
    for definition, attr, kind in _EVENT_REFS:
        for ed in node.iter(f"{{{BPMN}}}{definition}"):
            ref = ed.get(attr)
            if not ref:
                continue
            defined = node.xpath(f"//bpmn:{kind}", namespaces=NS)
            if any(d.get("id") == ref for d in defined):
                continue
            names = ", ".join(repr(d.get("id")) for d in defined)
            choose = f", or refer to one that exists ({names})" if names else ""
            return (
                f'its {kind} event refers to {attr}="{ref}", but the file defines no bpmn:{kind} with that '
                f'id: add <bpmn:{kind} id="{ref}" name="..."/> beside the process{choose}'
            )
    return None


def _decision(text: str, node: etree._Element | None) -> str | None:
    match = re.match(r'No DMN Diagram available with id "([^"]*)", Available DMN ids are:\s*(.*)', text)
    if not match:
        return None
    called, available = match.groups()
    if called == "None":
        camunda = node.get(f"{{{CAMUNDA}}}decisionRef") if node is not None else None
        hint = f' (camunda:decisionRef="{camunda}" is not read)' if camunda else ""
        return (
            f"is a business rule task that names no decision{hint}: write <spiffworkflow:calledDecisionId>"
            "DECISION_ID</spiffworkflow:calledDecisionId> in its extensionElements"
        )
    return (
        f"calls the decision {called!r}, which no deployed DMN file starts with (deployed: "
        f"{available.strip() or 'none'}); deploy its DMN file with the process, with that decision first"
    )


def _data_store(text: str, node: etree._Element | None) -> str | None:
    match = re.match(r"Data Store with name (.*) has no implementation", text)
    if not match:
        return None
    return (
        f"uses the data store {match.group(1).strip()!r}, which has no implementation in this engine: keep "
        "the data in the case (a data object, or variables that tasks set)"
    )


def _loops(text: str, node: etree._Element | None) -> str | None:
    if text.startswith("A loopMaximum or loopCondition must be specified"):
        return (
            "is a loop task without a condition: give its standardLoopCharacteristics a loopCondition "
            "(Python, such as `attempts >= 3`) or a loopMaximum"
        )
    if text.startswith("A multiinstance task must specify"):
        return (
            "is a multi-instance task that says neither how many instances nor over what: give its "
            "multiInstanceLoopCharacteristics exactly one of a loopCardinality (Python, such as "
            "`len(reviewers)`) or a loopDataInputRef naming a list in the case data"
        )
    if text.startswith("Cancel Events may only be used with transactions"):
        return (
            "has a cancel event outside a transaction: draw the surrounding subprocess as a transaction, "
            "or use an error or message event instead"
        )
    return None


_KINDS: tuple[Callable[[str, etree._Element | None], str | None], ...] = (
    _service_task,
    _timer,
    _data_association,
    _event_reference,
    _decision,
    _data_store,
    _loops,
)


def element_of(root: etree._Element | None, element_id: str | None) -> etree._Element | None:
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0] if found else None


def reword(text: str, node: etree._Element | None) -> str:
    """The sentence for a refusal of `node` whose SpiffWorkflow text is `text`."""
    for kind in _KINDS:
        sentence = kind(text, node)
        if sentence:
            return sentence
    plain = _ADDRESS.sub(lambda m: f"bpmn:{m.group(1)}", text).strip()
    if re.match(r"^[A-Za-z]+Error\(", plain) or re.match(r"^[A-Za-z]+Error: ", plain):
        what = local(node.tag) if node is not None else "element"
        return (
            f"SpiffWorkflow 3.2 cannot read this {what} ({plain}); check it against what README's "
            '"What the diagram decides" describes, or simplify it'
        )
    return plain
