"""Provider organisations: administered by admins, chosen from a list at referral, and the access policy lets
an organisation's users see only the disputes referred to it."""

from __future__ import annotations

import pytest

from engine.access import policy as access
from engine.cases import queries
from engine.core.errors import FormInvalid, NotFound, PermissionDenied
from engine.disputes import organisations
from tests.support.builders import ADMIN, provider_organisation
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def referred(desk: Desk, organisation: str) -> str:
    _, dispute = desk.escalated()
    desk.complete(dispute, "dispute_referral", provider_organisation=organisation, provider_name="")
    return dispute


def test_admins_create_change_and_deactivate_organisations(desk):
    db, clock = desk.service.db, desk.clock
    created = organisations.create(
        db,
        clock,
        ADMIN,
        "pl-rf",
        {
            "name": "Rzecznik Finansowy",
            "kind": "ombudsman",
            "website": "https://rf.gov.pl",
            "email": "a@rf.pl",
        },
    )
    assert (created.name, created.kind, created.active, created.users) == (
        "Rzecznik Finansowy",
        "ombudsman",
        True,
        [],
    )
    changed = organisations.change(db, clock, ADMIN, "pl-rf", {"phone": "+48223333460", "kind": "adr_body"})
    assert (changed.phone, changed.kind, changed.name) == ("+48223333460", "adr_body", "Rzecznik Finansowy")
    assert not organisations.set_active(db, clock, ADMIN, "pl-rf", False).active
    active = [o.slug for o in organisations.listing(db, desk.handler, active_only=True)]
    assert "pl-rf" not in active and "fos" in active
    with pytest.raises(FormInvalid) as refused:
        organisations.create(db, clock, ADMIN, "Bad Slug", {"name": "", "kind": "court", "website": "rf.pl"})
    assert set(refused.value.errors) == {"slug", "name", "kind", "website"}
    with pytest.raises(FormInvalid):
        organisations.create(db, clock, ADMIN, "pl-rf", {"name": "Again", "kind": "ombudsman"})
    with pytest.raises(PermissionDenied):
        organisations.create(db, clock, desk.supervisor, "x", {"name": "X", "kind": "arbitrator"})
    with pytest.raises(NotFound):
        organisations.change(db, clock, ADMIN, "nobody", {"name": "X"})
    with pytest.raises(FormInvalid):
        organisations.add_user(db, ADMIN, "pl-rf", "hana")  # not a provider


def test_referral_offers_active_organisations_and_refuses_others(desk):
    _, dispute = desk.escalated()
    provider_organisation(desk.service, "adr-one", "ADR One", kind="adr_body")
    organisations.set_active(desk.service.db, desk.clock, ADMIN, "adr-one", False)
    task = desk.task(dispute, "dispute_referral")
    detail = queries.task_detail(desk.service, task.id)
    assert detail.values["provider_organisations"] == [
        {"label": "Financial Ombudsman Service", "value": "fos"}
    ]
    with pytest.raises(FormInvalid) as refused:
        desk.complete(dispute, "dispute_referral", provider_organisation="adr-one")
    assert "provider_organisation" in refused.value.errors
    desk.complete(dispute, "dispute_referral", provider_organisation="fos")
    assert desk.case(dispute).data["provider_organisation"] == "fos"


def test_a_provider_user_sees_only_the_cases_of_their_organisation(desk):
    other_user = desk._person("adr-clerk", roles=("provider",))
    provider_organisation(desk.service, "adr-one", "ADR One", "adr-clerk", kind="adr_body")
    colleague = desk._person("fos-2", roles=("provider",))
    organisations.add_user(desk.service.db, ADMIN, "fos", "fos-2")
    ours = referred(desk, "fos")
    theirs = referred(desk, "adr-one")

    db = desk.service.db
    access.require_case(db, desk.provider, ours)
    access.require_case(db, colleague, ours)  # a colleague in the same organisation sees it too
    with pytest.raises(NotFound):
        access.require_case(db, desk.provider, theirs)
    access.require_case(db, other_user, theirs)
    with pytest.raises(NotFound):
        access.require_case(db, other_user, ours)
    ids = access.visible_case_ids(db, other_user)
    assert ids is not None and len(ids) == 1
