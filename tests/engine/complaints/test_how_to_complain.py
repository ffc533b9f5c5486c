"""The facts of the How to complain page: each step's period as the jurisdiction's SLA profile counts it, and
the ombudsman or ADR body to refer to, with the period to refer in."""

from __future__ import annotations

import pytest

from engine.complaints.how_to_complain import STEPS, Span, how_to_complain
from engine.deadlines.choice import choose_profile
from engine.deadlines.profiles import Duration
from engine.disputes.bodies import BodiesError, ReferralPeriod, load_bodies


def test_uk_complaints_count_business_days_and_weeks_and_may_go_to_the_ombudsman_within_six_months():
    facts = how_to_complain("GB")
    assert (facts.profile, facts.timezone) == ("uk_fca", "Europe/London")
    steps = {step.id: step for step in facts.steps}
    assert [step.id for step in facts.steps] == [step for step, _ in STEPS]
    assert steps["received"].within is None
    assert steps["acknowledged"].within == Span(1, "business_days")
    assert steps["assessed"].within == Span(3, "business_days") and steps["assessed"].regulatory
    assert steps["response"].within == Span(8, "weeks")
    assert not steps["response"].deemed_upheld
    [body] = facts.bodies
    assert body.name == "Financial Ombudsman Service"
    assert body.website == "https://www.financial-ombudsman.org.uk"
    assert body.refer_within == ReferralPeriod(6, "months", "final_response")


def test_polish_financial_complaints_count_calendar_days_may_be_extended_and_are_deemed_upheld_when_late():
    facts = how_to_complain("PL", "lending")
    assert facts.profile == "pl_financial"
    response = next(step for step in facts.steps if step.id == "response")
    assert response.within == Span(30, "calendar_days")
    assert response.extensions == (Span(30, "calendar_days"),)
    assert response.deemed_upheld and response.regulatory
    [body] = facts.bodies
    assert body.id == "pl_rf" and body.refer_within == ReferralPeriod(1, "years", "complaint")


def test_the_profile_is_what_the_decision_table_gives_a_case():
    assert choose_profile("GB-SCT") == "uk_fca_scotland"
    assert choose_profile("GB", "payment_services") == "uk_payment_services"
    assert choose_profile("TW", "insurance") == "tw_fcpa"
    assert choose_profile(None) == choose_profile("other") == "default"
    assert how_to_complain(None).bodies == ()  # nobody named for the default profile


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("P8W", Span(8, "weeks")),
        ("P30D", Span(30, "calendar_days")),
        ("PT24H", Span(24, "hours")),
        ("35 business days", Span(35, "business_days")),
        ("PT90M", Span(90, "minutes")),
    ],
)
def test_periods_keep_the_unit_the_profile_counts_in(text, span):
    assert Span.of(Duration.parse(text)) == span


def test_every_body_names_profiles_that_exist(tmp_path):
    from engine.deadlines import load_profiles

    profiles = load_profiles()
    for body in load_bodies():
        assert set(body.profiles) <= set(profiles), body.id
    bad = tmp_path / "bodies.toml"
    bad.write_text('[bodies.x]\nname = "X"\nrefer_within = { amount = 6, unit = "fortnights" }\n')
    with pytest.raises(BodiesError, match=r"body .x., field .refer_within\.unit."):
        load_bodies(bad)
