"""POST /api/v1/complaints as the contract says: what is required, language tags, ISO 3166 codes,
agreements, and fields only staff may set (marked in the intake form itself)."""

from __future__ import annotations

import json

import pytest

from engine.cases import queries
from engine.letters import LANGUAGES, resolve_language
from engine.registry import load_bundle
from tests.support.api import FIXTURES, INTAKE_FORM, complaint, problem_of
from tests.support.builders import deploy


def _data(client, processes, body: dict, headers: dict | None = None) -> dict:
    response = client.post("/api/v1/complaints", json=body, headers=headers or {})
    assert response.status_code == 201, response.get_data(as_text=True)
    return queries.case_detail(processes, response.get_json()["reference"]).data


def test_the_issues_complaint_is_accepted_without_category_product_or_consent(client, processes):
    body = {
        "complainant": {"name": "Ann", "email": "ann@example.org"},
        "channel": "web",
        "description": "The parcel arrived broken and nobody answers the phone.",
        "jurisdiction": "GB",
    }
    data = _data(client, processes, body)
    assert data["jurisdiction"] == "GB"
    assert "category" not in data and "product" not in data


@pytest.mark.parametrize("consent", [False, None])
def test_a_complaint_is_never_refused_for_lack_of_consent(client, processes, consent):
    data = _data(client, processes, complaint(consent=consent))
    assert data["consent_to_process"] is False
    assert _data(client, processes, complaint(consent=True))["consent_to_process"] is True  # still works


def test_the_agreement_to_be_contacted_is_recorded(client, processes):
    data = _data(client, processes, complaint(agreements={"contact_by": ["email", "sms"]}))
    assert data["agreements"] == {"contact_by": ["email", "sms"]}
    body = problem_of(
        client.post("/api/v1/complaints", json=complaint(agreements={"contact_by": ["pigeon"]})), 422
    )
    assert list(body["errors"]) == ["agreements.contact_by.0"]


@pytest.mark.parametrize(
    ("tag", "recorded", "letters"),
    [
        ("fa", "fa", "fa"),
        ("zh-Hans", "zh-Hans", "zh-Hans"),
        ("zh-hant", "zh-Hant", "zh-Hant"),
        ("zh-CN", "zh-CN", "zh-Hans"),
        ("zh-TW", "zh-TW", "zh-Hant"),
        ("pl", "pl", "pl"),
        ("vi-VN", "vi-VN", "vi"),
        ("de-CH", "de-CH", "en"),
        ("sw", "sw", "en"),
        ("other", "other", "en"),  # the old form's "Another language" still works
    ],
)
def test_any_well_formed_language_tag_is_recorded(client, processes, tag, recorded, letters):
    data = _data(client, processes, complaint(complainant={"email": "a@example.org", "language": tag}))
    assert data["complainant"]["language"] == recorded
    assert resolve_language(recorded) == letters


@pytest.mark.parametrize("tag", ["zh_CN", "en GB", "12", "en--GB", "Persian language"])
def test_a_malformed_language_tag_is_a_field_error(client, processes, tag):
    body = problem_of(
        client.post("/api/v1/complaints", json=complaint(complainant={"email": "a@b.co", "language": tag})),
        422,
    )
    assert list(body["errors"]) == ["complainant.language"]
    assert "BCP 47" in body["errors"]["complainant.language"][0]


def test_every_letter_language_can_be_chosen_on_the_intake_form():
    form = json.loads(INTAKE_FORM.read_text())
    language = next(
        c
        for group in form["components"]
        for c in group.get("components", [])
        if c.get("key") == "complainant.language"
    )
    offered = [v["value"] for v in language["values"]]
    assert set(LANGUAGES) <= set(offered)


@pytest.mark.parametrize(
    ("code", "recorded"),
    [
        ("GB", "GB"),
        ("gb-sct", "GB-SCT"),
        ("GB-EDH", "GB-EDH"),
        ("US-CA", "US-CA"),
        ("FR", "FR"),
        ("EU", "EU"),
    ],
)
def test_iso_3166_codes_are_accepted(client, processes, code, recorded):
    assert _data(client, processes, complaint(jurisdiction=code))["jurisdiction"] == recorded


