"""The engine's walk over a workflow's live tasks agrees with SpiffWorkflow's, however long a case loops."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.workflow import live_tasks

LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="join" />
    <bpmn:exclusiveGateway id="join"><bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>back</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="ask" />
    <bpmn:userTask id="ask"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="ask" targetRef="split" />
    <bpmn:exclusiveGateway id="split" default="done"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>back</bpmn:outgoing><bpmn:outgoing>done</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="back" sourceRef="split" targetRef="join">
      <bpmn:conditionExpression>again</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done" sourceRef="split" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>done</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_case_that_loops_past_spiffworkflows_depth_shows_what_spiffworkflow_sees(tmp_path):
    path = tmp_path / "loop.bpmn"
    path.write_text(LOOP)
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(path)])
    wf = BpmnWorkflow(parser.get_spec("loop"))
    wf.do_engine_steps()
    for rounds in range(400):
        spiff = [t.id for t in wf.get_tasks_iterator(state=TaskState.READY | TaskState.WAITING)]
        assert [t.id for t in live_tasks(wf)] == spiff, f"after {rounds} rounds"
        if not spiff:
            break  # past SpiffWorkflow's depth limit its walks see nothing more, and neither do we
        (task,) = [t for t in live_tasks(wf) if t.task_spec.bpmn_id == "ask"]
        task.data["again"] = True
        task.run()
        wf.do_engine_steps()
    assert rounds > 300
