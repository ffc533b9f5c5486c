"""SLA profiles: the shipped TOML, each regime's key deadline, pauses, warnings and loader errors."""

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.deadlines import (
    REQUIRED_DEADLINES,
    Duration,
    ProfileError,
    SlaProfile,
    default_profiles_path,
    load_profiles,
)

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
REPO_PROFILES = Path(__file__).resolve().parents[3] / "processes" / "sla_profiles.toml"
EXPECTED = {
    "default", "uk_fca", "uk_fca_scotland", "uk_payment_services", "eu_psd2", "au_asic_standard",
    "au_asic_superannuation", "au_asic_hardship", "us_cfpb", "vn_consumer", "eu_adr",
}  # fmt: skip


@pytest.fixture(scope="module")
def profiles() -> dict[str, SlaProfile]:
    return load_profiles(REPO_PROFILES)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_shipped_file_has_every_profile_and_required_deadline(profiles: dict[str, SlaProfile]) -> None:
    assert set(profiles) >= EXPECTED
    for name, profile in profiles.items():
        assert set(REQUIRED_DEADLINES) <= set(profile.deadlines), name
        assert profile.name == name and profile.title


def test_default_path_is_the_repo_file_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REDRESSAL_SLA_PROFILES", raising=False)
    assert default_profiles_path() == REPO_PROFILES
    other = tmp_path / "other.toml"
    other.write_text(_profile_toml("only"))
    monkeypatch.setenv("REDRESSAL_SLA_PROFILES", str(other))
    assert default_profiles_path() == other
    assert set(load_profiles()) == {"only"}


def test_uk_fca_final_response_is_eight_calendar_weeks(profiles: dict[str, SlaProfile]) -> None:
    fca = profiles["uk_fca"]
    times = {"receipt": london(2026, 3, 2, 10, 0)}  # GMT; due falls in BST at the same wall time
    assert fca.due("final_response", times) == london(2026, 4, 27, 10, 0)
    assert fca.rule("final_response").regulatory


def test_uk_fca_summary_resolution_received_before_a_bank_holiday(profiles: dict[str, SlaProfile]) -> None:
    # Thursday before Easter: Good Friday and (in England and Wales only) Easter Monday are skipped.
    times = {"receipt": london(2026, 4, 2, 10, 0)}
    assert profiles["uk_fca"].due("summary_resolution", times) == london(2026, 4, 9, 17, 0)
    assert profiles["uk_fca_scotland"].due("summary_resolution", times) == london(2026, 4, 8, 17, 0)


def test_uk_payment_services_holding_reply_and_final_in_business_days(
    profiles: dict[str, SlaProfile],
) -> None:
    ps = profiles["uk_payment_services"]
    times = {"receipt": london(2026, 5, 22, 11, 0)}  # Friday before the Spring Bank Holiday
    assert ps.due("holding_reply", times) == london(2026, 6, 15, 17, 0)
    assert ps.due("final_response", times) == london(2026, 7, 13, 17, 0)
    assert ps.due("summary_resolution", times) == london(2026, 5, 28, 17, 0)  # inherited from uk_fca


def test_eu_psd2_uses_the_same_business_day_figures(profiles: dict[str, SlaProfile]) -> None:
    psd2, brussels = profiles["eu_psd2"], ZoneInfo("Europe/Brussels")
    times = {"receipt": datetime(2026, 6, 1, 9, 0, tzinfo=brussels)}  # Monday
    assert psd2.due("holding_reply", times) == datetime(2026, 6, 22, 17, 0, tzinfo=brussels)
    assert psd2.due("final_response", times) == datetime(2026, 7, 20, 17, 0, tzinfo=brussels)


def test_asic_standard_acknowledges_in_24_elapsed_hours_across_dst(profiles: dict[str, SlaProfile]) -> None:
    asic = profiles["au_asic_standard"]
    times = {"receipt": datetime(2026, 4, 4, 10, 0, tzinfo=SYDNEY)}  # Sydney leaves DST on 5 April
    due = asic.due("acknowledge", times)
    assert due == datetime(2026, 4, 5, 9, 0, tzinfo=SYDNEY)
    assert due - times["receipt"] == timedelta(hours=23) and (
        due.astimezone(UTC) - times["receipt"].astimezone(UTC) == timedelta(hours=24)
    )
    assert asic.due("final_response", times) == datetime(2026, 5, 4, 10, 0, tzinfo=SYDNEY)


@pytest.mark.parametrize(
    ("profile", "deadline", "days"),
    [
        ("au_asic_hardship", "final_response", 21),
        ("au_asic_superannuation", "final_response", 45),
        ("au_asic_standard", "provider_reply", 21),
        ("us_cfpb", "holding_reply", 15),
        ("us_cfpb", "final_response", 60),
    ],
)
def test_calendar_day_deadlines(
    profiles: dict[str, SlaProfile], profile: str, deadline: str, days: int
) -> None:
    p = profiles[profile]
    start = datetime(2026, 5, 11, 23, 30, tzinfo=UTC)
    times = {"receipt": start, "lodged": start}
    due = p.due(deadline, times)
    assert due.tzinfo == p.calendar.zone
    assert due == start + timedelta(days=days)
    assert p.rule(deadline).regulatory