@pytest.mark.parametrize("code", ["XX", "GB-XYZ", "England", "GBR"])
def test_an_unknown_jurisdiction_is_a_field_error(client, processes, code):
    body = problem_of(client.post("/api/v1/complaints", json=complaint(jurisdiction=code)), 422)
    assert list(body["errors"]) == ["jurisdiction"]


def test_the_public_may_not_say_how_a_complaint_reached_us(client, processes):
    body = problem_of(client.post("/api/v1/complaints", json=complaint(channel="phone")), 422)
    assert list(body["errors"]) == ["channel"]
    assert "Only staff" in body["errors"]["channel"][0]
    anonymous = complaint(complainant={}, channel="anonymous")
    assert client.post("/api/v1/complaints", json=anonymous).status_code == 201


def test_staff_may_set_every_staff_only_field(client, processes, handler):
    body = complaint(channel="in_person", received_at="2026-11-20T10:00:00+00:00", received_by="Branch 4")
    data = _data(client, processes, body, handler)
    assert (data["channel"], data["received_by"]) == ("in_person", "Branch 4")


def test_the_intake_form_decides_which_fields_are_staff_only(client, service, tmp_path):
    """A process owner marks `subject` staff-only in the form: the public intake refuses it from then on."""
    form = json.loads(INTAKE_FORM.read_text())
    for group in form["components"]:
        for comp in group.get("components", []):
            if comp.get("key") == "subject":
                comp["properties"] = {"staff_only": "true"}
    (tmp_path / "complaint_intake.json").write_text(json.dumps(form))
    deploy(
        service,
        FIXTURES / "processes" / "complaint_handling.bpmn",
        FIXTURES / "processes" / "dispute_resolution.bpmn",
        FIXTURES / "forms" / "review.json",
        FIXTURES / "forms" / "referral.json",
        tmp_path / "complaint_intake.json",
    )
    body = problem_of(client.post("/api/v1/complaints", json=complaint()), 422)
    assert body["errors"] == {"subject": ["Only staff may set this field."]}
    without = complaint()
    del without["subject"]
    assert client.post("/api/v1/complaints", json=without).status_code == 201


def test_a_misspelt_form_property_is_refused_at_deploy(tmp_path):
    from engine.core.errors import ProcessInvalid
    from engine.registry import validate_bundle

    form = json.loads(INTAKE_FORM.read_text())
    form["components"][1]["components"][0]["properties"] = {"codes": "iso639", "staff_only": "yes"}
    (tmp_path / "complaint_intake.json").write_text(json.dumps(form))
    bundle = load_bundle(
        [FIXTURES / "processes" / "complaint_handling.bpmn", tmp_path / "complaint_intake.json"]
    )
    with pytest.raises(ProcessInvalid) as err:
        validate_bundle(bundle)
    messages = [p.message for p in err.value.problems]
    assert any("staff_only" in m and "'yes'" in m for m in messages), messages
    assert any("codes" in m and "'iso639'" in m for m in messages), messages


def test_received_at_and_by_stay_staff_only_with_a_form_that_marks_nothing(client, service, tmp_path):
    form = json.loads(INTAKE_FORM.read_text())
    for group in form["components"]:
        for comp in group.get("components", []):
            comp.pop("properties", None)
    (tmp_path / "complaint_intake.json").write_text(json.dumps(form))
    deploy(
        service,
        FIXTURES / "processes" / "complaint_handling.bpmn",
        FIXTURES / "processes" / "dispute_resolution.bpmn",
        FIXTURES / "forms" / "review.json",
        FIXTURES / "forms" / "referral.json",
        tmp_path / "complaint_intake.json",
    )
    body = complaint(received_at="2026-11-20T10:00:00+00:00", received_by="Someone")
    refused = problem_of(client.post("/api/v1/complaints", json=body), 422)
    assert set(refused["errors"]) == {"received_at", "received_by"}
