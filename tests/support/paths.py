"""Builders for the engine-level path tests: the real processes, driven the way people drive them.

`Desk` is a complaints desk on one service: it deploys `processes/` with `forms/`, knows one person per group,
and offers what people do (file a complaint, complete the task that shows a form, send a message, withdraw,
let time pass so the timer worker fires what is due) and what they see afterwards (status, stage, tasks,
letters queued, deadlines, history). Every action goes through an engine service, which reloads the case
from the database; the reads go through `case_detail` or plain queries. Form data defaults are real answers
that pass the forms' validation; a test overrides only what matters to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.cases import queries
from engine.cases.read_models import CaseDetail, CaseTask
from engine.cases.service import CaseResult, CaseService
from engine.cases.tables import Case
from engine.core.actors import COMPLAINANT, Actor
from engine.core.clock import FixedClock
from engine.core.errors import FormInvalid
from engine.deadlines.tables import CaseDeadline, CasePause
from engine.identity.users import add_user, load_actor
from engine.letters.tables import Outbox
from engine.task_forms.schema import input_fields
from engine.timers.worker import TimerWorker
from tests.support.builders import ROOT, deploy, provider_organisation

COMPLAINT = "complaint_handling"
DISPUTE = "dispute_resolution"
GROUPS = ("handlers", "supervisors", "safety", "disputes")


def intake(**overrides: Any) -> dict[str, Any]:
    """The staff intake form (complaint_intake) of a fee complaint; `complainant={...}` replaces the block,
    `**{"complainant.email": None}` drops one field of it."""
    data: dict[str, Any] = {
        "complainant": {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "phone": "+442079460000",  # form-js takes international numbers without spaces
            "language": "en",
            "preferred_channel": "email",
        },
        "subject": "Monthly fee charged twice",
        "product": "Everyday current account",
        "category": "fees_and_charges",
        "description": "The monthly account fee was taken twice in October.",
        "remedy_sought": "Refund the second fee.",
        "consent_to_process": True,
        "channel": "phone",
        "received_by": "hana",
        "jurisdiction": "GB-ENG",
    }
    for key, value in overrides.items():
        if "." in key:
            block, field = key.split(".", 1)
            data[block] = dict(data.get(block) or {})
            if value is None:
                data[block].pop(field, None)
            else:
                data[block][field] = value
        else:
            data[key] = value
    return data


# Answers that pass each form's validation; `complete(..., **data)` overrides them field by field.
FORM_DATA: dict[str, dict[str, Any]] = {
    "obtain_contact": {
        "contact_attempts": "Called the number on the account; no answer. Wrote to the branch."
    },
    "acknowledgement": {
        "acknowledgement_channel": "email",
        "acknowledged_at": "2026-11-23T10:00:00+00:00",
        "handler_contact": "Hana Ito, 0300 123 4567",
    },
    "assessment": {
        "is_complaint": True,
        "category": "fees_and_charges",
        "product": "Everyday current account",
        "impact": "low",
        "complexity": "simple",
    },
    "immediate_action": {
        "immediate_actions": ["customer_warned"],
        "immediate_action_taken": "Told the customer to stop using the product at once.",
    },
    "investigation": {"investigation_notes": "The fee batch ran twice on 1 October."},
    "information_request": {
        "information_requested": "A copy of the October statement, to see both fees.",
        "request_channel": "email",
    },
    "response": {
        "proposed_outcome": "partly_upheld",
        "remedy": ["refund", "apology"],
        "redress_amount": 12,
        "root_cause_code": "system_error",
        "reasons": "One fee was taken twice by a batch error; the other was due.",
    },
    "approval": {"approved": True, "approval_comments": "Agreed."},
    "decision_letter": {
        "decision_summary": "We refund the second fee.",
        "reasons": "One fee was taken twice by a batch error; the other was due.",
        "recourse": "You may refer this to the Financial Ombudsman Service within six months.",
        "ombudsman_name": "Financial Ombudsman Service",
        "letter_channel": "email",
        "letter_sent_at": "2026-11-24T09:00:00+00:00",
    },
    "summary_resolution": {
        "decision_summary": "We refunded the second fee on the call.",
        "remedy": ["refund"],
        "redress_amount": 12,
        "reasons": "The fee was taken twice by mistake.",
        "recourse": "If you are unhappy you may refer this to the Financial Ombudsman Service.",
        "letter_channel": "email",
        "letter_sent_at": "2026-11-23T11:00:00+00:00",
        "outcome": "upheld",
        "root_cause_code": "system_error",
    },
    "closing": {"outcome": "partly_upheld", "root_cause_code": "system_error"},
    "dispute_referral": {
        "consent_given": True,
        "consent_method": "email",
        "provider_organisation": "fos",
        "provider_name": "Financial Ombudsman Service",
        "provider_type": "ombudsman",
    },
    "dispute_evaluation": {"position": "We stand by refunding one fee.", "settlement_offer": 0},
    "dispute_decision": {"decision": "accept", "decision_reasons": "The recommendation is fair."},
    "implementation_proof": {
        "implementation_actions": "Refund the other fee and write to the customer.",
        "implementation_due_on": "2027-02-15",
        "proof_reference": "PAY-991",
    },
    "dispute_closing": {
        "dispute_outcome": "recommendation_accepted",
        "outcome": "upheld",
        "root_cause_code": "system_error",
        "lessons_learned": "Fee batches need a guard against running twice.",
    },
}


class Desk:
    """A complaints desk: the deployed processes, one person per group, and the clock on the wall."""

    def __init__(
        self, service: CaseService, clock: FixedClock, processes: Sequence[Path] = (ROOT / "processes",)
    ) -> None:
        """`processes`: the BPMN and DMN files or folders to deploy (with `forms/`); the real ones unless a
        test deploys older versions first."""
        self.service = service
        self.clock = clock
        deploy(service, *processes, forms=ROOT / "forms")
        self.handler = self._person("hana", "handlers")
        self.supervisor = self._person("sam", "supervisors", roles=("supervisor",))
        self.safety = self._person("sia", "safety")
        self.disputes = self._person("dan", "disputes")
        self.provider = self._person("fos", roles=("provider",))
        self.provider_organisation = provider_organisation(
            service, "fos", "Financial Ombudsman Service", "fos"
        )
        self.by_group = {
            "handlers": self.handler,
            "supervisors": self.supervisor,
            "safety": self.safety,
            "disputes": self.disputes,
        }
        self.worker = TimerWorker(service, name="paths")

    def _person(self, username: str, *groups: str, roles: tuple[str, ...] = ("handler",)) -> Actor:
        with self.service.db.write() as session:
            add_user(
                session,
                self.clock,
                username,
                roles=list(roles),
                groups=list(groups),
                email=f"{username}@staff.example",
            )
        with self.service.db.read() as session:
            return load_actor(session, username)

    # --- what people do ----------------------------------------------------------------------------------

    def file(self, **overrides: Any) -> str:
        """Staff log a complaint with the intake form; returns its reference."""
        return self.service.start_case(COMPLAINT, intake(**overrides), self.handler).reference

    def task(self, ref: str, form_id: str) -> CaseTask:
        tasks = [t for t in self.case(ref).tasks if t.form_id == form_id]
        assert len(tasks) == 1, f"{ref}: no single ready task with form {form_id}: {self.case(ref).tasks}"
        return tasks[0]

    def complete(self, ref: str, form_id: str, as_: Actor | None = None, **data: Any) -> CaseResult:
        """The member of the task's group (or `as_`) fills in the form with the defaults plus `data`."""
        task = self.task(ref, form_id)
        actor = as_ or self.by_group[task.group_id]
        return self.service.complete_task(task.id, {**FORM_DATA.get(form_id, {}), **data}, actor)

    def tell(
        self, ref: str, message: str, payload: Mapping[str, Any] | None = None, as_: Actor = COMPLAINANT
    ) -> CaseResult:
        """A named message reaches the case (the complainant or a provider answered)."""
        return self.service.deliver_message(ref, message, dict(payload or {}), as_)

    def withdraw(self, ref: str, reason: str = "Sorted it out with the branch.") -> CaseResult:
        return self.service.withdraw(ref, self.handler, reason)

    def wait(self, **delta: float) -> int:
        """Let time pass, then let the timer worker fire what is due; returns how many timers fired."""
        self.clock.advance(**delta)
        return self.worker.tick()

    def wait_until(self, at: dt.datetime) -> int:
        self.clock.set(at)
        return self.worker.tick()

    # --- common beginnings ------------------------------------------------------------------------------

    def acknowledged(self, **intake_overrides: Any) -> str:
        """A complaint filed and acknowledged, waiting for its initial assessment."""
        ref = self.file(**intake_overrides)
        self.complete(ref, "acknowledgement")
        return ref

    def decided(self, response: Mapping[str, Any] | None = None, **intake_overrides: Any) -> str:
        """A complaint investigated and answered, waiting for the complainant's answer."""
        ref = self.acknowledged(**intake_overrides)
        self.complete(ref, "assessment")
        self.complete(ref, "investigation")
        self.complete(ref, "response", **(response or {}))
        self.complete(ref, "decision_letter")
        return ref

    def escalated(self) -> tuple[str, str]:
        """A complaint whose decision the complainant rejected, and the dispute case it started."""
        ref = self.decided()
        self.tell(ref, "complainant_reject", {"reason": "Refunding one fee is not enough."})
        return ref, self.child(ref)

    # --- what people see ---------------------------------------------------------------------------------

    def case(self, ref: str) -> CaseDetail:
        return queries.case_detail(self.service, ref)

    def state(self, ref: str) -> tuple[str, str | None, list[str]]:
        """(status, stage, ready task ids) as a list or a detail page shows them."""
        case = self.case(ref)
        return case.status, case.stage, sorted(t.bpmn_id for t in case.tasks)

    def history(self, ref: str) -> list[tuple[str, str | None, str | None, str | None]]:
        return [(e.action, e.element, e.status_before, e.status_after) for e in self.case(ref).history]

    def actions(self, ref: str) -> list[str]:
        return [e.action for e in self.case(ref).history]

    def linked(self, ref: str) -> list[tuple[str, str, str]]:
        return [(c.relation, c.process_id, c.reference) for c in self.case(ref).linked_cases]

    def child(self, ref: str) -> str:
        (child,) = [c.reference for c in self.case(ref).linked_cases if c.relation == "child"]
        return child

    def timers(self, ref: str) -> dict[str, dt.datetime]:
        """BPMN timers waiting on the case, by element id (the engine's early warnings left out)."""
        return {t.bpmn_id: t.due_at for t in self.case(ref).timers if t.kind == "bpmn"}

    def due(self, ref: str) -> dict[str, dt.datetime]:
        """The deadlines the engine watches for the case and that are still open, by name."""
        return {d.name: d.due_at for d in self.case(ref).deadlines if d.status == "open"}

    def _case_id(self, session, ref: str) -> int:
        return session.scalar(select(Case.id).where(Case.reference == ref))

    def letters(self, ref: str) -> list[str]:
        """Templates of the letters queued to the complainant, in order."""
        with self.service.db.read() as session:
            rows = session.scalars(
                select(Outbox).where(Outbox.case_id == self._case_id(session, ref)).order_by(Outbox.id)
            ).all()
        return [r.template for r in rows if not r.recipient.endswith("@staff.example")]

    def staff_mails(self, ref: str) -> list[tuple[str, str]]:
        with self.service.db.read() as session:
            rows = session.scalars(
                select(Outbox).where(Outbox.case_id == self._case_id(session, ref)).order_by(Outbox.id)
            ).all()
        return [(r.template, r.recipient) for r in rows if r.recipient.endswith("@staff.example")]

    def deadlines(self, ref: str) -> dict[str, CaseDeadline]:
        with self.service.db.read() as session:
            rows = session.scalars(
                select(CaseDeadline).where(CaseDeadline.case_id == self._case_id(session, ref))
            ).all()
            session.expunge_all()
        return {r.name: r for r in rows}

    def pauses(self, ref: str) -> tuple[float, list[CasePause]]:
        """The case's paused seconds so far, and its pause records."""
        with self.service.db.read() as session:
            case = session.scalars(select(Case).where(Case.reference == ref)).one()
            rows = session.scalars(select(CasePause).where(CasePause.case_id == case.id)).all()
            session.expunge_all()
            return case.paused_seconds, list(rows)

    def required_fields(self, form_id: str) -> list[str]:
        """Dotted keys of the form's required fields, as deployed."""
        with self.service.db.reading() as conn:
            for process in (COMPLAINT, DISPUTE):
                forms = self.service.specs.latest(conn, process).forms
                if form_id in forms:
                    return [
                        c["key"]
                        for c in input_fields(forms[form_id])
                        if (c.get("validate") or {}).get("required")
                    ]
        raise AssertionError(f"no deployed form {form_id}")

    def refused_without_each_required_field(self, ref: str, form_id: str, **data: Any) -> list[str]:
        """Submit the task's form once per required field, leaving that field out; each must come back
        FormInvalid naming it, and the case must not move. Returns the fields checked."""
        task = self.task(ref, form_id)
        actor = self.by_group[task.group_id]
        full = {**FORM_DATA.get(form_id, {}), **data}
        before = self.case(ref).history[-1].seq
        required = self.required_fields(form_id)
        for key in required:
            try:
                self.service.complete_task(task.id, _without(full, key), actor)
            except FormInvalid as exc:
                assert key in exc.errors, (form_id, key, exc.errors)
            else:
                raise AssertionError(f"{form_id}: completed without the required field {key}")
        assert self.case(ref).history[-1].seq == before
        return required


def _without(data: Mapping[str, Any], dotted: str) -> dict[str, Any]:
    head, _, rest = dotted.partition(".")
    out = dict(data)
    if rest and isinstance(out.get(head), Mapping):
        out[head] = _without(out[head], rest)
    else:
        out.pop(head, None)
    return out
