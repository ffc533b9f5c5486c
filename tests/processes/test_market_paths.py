"""The real complaint process for Polish, Chinese, Hong Kong and Taiwanese complaints: the decision table
picks the market's profile from the jurisdiction, the deadlines fall where its rules say, an extension moves
the final response, and a Polish consumer complaint left unanswered is deemed accepted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from engine.deadlines.extend import ExtensionDecision, extend_deadline
from tests.support.builders import START
from tests.support.paths import COMPLAINT, Desk, intake


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


def end_of(zone: str, *day: int) -> dt.datetime:
    return dt.datetime(*day, 23, 59, 59, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("jurisdiction", "category", "profile", "final_response"),
    [
        # Received Monday 23 November 2026; day 30 is Wednesday 23 December.
        ("PL", "lending", "pl_financial", end_of("Europe/Warsaw", 2026, 12, 23)),
        ("PL", "delivery", "pl_consumer", end_of("Europe/Warsaw", 2026, 12, 23)),
        # Day 15 is Tuesday 8 December.
        ("CN", "insurance", "cn_nfra", end_of("Asia/Shanghai", 2026, 12, 8)),
        ("HK", "fees_and_charges", "hk_hkma", START + dt.timedelta(days=30)),
        ("TW", "lending", "tw_fcpa", end_of("Asia/Taipei", 2026, 12, 23)),
        ("CN", "delivery", "default", START + dt.timedelta(weeks=8)),  # NFRA covers banks and insurers only
    ],
)
def test_the_decision_table_picks_the_market_profile(desk, jurisdiction, category, profile, final_response):
    ref = desk.acknowledged(jurisdiction=jurisdiction, category=category)
    desk.complete(ref, "assessment", category=category)
    assert desk.case(ref).data["sla_profile"] == profile
    assert desk.due(ref)["final_response"] == final_response


def test_a_chinese_complaint_extended_with_a_superiors_approval(desk):
    ref = desk.acknowledged(jurisdiction="CN", category="insurance")
    desk.complete(ref, "assessment", category="insurance", complexity="complex")
    decide = ExtensionDecision("The reinsurer has to confirm the cover.")
    extend_deadline(desk.service, ref, "final_response", decide, desk.handler)
    approved = ExtensionDecision("The claim needs a second loss adjuster.", approved_by="sam")
    extend_deadline(desk.service, ref, "final_response", approved, desk.handler)
    assert desk.due(ref)["final_response"] == end_of("Asia/Shanghai", 2027, 1, 22)  # day 60
    assert desk.deadlines(ref)["final_response"].due_at == end_of("Asia/Shanghai", 2027, 1, 22)
    assert desk.letters(ref).count("deadline_extension_letter") == 2


def test_a_polish_consumer_complaint_left_unanswered_is_deemed_accepted(desk):
    ref = desk.acknowledged(jurisdiction="PL", category="delivery")
    desk.complete(ref, "assessment", category="delivery")
    assert desk.case(ref).data["sla_profile"] == "pl_consumer"
    desk.wait_until(end_of("Europe/Warsaw", 2026, 12, 23) + dt.timedelta(seconds=1))
    case = desk.case(ref)
    assert case.outcome == "upheld" and case.status != "closed"
    assert case.deemed_outcome["rule"] == "deemed_upheld"
    assert "outcome_deemed" in desk.actions(ref)
    assert desk.deadlines(ref)["final_response"].breached_at is not None


@pytest.mark.parametrize(("jurisdiction", "profile"), [("PL-14", "pl_financial"), ("CN-BJ", "cn_nfra")])
def test_a_subdivision_picks_its_country_profile(desk, jurisdiction, profile):
    """ISO 3166-2 subdivisions (Masovia is PL-14, Beijing CN-BJ) count as their country."""
    data = intake(jurisdiction=jurisdiction, category="lending")
    ref = desk.service.start_case(COMPLAINT, data, desk.handler, validate_start_form=False).reference
    assert desk.case(ref).data["sla_profile"] == profile
