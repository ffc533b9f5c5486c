"""Profiles for Poland, China, Hong Kong and Taiwan: each key deadline across its own holidays, the last-day
rules of the civil codes, extensions as the profiles allow them, and the loader's checks of the new keys."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.deadlines import Duration, ProfileError, SlaProfile, load_profiles
from tests.engine.deadlines.test_profiles import REPO_PROFILES, _profile_toml

WARSAW = ZoneInfo("Europe/Warsaw")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
TAIPEI = ZoneInfo("Asia/Taipei")


@pytest.fixture(scope="module")
def profiles() -> dict[str, SlaProfile]:
    return load_profiles(REPO_PROFILES)


def end_of(zone: ZoneInfo, *day: int) -> datetime:
    return datetime(*day, 23, 59, 59, tzinfo=zone)


def test_the_new_profiles_are_shipped_with_their_holiday_calendars(profiles) -> None:
    calendars = {
        name: (profiles[name].calendar.country, profiles[name].calendar.timezone)
        for name in ("pl_financial", "pl_consumer", "pl_payment_services", "cn_nfra", "hk_hkma", "tw_fcpa")
    }
    assert calendars == {
        "pl_financial": ("PL", "Europe/Warsaw"),
        "pl_consumer": ("PL", "Europe/Warsaw"),
        "pl_payment_services": ("PL", "Europe/Warsaw"),
        "cn_nfra": ("CN", "Asia/Shanghai"),
        "hk_hkma": ("HK", "Asia/Hong_Kong"),
        "tw_fcpa": ("TW", "Asia/Taipei"),
    }
    for name in calendars:
        assert profiles[name].rule("final_response").regulatory, name


def test_poland_thirty_days_end_on_the_next_working_day_after_corpus_christi(profiles) -> None:
    """Received Tuesday 27 April 2027: day 30 is Thursday 27 May, Corpus Christi (a public holiday), so the
    period ends at the end of Friday 28 May (civil code art. 111 and 115)."""
    received = {"receipt": datetime(2027, 4, 27, 10, 30, tzinfo=WARSAW)}
    for name in ("pl_financial", "pl_consumer"):
        assert profiles[name].due("final_response", received) == end_of(WARSAW, 2027, 5, 28), name


def test_poland_day_thirty_on_a_saturday_and_on_constitution_day(profiles) -> None:
    pl = profiles["pl_consumer"]
    # Day 30 is Saturday 1 May (Labour Day), then Sunday, then Monday 3 May (Constitution Day): Tuesday 4 May.
    assert pl.due("final_response", {"receipt": datetime(2027, 4, 1, 9, 0, tzinfo=WARSAW)}) == end_of(
        WARSAW, 2027, 5, 4
    )
    # An ordinary day 30 (Wednesday 26 May) stays, ending at midnight, not at the hour of receipt.
    assert pl.due("final_response", {"receipt": datetime(2027, 4, 26, 16, 0, tzinfo=WARSAW)}) == end_of(
        WARSAW, 2027, 5, 26
    )


def test_poland_particularly_complex_case_ends_on_day_sixty(profiles) -> None:
    pl = profiles["pl_financial"]
    received = {"receipt": datetime(2027, 4, 27, 10, 30, tzinfo=WARSAW)}
    # 60 days from 27 April is Saturday 26 June: Monday 28 June (day 30's holiday roll does not add up).
    assert pl.due("final_response", received, extensions=("P30D",)) == end_of(WARSAW, 2027, 6, 28)
    step = pl.rule("final_response").policy.step(0)
    assert (step.by.days, step.second_approver, step.state_to_establish) == (30, False, True)
    assert pl.rule("final_response").policy.step(1) is None  # one extension only
    assert pl.rule("final_response").policy.breach_outcome == "upheld"  # art. 8


def test_polish_consumer_complaint_has_no_extension_and_is_deemed_accepted(profiles) -> None:
    policy = profiles["pl_consumer"].rule("final_response").policy
    assert policy.extensions == () and policy.on_breach == "deemed_upheld"


def test_china_fifteen_days_across_chinese_new_year_2027(profiles) -> None:
    """Received Friday 22 January 2027: day 15 is Saturday 6 February, in the Spring Festival holiday
    (5-10 February), so the period ends on Thursday 11 February (Civil Code art. 203)."""
    cn = profiles["cn_nfra"]
    received = {"receipt": datetime(2027, 1, 22, 15, 0, tzinfo=SHANGHAI)}
    assert cn.due("final_response", received) == end_of(SHANGHAI, 2027, 2, 11)
    # Complex: extended to 30 days (Sunday 21 February, so Monday 22 February); particularly complex: a
    # further 30 days, 60 in all (Tuesday 23 March).
    assert cn.due("final_response", received, extensions=("P15D",)) == end_of(SHANGHAI, 2027, 2, 22)
    assert cn.due("final_response", received, extensions=("P15D", "P30D")) == end_of(SHANGHAI, 2027, 3, 23)
    steps = cn.rule("final_response").policy.extensions
    assert [(s.by.days, s.second_approver) for s in steps] == [(15, False), (30, True)]


def test_hong_kong_counts_calendar_days_even_over_chinese_new_year(profiles) -> None:
    hk = profiles["hk_hkma"]
    received = {"receipt": datetime(2027, 2, 1, 10, 0, tzinfo=HONG_KONG)}
    # Day 7 is Monday 8 February, the third day of Chinese New Year: the HKMA's days are calendar days.
    assert hk.due("acknowledge", received) == datetime(2027, 2, 8, 10, 0, tzinfo=HONG_KONG)
    assert hk.due("final_response", received) == datetime(2027, 3, 3, 10, 0, tzinfo=HONG_KONG)
    assert hk.rule("acknowledge").regulatory


def test_taiwan_thirty_days_skip_national_day_and_its_observed_monday(profiles) -> None:
    """Received Friday 10 September 2027: day 30 is Sunday 10 October (National Day), observed on Monday 11
    October, so the period ends on Tuesday 12 October (Civil Code art. 122)."""
    tw = profiles["tw_fcpa"]
    received = {"receipt": datetime(2027, 9, 10, 11, 0, tzinfo=TAIPEI)}
    assert tw.due("final_response", received) == end_of(TAIPEI, 2027, 10, 12)


def test_polish_payment_services_use_polish_business_days(profiles) -> None:
    pl = profiles["pl_payment_services"]
    # Received Wednesday 28 April 2027: 15 business days skip Monday 3 May (Constitution Day).
    received = {"receipt": datetime(2027, 4, 28, 10, 0, tzinfo=WARSAW)}
    assert pl.due("holding_reply", received) == datetime(2027, 5, 20, 17, 0, tzinfo=WARSAW)


def test_seconds_are_durations_for_tests_and_demonstrations() -> None:
    assert Duration.parse("PT8S").elapsed == timedelta(seconds=8)
    assert Duration.parse("PT1M30S").elapsed == timedelta(seconds=90)


def _with_final(policy: str) -> str:
    toml = _profile_toml("p")
    return toml.replace(
        'final_response = { duration = "P1D", regulatory = false }',
        f'final_response = {{ duration = "P1D", regulatory = true, {policy} }}',
    )


@pytest.mark.parametrize(
    ("policy", "field", "hint"),
    [
        ('extensions = { by = "P1D" }', "deadlines.final_response.extensions", "must be a list"),
        ("extensions = [{ times = 2 }]", "deadlines.final_response.extensions[1].by", "missing"),
        ('extensions = [{ by = "P1M" }]', "deadlines.final_response.extensions[1].by", "months and years"),
        (
            'extensions = [{ by = "5 business days" }]',
            "deadlines.final_response.extensions[1].by",
            "must be calendar time",
        ),
        (
            'extensions = [{ by = "P1D", approver = true }]',
            "deadlines.final_response.extensions[1].approver",
            "unknown field",
        ),
        (
            'extensions = [{ by = "P1D", times = 0 }]',
            "deadlines.final_response.extensions[1].times",
            "from 1 to 10",
        ),
        ('on_breach = "deemed_rejected"', "deadlines.final_response.on_breach", "deemed_upheld"),
        ('end_of_day = "yes"', "deadlines.final_response.end_of_day", "true or false"),
    ],
)
def test_policy_errors_name_file_profile_and_deadline(
    tmp_path: Path, policy: str, field: str, hint: str
) -> None:
    path = tmp_path / "bad_profiles.toml"
    path.write_text(_with_final(policy))
    with pytest.raises(ProfileError) as info:
        load_profiles(path)
    message = str(info.value)
    assert message.startswith(f"{path}: profile 'p', field '{field}': "), message
    assert hint in message


def test_a_policy_changes_the_profile_version(tmp_path: Path) -> None:
    plain, extended = tmp_path / "a.toml", tmp_path / "b.toml"
    plain.write_text(_profile_toml("p"))
    extended.write_text(
        _with_final('extensions = [{ by = "P1D" }]').replace("regulatory = true", "regulatory = false")
    )
    assert load_profiles(plain)["p"].version != load_profiles(extended)["p"].version
