"""The real complaint process at intake: category and product wait for the assessment, jurisdictions are
ISO 3166 codes whose calendar region picks the SLA profile."""

from __future__ import annotations

import json
import shutil

import pytest

from engine.core.errors import FormInvalid
from tests.support.builders import ROOT, deploy, make_user
from tests.support.paths import COMPLAINT, FORM_DATA, Desk, intake


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def test_a_complaint_without_category_product_jurisdiction_or_consent_starts(desk):
    data = intake(channel="web")
    for key in ("category", "product", "jurisdiction", "consent_to_process", "received_by"):
        del data[key]
    ref = desk.service.start_case(COMPLAINT, data, desk.handler).reference
    case = desk.case(ref)
    assert case.data["category"] is None and case.data["product"] is None
    assert case.data["sla_profile"] == "default"
    assert desk.state(ref) == ("open", "acknowledgement", ["acknowledgement"])


def test_the_assessment_requires_category_and_product(desk):
    data = intake()
    del data["category"], data["product"]
    ref = desk.service.start_case(COMPLAINT, data, desk.handler).reference
    desk.complete(ref, "acknowledgement")
    for key in ("category", "product"):
        with pytest.raises(FormInvalid) as exc:
            desk.complete(ref, "assessment", **{key: None})
        assert key in exc.value.errors
    desk.complete(ref, "assessment", category="billing", product="Water supply account")
    data = desk.case(ref).data
    assert (data["category"], data["product"]) == ("billing", "Water supply account")


@pytest.mark.parametrize(
    ("jurisdiction", "region", "profile"),
    [
        ("GB", "GB-ENG", "uk_fca"),
        ("GB-EDH", "GB-SCT", "uk_fca_scotland"),  # Edinburgh is in Scotland: Scottish holidays
        ("GB-LND", "GB-ENG", "uk_fca"),
        ("US-CA", "US-CA", "us_cfpb"),
        ("AU-NSW", "AU-NSW", "au_asic_standard"),
        ("DE-BY", "DE-BY", "default"),  # not payment services: no EU regime applies
        ("other", "other", "default"),
    ],
)
def test_the_calendar_region_of_the_jurisdiction_picks_the_profile(desk, jurisdiction, region, profile):
    ref = desk.file(jurisdiction=jurisdiction, category="fees_and_charges")
    data = desk.case(ref).data
    assert (data["jurisdiction"], data["calendar_region"], data["sla_profile"]) == (
        jurisdiction,
        region,
        profile,
    )


def test_a_subdivision_of_an_eu_state_gets_psd2_for_payment_services(desk):
    ref = desk.file(jurisdiction="de-by", category="payment_services")
    data = desk.case(ref).data
    assert (data["jurisdiction"], data["sla_profile"]) == ("DE-BY", "eu_psd2")


def test_an_unknown_jurisdiction_is_refused_by_the_form(desk):
    with pytest.raises(FormInvalid) as exc:
        desk.file(jurisdiction="XX")
    assert list(exc.value.errors) == ["jurisdiction"]


def test_a_case_started_before_the_change_keeps_its_version(service, clock, tmp_path):
    """The assessment asks for the product from version 2 on; a case started on version 1 is assessed with
    version 1's form, and a new case with version 2's."""
    old_forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", old_forms)
    assessment = json.loads((old_forms / "assessment.json").read_text())
    assessment["components"] = [c for c in assessment["components"] if c.get("key") != "product"]
    (old_forms / "assessment.json").write_text(json.dumps(assessment))
    deploy(service, ROOT / "processes", forms=old_forms)
    olga = make_user(service, "olga", "handlers")
    before = service.start_case(COMPLAINT, intake(), olga).reference

    desk = Desk(service, clock)  # deploys processes/ with forms/: version 2
    after = desk.file()
    without_product = {k: v for k, v in FORM_DATA["assessment"].items() if k != "product"}
    for ref in (before, after):
        desk.complete(ref, "acknowledgement")
    with pytest.raises(FormInvalid) as exc:
        service.complete_task(desk.task(after, "assessment").id, without_product, desk.handler)
    assert list(exc.value.errors) == ["product"]
    service.complete_task(desk.task(before, "assessment").id, without_product, desk.handler)
    assert desk.state(before)[1] == "investigation"
