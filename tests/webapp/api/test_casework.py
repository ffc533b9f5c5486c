"""The casework endpoints for staff: duplicate suggestions and merging, reopening, contact restrictions."""

from __future__ import annotations

import pytest

from engine.identity import tokens as auth
from tests.support.api import problem_of
from tests.support.paths import Desk


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


@pytest.fixture
def bearer(desk):
    def headers(username: str) -> dict[str, str]:
        token, _ = auth.issue_for(desk.service.db, desk.clock, username)
        return {"Authorization": f"Bearer {token}"}

    return headers


def test_duplicates_are_suggested_with_reasons_and_merged_by_reference(client, desk, bearer):
    hana = bearer("hana")
    original = desk.acknowledged()
    dup = desk.file(description="The fee again.")
    found = client.get(f"/api/v1/cases/{dup}/duplicates", headers=hana)
    assert found.status_code == 200, found.get_json()
    assert [(i["reference"], i["reasons"]) for i in found.get_json()["items"]] == [
        (original, ["same email", "same phone", "similar subject"])
    ]

    unknown = problem_of(
        client.post(f"/api/v1/cases/{dup}/merge", json={"original_reference": "CMP-X"}, headers=hana), 422
    )
    assert "No complaint has the reference" in unknown["errors"]["original_reference"][0]
    merged = client.post(f"/api/v1/cases/{dup}/merge", json={"original_reference": original}, headers=hana)
    assert merged.status_code == 200, merged.get_json()
    assert (merged.get_json()["status"], merged.get_json()["outcome"]) == ("closed", "merged")
    again = client.post(f"/api/v1/cases/{dup}/merge", json={"original_reference": original}, headers=hana)
    problem_of(again, 409)

    detail = client.get(f"/api/v1/cases/{original}", headers=hana).get_json()
    assert [(x["relation"], x["reference"]) for x in detail["case_links"]] == [("merged_from", dup)]
    assert desk.letters(dup)[-1] == "merged_letter"


def test_providers_reach_no_complaint_casework(client, desk, bearer):
    ref = desk.file()
    problem_of(client.get(f"/api/v1/cases/{ref}/duplicates", headers=bearer("fos")), 403)


def test_a_supervisor_reopens_within_the_period_only(client, desk, bearer):
    ref = desk.decided()
    desk.tell(ref, "complainant_accept", {"comment": "Thanks."})
    desk.complete(ref, "closing", survey_opt_out=True)
    sam, hana = bearer("sam"), bearer("hana")
    problem_of(client.post(f"/api/v1/cases/{ref}/reopen", json={"reason": "No refund"}, headers=hana), 403)
    problem_of(client.post(f"/api/v1/cases/{ref}/reopen", json={}, headers=sam), 422)
    desk.clock.advance(days=31)
    sam = bearer("sam")  # a fresh token: the first one expired meanwhile
    late = problem_of(
        client.post(f"/api/v1/cases/{ref}/reopen", json={"reason": "No refund"}, headers=sam), 409
    )
    assert "within 30 days" in late["detail"]


def test_reopening_answers_with_the_new_case(client, desk, bearer):
    ref = desk.decided()
    desk.tell(ref, "complainant_accept", {"comment": "Thanks."})
    desk.complete(ref, "closing", survey_opt_out=True)
    answer = client.post(f"/api/v1/cases/{ref}/reopen", json={"reason": "No refund"}, headers=bearer("sam"))
    assert answer.status_code == 201, answer.get_json()
    new = answer.get_json()["reference"]
    assert new != ref and answer.get_json()["status"] == "open"
    assert client.get(f"/api/v1/cases/{ref}", headers=bearer("sam")).get_json()["status"] == "closed"


def test_a_restriction_is_proposed_then_approved_by_another_supervisor(client, desk, bearer):
    ref = desk.file()
    desk._person("sue", "supervisors", roles=("supervisor",))
    body = {"channel": "letter", "contact": "hana", "review_on": "2027-03-01", "reasons": "Abusive calls."}
    proposed = client.post(f"/api/v1/cases/{ref}/contact-restrictions", json=body, headers=bearer("sam"))
    assert proposed.status_code == 201, proposed.get_json()
    rid = proposed.get_json()["id"]
    decision = f"/api/v1/contact-restrictions/{rid}/decision"
    own = problem_of(client.post(decision, json={"approve": True}, headers=bearer("sam")), 422)
    assert "approver" in own["errors"]
    approved = client.post(decision, json={"approve": True}, headers=bearer("sue"))
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    listed = client.get(f"/api/v1/cases/{ref}/contact-restrictions", headers=bearer("hana")).get_json()
    assert [(r["status"], r["decided_by"]) for r in listed["items"]] == [("approved", "sue")]
    shown = client.get(f"/api/v1/cases/{ref}", headers=bearer("hana")).get_json()["contact_restrictions"]
    assert shown[0]["channel"] == "letter" and shown[0]["review_on"] == "2027-03-01"


def test_staff_check_a_complaint_for_duplicates_before_logging_it(client, desk, bearer):
    earlier = desk.file()
    body = {
        "complainant": {"email": " ADA@example.org", "phone": "+44 20 7946 0000"},
        "subject": "Broken card",
    }
    found = client.post("/api/v1/duplicates", json=body, headers=bearer("hana"))
    assert found.status_code == 200, found.get_json()
    assert [(i["reference"], i["reasons"]) for i in found.get_json()["items"]] == [
        (earlier, ["same email", "same phone"])
    ]
    nothing = client.post("/api/v1/duplicates", json={"subject": "Lost card abroad"}, headers=bearer("hana"))
    assert nothing.get_json()["items"] == []