def test_vn_consumer_seven_working_days_skip_tet(profiles: dict[str, SlaProfile]) -> None:
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    times = {"receipt": datetime(2027, 2, 2, 16, 0, tzinfo=hcm)}  # Tuesday before Tet (4-10 Feb 2027)
    assert profiles["vn_consumer"].due("acknowledge", times) == datetime(2027, 2, 18, 17, 0, tzinfo=hcm)


def test_eu_adr_counts_decision_from_the_complete_file(profiles: dict[str, SlaProfile]) -> None:
    adr, brussels = profiles["eu_adr"], ZoneInfo("Europe/Brussels")
    times = {
        "receipt": datetime(2026, 3, 2, 9, 0, tzinfo=brussels),
        "file_complete": datetime(2026, 3, 16, 9, 0, tzinfo=brussels),
    }
    assert adr.due("acceptance", times) == datetime(2026, 3, 23, 9, 0, tzinfo=brussels)
    assert adr.due("final_response", times) == datetime(2026, 6, 14, 9, 0, tzinfo=brussels)


def test_pause_moves_internal_deadlines_only(profiles: dict[str, SlaProfile]) -> None:
    fca, pause = profiles["uk_fca"], timedelta(days=5, hours=3)
    times = {"receipt": london(2026, 5, 5, 10, 0), "communicated": london(2026, 5, 6, 12, 0)}
    assert fca.due("acknowledge", times, pause) == fca.due("acknowledge", times) + pause
    assert fca.due("final_response", times, pause) == fca.due("final_response", times)
    assert fca.due("summary_resolution", times, pause) == fca.due("summary_resolution", times)
    # Waiting for the complainant is what complainant_reply measures, so it never pauses.
    assert fca.due("complainant_reply", times, pause) == london(2026, 5, 20, 12, 0)
    with pytest.raises(ValueError, match="negative"):
        fca.due("acknowledge", times, -pause)


