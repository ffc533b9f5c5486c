"""Small processes whose scripts a test chooses: the process owner's bad code, deployed the real way."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from engine.cases.service import CaseService
from tests.support.builders import deploy

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="test">
  <bpmn:process id="{pid}" name="Scripted" isExecutable="true">
"""
TAIL = """  </bpmn:process>
</bpmn:definitions>
"""


def scripted_at_start(folder: Path, script: str, pid: str = "scripted") -> Path:
    """start -> script task 'Work out the fee' (`fee`) -> user task -> end."""
    body = f"""    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fee"/>
    <bpmn:scriptTask id="fee" name="Work out the fee">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="fee" targetRef="work"/>
    <bpmn:userTask id="work" name="Work">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end">
      <bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
"""
    path = folder / f"{pid}.bpmn"
    path.write_text(HEAD.format(pid=pid) + body + TAIL)
    return path


POISON = "if poison:\n    while True:\n        pass\nfired = True"


def poisonable(folder: Path, pid: str = "poisonable") -> Path:
    """A task with a timer (due at `timer_due`) before a script that loops for ever when `poison` is set."""
    body = f"""    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="Work">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="escalate" name="Escalate" attachedToRef="work"><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>timer_due</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end_done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="after"/>
    <bpmn:scriptTask id="after" name="Escalation script">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>{escape(POISON)}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end_late"/>
    <bpmn:endEvent id="end_done">
      <bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_late">
      <bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
"""
    path = folder / f"{pid}.bpmn"
    path.write_text(HEAD.format(pid=pid) + body + TAIL)
    return path


def deploy_scripted(service: CaseService, folder: Path, script: str, pid: str = "scripted") -> str:
    deploy(service, scripted_at_start(folder, script, pid))
    return pid


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_fee" name="Fee" namespace="test">
  <decision id="fee_band" name="Fee band">
    <decisionTable id="table_fee" hitPolicy="FIRST">
      <input id="in_1" label="Amount">
        <inputExpression id="in_expr_1" typeRef="integer"><text>amount</text></inputExpression>
      </input>
      <output id="out_1" label="Band" name="band" typeRef="string" />
      <rule id="rule_1">
        <inputEntry id="entry_1"><text>{cell}</text></inputEntry>
        <outputEntry id="out_entry_1"><text>"high"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def decided_at_start(folder: Path, cell: str, pid: str = "decided") -> tuple[Path, Path]:
    """start -> business rule task 'Band the fee' (`band`: decision `fee_band`, one rule `cell`) -> end."""
    body = """    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="band"/>
    <bpmn:businessRuleTask id="band" name="Band the fee">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>fee_band</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="band" targetRef="work"/>
    <bpmn:userTask id="work" name="Work">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
"""
    head = HEAD.format(pid=pid).replace(
        'id="defs"', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs"'
    )
    bpmn = folder / f"{pid}.bpmn"
    bpmn.write_text(head + body + TAIL)
    dmn = folder / "fee_band.dmn"
    dmn.write_text(DMN.format(cell=escape(cell)))
    return bpmn, dmn
