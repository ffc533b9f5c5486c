"""Provider organisations over the API: admins keep the list, staff read it for referral, providers see only
their organisation's disputes."""

from __future__ import annotations

import pytest

from engine.identity import tokens as auth
from tests.support.api import problem_of
from tests.support.paths import Desk

ORG = {"slug": "adr-one", "name": "ADR One", "kind": "adr_body", "email": "cases@adr.example"}


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


@pytest.fixture
def bearer(desk):
    def headers(username: str, *roles: str) -> dict[str, str]:
        if roles:
            desk._person(username, roles=roles)
        token, _ = auth.issue_for(desk.service.db, desk.clock, username)
        return {"Authorization": f"Bearer {token}"}

    return headers


def test_admins_keep_the_list_and_staff_read_the_active_ones(client, desk, bearer):
    admin, hana = bearer("ada-admin", "admin"), bearer("hana")
    problem_of(client.post("/api/v1/provider-organisations", json=ORG, headers=hana), 403)
    created = client.post("/api/v1/provider-organisations", json=ORG, headers=admin)
    assert created.status_code == 201, created.get_json()
    bad = problem_of(
        client.post("/api/v1/provider-organisations", json={**ORG, "kind": "court"}, headers=admin), 422
    )
    assert "kind" in bad["errors"]
    changed = client.patch(
        "/api/v1/provider-organisations/adr-one", json={"phone": "+441234567"}, headers=admin
    )
    assert changed.get_json()["phone"] == "+441234567"
    bearer("adr-clerk", "provider")
    member = client.post(
        "/api/v1/provider-organisations/adr-one/users", json={"username": "adr-clerk"}, headers=admin
    )
    assert member.get_json()["users"] == ["adr-clerk"]
    off = client.put("/api/v1/provider-organisations/adr-one/active", json={"active": False}, headers=admin)
    assert off.get_json()["active"] is False
    active = client.get("/api/v1/provider-organisations?active=true", headers=hana).get_json()["items"]
    assert [o["slug"] for o in active] == ["fos"]
    everything = client.get("/api/v1/provider-organisations", headers=hana).get_json()["items"]
    assert {o["slug"] for o in everything} == {"fos", "adr-one"}


def test_a_provider_lists_and_opens_only_its_organisations_disputes(client, desk, bearer):
    admin = bearer("ada-admin", "admin")
    client.post("/api/v1/provider-organisations", json=ORG, headers=admin)
    clerk = bearer("adr-clerk", "provider")
    client.post("/api/v1/provider-organisations/adr-one/users", json={"username": "adr-clerk"}, headers=admin)
    _, ours = desk.escalated()
    desk.complete(ours, "dispute_referral", provider_organisation="adr-one")
    _, theirs = desk.escalated()
    desk.complete(theirs, "dispute_referral", provider_organisation="fos")

    listed = client.get("/api/v1/cases", headers=clerk).get_json()["items"]
    assert [c["reference"] for c in listed] == [ours]
    assert client.get(f"/api/v1/cases/{ours}", headers=clerk).status_code == 200
    problem_of(client.get(f"/api/v1/cases/{theirs}", headers=clerk), 404)
    fos = [c["reference"] for c in client.get("/api/v1/cases", headers=bearer("fos")).get_json()["items"]]
    assert fos == [theirs]