def test_a_regulatory_deadline_may_opt_into_pausing(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    line = 'final_response = { duration = "P1D", regulatory = false }'
    path.write_text(
        _profile_toml("x").replace(
            line, 'final_response = { duration = "P8W", regulatory = true, pausable = true }'
        )
    )
    p = load_profiles(path)["x"]
    times = {"receipt": datetime(2026, 5, 5, 10, 0, tzinfo=UTC)}
    assert p.due("final_response", times, timedelta(days=2)) == datetime(2026, 7, 2, 10, 0, tzinfo=UTC)


def test_warning_at_is_a_share_of_the_span(profiles: dict[str, SlaProfile]) -> None:
    fca = profiles["uk_fca"]
    times = {"receipt": london(2026, 5, 1, 10, 0)}
    assert fca.warning_at("final_response", times) == london(2026, 6, 12, 10, 0)  # 6 of 8 weeks
    assert fca.warning_at("acknowledge", times, timedelta(days=4)) == london(2026, 5, 7, 15, 15)


def test_unknown_deadline_and_missing_event_are_explained(profiles: dict[str, SlaProfile]) -> None:
    times = {"receipt": london(2026, 5, 1, 10, 0)}
    with pytest.raises(KeyError, match=r"no deadline 'final_reponse'.*final_response.*survey"):
        profiles["uk_fca"].due("final_reponse", times)
    with pytest.raises(KeyError, match=r"counts from event 'communicated'"):
        profiles["uk_fca"].due("complainant_reply", times)


def test_naive_event_time_is_refused(profiles: dict[str, SlaProfile]) -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        profiles["uk_fca"].due("final_response", {"receipt": datetime(2026, 5, 1, 10, 0)})


def test_profile_version_follows_calendar_and_rules(profiles: dict[str, SlaProfile]) -> None:
    fca, ps, scot = profiles["uk_fca"], profiles["uk_payment_services"], profiles["uk_fca_scotland"]
    assert fca.calendar.version == ps.calendar.version and fca.version != ps.version
    assert fca.calendar.version != scot.calendar.version
    assert load_profiles(REPO_PROFILES)["uk_fca"].version == fca.version


def test_profiles_are_read_only_and_pickle(profiles: dict[str, SlaProfile]) -> None:
    fca = profiles["uk_fca"]
    with pytest.raises(TypeError):
        fca.deadlines["final_response"] = fca.deadlines["acknowledge"]  # type: ignore[index]
    copy = pickle.loads(pickle.dumps(fca))
    assert copy.version == fca.version and copy.deadlines == fca.deadlines


@pytest.mark.parametrize(
    ("text", "days", "hours", "business"),
    [
        ("P8W", 56, 0, None),
        ("P30D", 30, 0, None),
        ("PT24H", 0, 24, None),
        ("P1W2DT3H30M", 9, 3.5, None),
        ("1 business day", 0, 0, 1),
        ("35 business days", 0, 0, 35),
        ("7 working days", 0, 0, 7),
    ],
)
def test_duration_parsing(text: str, days: int, hours: float, business: int | None) -> None:
    d = Duration.parse(text)
    assert (d.days, d.elapsed, d.business_days) == (days, timedelta(hours=hours), business)


@pytest.mark.parametrize("text", ["P", "PT", "P1M", "P1Y", "8 weeks", "P8WT", "three business days", "-P1D"])
def test_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        Duration.parse(text)


def _profile_toml(name: str, **fields: str) -> str:
    """A minimal valid profile; ``fields`` replace or add raw TOML lines before the deadlines table."""
    head = {"timezone": '"UTC"', **fields}
    lines = [f"[profiles.{name}]", *(f"{k} = {v}" for k, v in head.items()), f"[profiles.{name}.deadlines]"]
    lines += [f'{d} = {{ duration = "P1D", regulatory = false }}' for d in REQUIRED_DEADLINES]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("toml", "profile", "field", "hint"),
    [
        (_profile_toml("p", colour='"red"'), "p", "colour", "unknown field"),
        (_profile_toml("p", timezone='"Europe/Londn"'), "p", "timezone", "not a known time zone"),
        (_profile_toml("p", holidays='{ country = "XX" }'), "p", "holidays", "ISO country code"),
        (
            _profile_toml("p", holidays='{ country = "GB", subdivision = "LDN" }'),
            "p",
            "holidays",
            "subdivision",
        ),
        (_profile_toml("p", extends='"nope"'), "p", "extends", "no profile 'nope'"),
        (
            _profile_toml("a", extends='"b"') + _profile_toml("b", extends='"a"'),
            "b",
            "extends",
            "a -> b -> a",
        ),
        (_profile_toml("p", weekend='["fri", "sabbath"]'), "p", "weekend", "not a weekday"),
        (_profile_toml("p", cutoff='"5pm"'), "p", "cutoff", "HH:MM"),
        (_profile_toml("p", warning_share="1.5"), "p", "warning_share", "between 0 and 1"),
        (_profile_toml("p", extra_closed_days='["2026-13-01"]'), "p", "extra_closed_days", "YYYY-MM-DD"),
        (
            _profile_toml("p").replace('survey = { duration = "P1D"', 'survey = { duration = "P1M"'),
            "p",
            "deadlines.survey.duration",
            "months and years",
        ),
        (
            _profile_toml("p").replace("regulatory = false }", "regulatory = false, form = 'x' }", 1),
            "p",
            "deadlines.acknowledge.form",
            "unknown field",
        ),
        (
            _profile_toml("p").replace('survey = { duration = "P1D", regulatory = false }', ""),
            "p",
            "deadlines",
            "missing survey",
        ),
        (
            _profile_toml("p").replace('duration = "P1D", regulatory = false', 'duration = "P1D"', 1),
            "p",
            "deadlines.acknowledge.regulatory",
            "missing",
        ),
        (
            _profile_toml("p").replace("regulatory = false", 'regulatory = "yes"', 1),
            "p",
            "deadlines.acknowledge.regulatory",
            "true or false",
        ),
    ],
)
def test_loader_errors_name_file_profile_and_field(
    tmp_path: Path, toml: str, profile: str, field: str, hint: str
) -> None:
    path = tmp_path / "bad_profiles.toml"
    path.write_text(toml)
    with pytest.raises(ProfileError) as info:
        load_profiles(path)
    message = str(info.value)
    assert message.startswith(f"{path}: profile '{profile}', field '{field}': ")
    assert hint in message and message.endswith(".") and "\n" not in message


def test_inherited_deadline_errors_name_the_profile_that_wrote_them(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(  # child first, so the error is met while resolving the child
        '[profiles.child]\nextends = "base"\n'
        + _profile_toml("base").replace('"P1D", regulatory = false }', '"P9X", regulatory = false }', 1)
    )
    with pytest.raises(ProfileError, match=r"profile 'base', field 'deadlines.acknowledge.duration'"):
        load_profiles(path)


def test_inheritance_merges_deadlines_and_replaces_fields(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        _profile_toml("base", close_of_business='"18:00"')
        + '[profiles.child]\nextends = "base"\ntimezone = "Europe/London"\n'
        + '[profiles.child.deadlines]\nfinal_response = { duration = "P8W", regulatory = true }\n'
    )
    child = load_profiles(path)["child"]
    assert child.calendar.timezone == "Europe/London"
    assert child.calendar.cutoff == child.calendar.close_of_business and child.calendar.cutoff.hour == 18
    assert child.rule("final_response").regulatory and not child.rule("survey").regulatory
    assert child.title == "child"


def test_file_level_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ProfileError, match=rf"{missing}: file not found"):
        load_profiles(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[profiles.x\n")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profiles(broken)
    stray = tmp_path / "stray.toml"
    stray.write_text(_profile_toml("x") + "[uk_fca]\ntitle = 'x'\n")
    with pytest.raises(ProfileError, match="unknown top-level key 'uk_fca'"):
        load_profiles(stray)
