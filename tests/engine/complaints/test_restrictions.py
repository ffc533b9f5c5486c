"""Restricting contact with a complainant: proposed by one supervisor, in effect only once a different one
approves; recorded on the audit trail and shown on the case, the complaint still handled."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.complaints import restrictions
from engine.core.errors import ConflictError, FormInvalid, PermissionDenied
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def propose(desk: Desk, ref: str, **overrides):
    values = {
        "channel": "letter",
        "contact": "hana",
        "review_on": desk.clock.now().date() + dt.timedelta(days=30),
        "reasons": "Forty abusive calls to branch staff in a week.",
        **overrides,
    }
    return restrictions.propose(desk.service, ref, desk.supervisor, **values)


def test_a_restriction_takes_effect_only_when_a_second_supervisor_approves(desk):
    ref = desk.acknowledged()
    second = desk._person("sue", "supervisors", roles=("supervisor",))
    proposed = propose(desk, ref)
    assert (proposed.status, proposed.state, proposed.contact) == ("proposed", "proposed", "hana")
    with pytest.raises(FormInvalid) as refused:
        restrictions.decide(desk.service, proposed.id, desk.supervisor, approve=True)
    assert "approver" in refused.value.errors  # not the one who proposed it
    with pytest.raises(PermissionDenied):
        restrictions.decide(desk.service, proposed.id, desk.handler, approve=True)

    approved = restrictions.decide(desk.service, proposed.id, second, approve=True, note="Agreed.")
    assert (approved.status, approved.decided_by) == ("approved", "sue")
    with pytest.raises(ConflictError):
        restrictions.decide(desk.service, proposed.id, second, approve=False)

    case = desk.case(ref)
    shown = case.contact_restrictions
    assert [(r.status, r.channel, r.contact) for r in shown] == [("approved", "letter", "hana")]
    actions = desk.actions(ref)
    assert actions[-2:] == ["contact_restriction_proposed", "contact_restriction_approved"]
    proposed_event = case.history[-2]
    assert "Forty" not in str(proposed_event.detail)  # the reasons only as a digest
    assert proposed_event.detail["fields"] == ["reasons"]

    desk.complete(ref, "assessment")  # the complaint itself is still handled
    assert desk.state(ref)[1] == "investigation"

    desk.clock.advance(days=30)
    assert desk.case(ref).contact_restrictions[0].state == "due_for_review"


def test_a_refused_restriction_never_takes_effect(desk):
    ref = desk.file()
    second = desk._person("sue", "supervisors", roles=("supervisor",))
    proposed = propose(desk, ref)
    with pytest.raises(ConflictError):
        propose(desk, ref)  # one proposal at a time
    refused = restrictions.decide(desk.service, proposed.id, second, approve=False)
    assert refused.status == refused.state == "refused"
    assert desk.actions(ref)[-1] == "contact_restriction_refused"


def test_a_proposal_names_one_channel_one_member_of_staff_a_review_date_and_reasons(desk):
    ref = desk.file()
    with pytest.raises(FormInvalid) as refused:
        propose(desk, ref, channel="pigeon", contact="fos", review_on=desk.clock.now().date(), reasons=" ")
    assert set(refused.value.errors) == {"channel", "contact", "review_on", "reasons"}
    with pytest.raises(PermissionDenied):
        restrictions.propose(
            desk.service,
            ref,
            desk.handler,
            channel="letter",
            contact="hana",
            review_on=dt.date(2027, 1, 1),
            reasons="x",
        )
    assert desk.case(ref).contact_restrictions == ()
