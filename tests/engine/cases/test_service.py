"""Case services end to end on a real database: every call reloads the case from the database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from engine.cases import queries
from engine.cases.audit import verify_chain
from engine.cases.read_models import LinkedCase
from engine.cases.tables import AuditEvent, Case, Task
from engine.core.errors import (
    ConflictError,
    FormInvalid,
    MessageNotExpected,
    PermissionDenied,
    TaskNotReady,
    WorkflowFailed,
)
from engine.timers.tables import Timer
from tests.support.builders import FIXTURES, deploy, make_user

GOOD = {"subject": "Fee charged twice", "severity_points": 3, "category": "fees"}


def only_task(result):
    assert len(result.tasks) == 1, result.tasks
    return result.tasks[0]


def count(service, model, **where):
    with service.db.read() as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.scalar(query)


def test_start_indexes_the_first_task_with_form_lane_and_stage(lifecycle, handler):
    result = lifecycle.start_case("lifecycle", {"subject": "x"}, handler)
    assert result.reference.startswith("LIF-2026-") and len(result.reference) == len("LIF-2026-") + 8
    assert (result.status, result.stage) == ("open", "assessment")
    task = only_task(result)
    with lifecycle.db.read() as session:
        row = session.get(Task, task.id)
    assert (row.form_id, row.group_id, row.assignee, row.bpmn_id) == (
        "assess_form",
        "handlers",
        None,
        "assess",
    )


def test_completion_runs_to_the_wait_and_status_comes_from_the_diagram(lifecycle, handler, clock):
    started = lifecycle.start_case("lifecycle", {}, handler)
    done = lifecycle.complete_task(only_task(started).id, GOOD, handler)
    assert (done.status, done.stage, done.tasks) == (
        "awaiting_complainant",
        "awaiting_complainant_answer",
        [],
    )
    detail = queries.case_detail(lifecycle, started.reference)
    assert detail.data["score"] == 6
    assert detail.waiting_for == ("complainant_reply", "withdraw")
    # the reply deadline (default profile) is indexed as a timer, due in the future; the diagram marks no
    # event that meets a deadline, so the engine watches none of them for this process
    bpmn = [t for t in detail.timers if t.kind == "bpmn"]
    assert len(bpmn) == 1 and bpmn[0].due_at > clock.now() and bpmn[0].deadline == "complainant_reply"
    assert [t.kind for t in detail.timers] == ["bpmn"] and detail.deadlines == ()
    assert count(lifecycle, Task) == 0


def test_message_completes_the_case_and_audit_chain_holds(lifecycle, handler):
    started = lifecycle.start_case("lifecycle", {}, handler)
    lifecycle.complete_task(only_task(started).id, GOOD, handler)
    closed = lifecycle.deliver_message(started.reference, "complainant_reply", {"accept": True}, handler)
    assert (closed.status, closed.stage, closed.outcome) == ("closed", "closing", None)
    detail = queries.case_detail(lifecycle, started.reference)
    assert detail.data["complainant_reply"] == {"accept": True}
    assert [h.action for h in detail.history] == ["start", "complete_task", "message"]
    assert [(h.status_before, h.status_after) for h in detail.history] == [
        (None, "open"),
        ("open", "awaiting_complainant"),
        ("awaiting_complainant", "closed"),
    ]
    assert detail.timers == () and detail.closed_at is not None
    with lifecycle.db.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert verify_chain(events) is None
        session.expunge_all()
    # Tampering with any event breaks the chain at that event.
    with lifecycle.db.write() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one()
        event.actor = "mallory"
    with lifecycle.db.read() as session:
        assert verify_chain(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()) == 2


def test_withdraw_is_the_withdraw_message_from_any_waiting_point(lifecycle, handler):
    first = lifecycle.start_case("lifecycle", {}, handler)
    assert lifecycle.withdraw(first.reference, handler, "sorted it myself").status == "withdrawn"
    second = lifecycle.start_case("lifecycle", {}, handler)
    lifecycle.complete_task(only_task(second).id, GOOD, handler)
    result = lifecycle.withdraw(second.reference, handler)
    assert (result.status, result.outcome) == ("withdrawn", "withdrawn")
    assert count(lifecycle, Timer) == 0 and count(lifecycle, Task) == 0
    with pytest.raises(MessageNotExpected):
        lifecycle.withdraw(second.reference, handler)


def test_form_errors_come_back_per_field_and_nothing_is_written(lifecycle, handler):
    started = lifecycle.start_case("lifecycle", {}, handler)
    task_id = only_task(started).id
    with pytest.raises(FormInvalid) as err:
        lifecycle.complete_task(
            task_id,
            {"severity_points": 99, "category": "other", "bogus": 1, "complainant": {"email": "nope"}},
            handler,
        )
    assert set(err.value.errors) == {"subject", "severity_points", "category", "bogus", "complainant.email"}
    assert err.value.errors["bogus"] == ["Unknown field."]
    assert count(lifecycle, AuditEvent) == 1  # only the start


def test_script_error_rolls_back_everything_and_names_the_element(lifecycle, handler):
    started = lifecycle.start_case("lifecycle", {}, handler)
    task_id = only_task(started).id
    with lifecycle.db.read() as session:
        before = session.execute(select(Case.state, Case.lock_version)).one()
    with pytest.raises(WorkflowFailed) as err:
        lifecycle.complete_task(task_id, {**GOOD, "severity_points": 0}, handler)
    assert err.value.element == "calc" and "ZeroDivisionError" in err.value.detail
    with lifecycle.db.read() as session:
        assert session.execute(select(Case.state, Case.lock_version)).one() == before
    assert count(lifecycle, AuditEvent) == 1 and count(lifecycle, Task) == 1
    # the task is still there and can be completed with good data
    assert lifecycle.complete_task(task_id, GOOD, handler).status == "awaiting_complainant"


def test_only_members_of_the_lane_group_may_complete(lifecycle, handler):
    outsider = make_user(lifecycle, "otto", "safety")
    started = lifecycle.start_case("lifecycle", {}, handler)
    with pytest.raises(PermissionDenied):
        lifecycle.complete_task(only_task(started).id, GOOD, outsider)


def test_claim_release_assign_are_recorded_and_guarded(lifecycle, handler):
    other = make_user(lifecycle, "olga", "handlers")
    boss = make_user(lifecycle, "sam", "handlers", "supervisors", roles=("supervisor",))
    started = lifecycle.start_case("lifecycle", {}, handler)
    task_id = only_task(started).id
    lifecycle.claim_task(task_id, handler)
    with pytest.raises(ConflictError):
        lifecycle.claim_task(task_id, other)
    with pytest.raises(ConflictError):
        lifecycle.complete_task(task_id, GOOD, other)
    with pytest.raises(PermissionDenied):
        lifecycle.release_task(task_id, other)
    with pytest.raises(PermissionDenied):
        lifecycle.assign_task(task_id, "olga", other, "busy")
    with pytest.raises(FormInvalid):
        lifecycle.assign_task(task_id, "olga", boss, "")
    with pytest.raises(FormInvalid):
        lifecycle.assign_task(task_id, "nobody", boss, "holiday")
    lifecycle.assign_task(task_id, "olga", boss, "hana is on leave")
    with lifecycle.db.read() as session:
        assert session.get(Task, task_id).assignee == "olga"
    history = queries.case_detail(lifecycle, started.reference).history
    assign = history[-1]
    assert (assign.action, assign.actor) == ("assign", "sam")
    assert assign.detail == {"from": "hana", "to": "olga", "reason": "hana is on leave"}
    lifecycle.release_task(task_id, other)
    assert lifecycle.complete_task(task_id, GOOD, handler).status == "awaiting_complainant"
    assert [h.action for h in queries.case_detail(lifecycle, started.reference).history] == [
        "start",
        "claim",
        "assign",
        "release",
        "complete_task",
    ]


def test_completed_task_cannot_be_completed_again(lifecycle, handler):
    started = lifecycle.start_case("lifecycle", {}, handler)
    task_id = only_task(started).id
    lifecycle.complete_task(task_id, GOOD, handler)
    with pytest.raises(TaskNotReady):
        lifecycle.complete_task(task_id, GOOD, handler)


def test_due_timer_fires_once_and_closes_the_case(lifecycle, handler, clock):
    started = lifecycle.start_case("lifecycle", {}, handler)
    lifecycle.complete_task(only_task(started).id, GOOD, handler)
    timer = next(t for t in queries.case_detail(lifecycle, started.reference).timers if t.kind == "bpmn")
    with pytest.raises(ConflictError):
        lifecycle.fire_timer(timer.id)  # not due yet
    clock.set(timer.due_at + dt.timedelta(seconds=1))
    result = lifecycle.fire_timer(timer.id)
    assert (result.status, result.outcome) == ("closed", "closed_without_answer")
    assert lifecycle.fire_timer(timer.id) is None  # gone: fires exactly once


def test_running_cases_keep_their_version(service, handler, tmp_path):
    source = (FIXTURES / "processes" / "lifecycle.bpmn").read_text()
    v1 = tmp_path / "v1" / "lifecycle.bpmn"
    v1.parent.mkdir()
    v1.write_text(source)
    assert deploy(service, v1, forms=FIXTURES / "forms")[0].version == 1
    assert deploy(service, v1, forms=FIXTURES / "forms")[0].created is False  # identical: no-op
    old = service.start_case("lifecycle", {}, handler)
    v2 = tmp_path / "v2" / "lifecycle.bpmn"
    v2.parent.mkdir()
    v2.write_text(source.replace('value="assessment"', 'value="triage"'))
    assert deploy(service, v2, forms=FIXTURES / "forms")[0].version == 2
    new = service.start_case("lifecycle", {}, handler)
    assert (old.process_version, old.stage) == (1, "assessment")
    assert (new.process_version, new.stage) == (2, "triage")
    done = service.complete_task(only_task(old).id, GOOD, handler)
    assert done.process_version == 1


def test_linked_case_escalates_the_parent_until_it_closes(service, handler):
    deploy(service, FIXTURES / "processes" / "linked.bpmn")
    disputes = make_user(service, "dora", "disputes")
    parent = service.start_case("parent", {"reason": "rejected"}, handler)
    assert parent.status == "escalated" and parent.stage == "escalated" and len(parent.linked) == 1
    child_ref = parent.linked[0]
    child = queries.case_detail(service, child_ref)
    assert child.data["referral"] == {"parent_reference": parent.reference, "why": "rejected"}
    assert [c.reference for c in queries.case_detail(service, parent.reference).linked_cases] == [child_ref]
    assert child.linked_cases == (LinkedCase(parent.reference, "parent", "escalated", "parent"),)
    with pytest.raises(PermissionDenied):
        service.complete_task(child.tasks[0].id, {}, handler)
    closed_child = service.complete_task(child.tasks[0].id, {"decision": "upheld"}, disputes)
    assert closed_child.status == "closed"
    after = queries.case_detail(service, parent.reference)
    assert (after.status, after.outcome) == ("closed", "upheld")
    assert after.data["child_result"] == {"decision": "upheld", "child": child_ref}
    assert [h.action for h in after.history] == [
        "start",
        "linked_case_started",
        "linked_case_closed",
        "message",
    ]


def test_reserved_and_private_keys_are_refused(service, handler):
    deploy(service, FIXTURES.parent.parent / "bench" / "six_tasks.bpmn")
    started = service.start_case("Process_complaint6", {}, handler)
    with pytest.raises(FormInvalid) as err:
        service.complete_task(only_task(started).id, {"__class__": 1, "deadline": 2}, handler)
    assert set(err.value.errors) == {"__class__", "deadline"}


def test_data_that_stored_cases_would_misread_is_refused_and_nothing_is_written(lifecycle, handler):
    """SpiffWorkflow marks stored objects with a `typename` key: data carrying one would brick the case."""
    with pytest.raises(FormInvalid) as err:
        lifecycle.start_case("lifecycle", {"x": [{"typename": "Decimal", "value": "oops"}]}, handler)
    assert set(err.value.errors) == {"x.0.typename"}
    assert count(lifecycle, Case) == 0
    started = lifecycle.start_case("lifecycle", {}, handler)
    lifecycle.complete_task(only_task(started).id, GOOD, handler)
    with pytest.raises(FormInvalid) as err:
        lifecycle.deliver_message(started.reference, "complainant_reply", {"typename": "Nope"}, handler)
    assert set(err.value.errors) == {"payload.typename"}
    detail = queries.case_detail(lifecycle, started.reference)
    assert detail.status == "awaiting_complainant"
    closed = lifecycle.deliver_message(started.reference, "complainant_reply", {"accept": True}, handler)
    assert closed.status == "closed"


def test_a_reference_already_taken_is_drawn_again_from_scratch(lifecycle, handler, monkeypatch):
    import engine.cases.store as case_store

    draws = iter(["LIF-2026-AAAAAAAA", "LIF-2026-AAAAAAAA", "LIF-2026-BBBBBBBB"])
    monkeypatch.setattr(case_store, "new_reference", lambda prefix, now: next(draws))
    first = lifecycle.start_case("lifecycle", {}, handler)
    second = lifecycle.start_case("lifecycle", {}, handler)  # collides once, then starts afresh
    assert (first.reference, second.reference) == ("LIF-2026-AAAAAAAA", "LIF-2026-BBBBBBBB")
    detail = queries.case_detail(lifecycle, second.reference)
    assert detail.data["case_reference"] == "LIF-2026-BBBBBBBB"
    assert [h.action for h in detail.history] == ["start"]
    assert count(lifecycle, Case) == 2


def test_redeploying_an_older_version_rolls_back_as_a_new_version(service, handler, tmp_path):
    source = (FIXTURES / "processes" / "lifecycle.bpmn").read_text()
    v1 = tmp_path / "v1" / "lifecycle.bpmn"
    v2 = tmp_path / "v2" / "lifecycle.bpmn"
    for path, text in ((v1, source), (v2, source.replace('value="assessment"', 'value="triage"'))):
        path.parent.mkdir()
        path.write_text(text)
    assert [deploy(service, p, forms=FIXTURES / "forms")[0].version for p in (v1, v2, v1)] == [1, 2, 3]
    assert service.start_case("lifecycle", {}, handler).stage == "assessment"  # v3 has v1's content
