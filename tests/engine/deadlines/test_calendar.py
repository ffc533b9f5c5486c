"""Business calendars against real `holidays` data: regions, Tet, cut-off, zones and weekends."""

import pickle
import timeit
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.deadlines import BusinessCalendar, weekday_numbers

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")

ENGLAND = BusinessCalendar("Europe/London", "GB", "ENG")
SCOTLAND = BusinessCalendar("Europe/London", "GB", "SCT")
VIETNAM = BusinessCalendar("Asia/Ho_Chi_Minh", "VN")
NSW = BusinessCalendar("Australia/Sydney", "AU", "NSW")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "england", "scotland"),
    [
        (date(2026, 1, 2), True, False),  # 2 January: Scotland only
        (date(2026, 4, 6), False, True),  # Easter Monday: not in Scotland
        (date(2026, 8, 3), True, False),  # Scottish summer bank holiday
        (date(2026, 8, 31), False, True),  # English late summer bank holiday
        (date(2026, 11, 30), True, False),  # St Andrew's Day (a Monday)
        (date(2027, 1, 4), True, False),  # 2 Jan 2027 is a Saturday; Scotland observes it on Monday 4th
        (date(2026, 12, 25), False, False),
        (date(2026, 12, 28), False, False),  # Boxing Day observed
        (date(2026, 5, 9), False, False),  # Saturday
    ],
)
def test_regional_bank_holidays(day: date, england: bool, scotland: bool) -> None:
    assert ENGLAND.is_business_day(day) is england
    assert SCOTLAND.is_business_day(day) is scotland


def test_new_year_2027_scotland_takes_one_more_day() -> None:
    received = london(2026, 12, 31, 10, 0)
    assert ENGLAND.add_business_days(received, 3) == london(2027, 1, 6, 17, 0)
    assert SCOTLAND.add_business_days(received, 3) == london(2027, 1, 7, 17, 0)


def test_st_andrews_day_moves_scottish_deadline() -> None:
    received = london(2026, 11, 27, 12, 0)  # Friday
    assert ENGLAND.add_business_days(received, 1) == london(2026, 11, 30, 17, 0)
    assert SCOTLAND.add_business_days(received, 1) == london(2026, 12, 1, 17, 0)


def test_tet_2027_is_skipped_by_seven_working_days() -> None:
    received = datetime(2027, 2, 3, 10, 0, tzinfo=HCM)  # Wednesday before Tet (4-10 Feb)
    assert all(not VIETNAM.is_business_day(date(2027, 2, d)) for d in range(4, 11))
    assert VIETNAM.add_business_days(received, 7) == datetime(2027, 2, 19, 17, 0, tzinfo=HCM)
    without_holidays = BusinessCalendar("Asia/Ho_Chi_Minh")
    assert without_holidays.add_business_days(received, 7) == datetime(2027, 2, 12, 17, 0, tzinfo=HCM)


def test_cutoff_receipt_after_close_counts_next_business_day() -> None:
    assert ENGLAND.receipt_day(london(2026, 5, 12, 17, 0)) == date(2026, 5, 12)  # at cut-off: same day
    assert ENGLAND.receipt_day(london(2026, 5, 12, 17, 30)) == date(2026, 5, 13)
    assert ENGLAND.add_business_days(london(2026, 5, 12, 17, 30), 3) == london(2026, 5, 18, 17, 0)


def test_custom_cutoff_earlier_than_close_of_business() -> None:
    cal = replace(ENGLAND, cutoff=datetime(2000, 1, 1, 15, 0).time())
    assert cal.receipt_day(london(2026, 5, 12, 15, 30)) == date(2026, 5, 13)
    assert cal.add_business_days(london(2026, 5, 12, 15, 30), 0) == london(2026, 5, 13, 17, 0)


def test_friday_evening_receipt_counts_on_monday() -> None:
    received = london(2026, 5, 15, 19, 45)  # Friday
    assert ENGLAND.receipt_day(received) == date(2026, 5, 18)
    assert ENGLAND.add_business_days(received, 0) == london(2026, 5, 18, 17, 0)
    assert ENGLAND.add_business_days(received, 3) == london(2026, 5, 21, 17, 0)


def test_weekend_receipt_before_bank_holiday_monday() -> None:
    received = london(2026, 5, 23, 9, 0)  # Saturday before Spring Bank Holiday
    assert ENGLAND.receipt_day(received) == date(2026, 5, 26)


def test_receipt_day_is_taken_in_the_calendars_zone() -> None:
    received = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # Thursday in UTC, Friday 10:30 in Sydney
    assert NSW.receipt_day(received) == date(2026, 3, 6)
    due = NSW.add_business_days(received, 1)
    assert due == datetime(2026, 3, 9, 17, 0, tzinfo=SYDNEY)
    assert due.utcoffset() == timedelta(hours=11)
    # The cut-off is Sydney's 17:00 (06:00 UTC in March), not the server's.
    afternoon = datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    assert NSW.receipt_day(afternoon) == date(2026, 3, 6)
    assert BusinessCalendar("UTC").receipt_day(afternoon) == date(2026, 3, 5)


def test_result_is_in_calendar_zone_whatever_the_input_offset() -> None:
    received = datetime(2026, 5, 12, 9, 0, tzinfo=ZoneInfo("America/New_York"))  # 14:00 in London
    due = ENGLAND.add_business_days(received, 1)
    assert due.tzinfo == LONDON and due == london(2026, 5, 13, 17, 0)


def test_friday_saturday_weekend() -> None:
    cal = BusinessCalendar("Asia/Dubai", weekend=weekday_numbers(["fri", "sat"]))
    assert not cal.is_business_day(date(2026, 5, 8))  # Friday
    assert cal.is_business_day(date(2026, 5, 10))  # Sunday
    dubai = ZoneInfo("Asia/Dubai")
    assert cal.add_business_days(datetime(2026, 5, 7, 10, 0, tzinfo=dubai), 1) == datetime(
        2026, 5, 10, 17, 0, tzinfo=dubai
    )


def test_extra_closed_days_are_skipped() -> None:
    received = london(2026, 12, 23, 10, 0)
    assert ENGLAND.add_business_days(received, 1) == london(2026, 12, 24, 17, 0)
    closed = replace(ENGLAND, extra_closed_days=frozenset({date(2026, 12, 24)}))
    assert closed.add_business_days(received, 1) == london(2026, 12, 29, 17, 0)


def test_version_is_stable_and_changes_with_the_definition() -> None:
    same = BusinessCalendar("Europe/London", "GB", "ENG")
    assert same.version == ENGLAND.version and same == ENGLAND and hash(same) == hash(ENGLAND)
    closed = replace(ENGLAND, extra_closed_days=frozenset({date(2026, 12, 24)}))
    assert closed.version != ENGLAND.version
    assert SCOTLAND.version != ENGLAND.version
    assert replace(ENGLAND, cutoff=datetime(2000, 1, 1, 16, 0).time()).version != ENGLAND.version
    assert len(ENGLAND.version) == 12


def test_pickles_by_definition() -> None:
    copy = pickle.loads(pickle.dumps(replace(SCOTLAND, extra_closed_days=frozenset({date(2026, 12, 24)}))))
    assert copy.version != SCOTLAND.version and not copy.is_business_day(date(2026, 12, 24))
    assert not copy.is_business_day(date(2026, 11, 30))


@pytest.mark.parametrize("call", ["receipt_day", "add_business_days", "business_days_between"])
def test_naive_datetimes_are_refused(call: str) -> None:
    naive = datetime(2026, 5, 12, 10, 0)
    args = {"receipt_day": (naive,), "add_business_days": (naive, 3), "business_days_between": (naive, naive)}
    with pytest.raises(ValueError, match="no UTC offset"):
        getattr(ENGLAND, call)(*args[call])


def test_invalid_definitions_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar("Europe/Londn")
    with pytest.raises(ValueError, match="holiday country"):
        BusinessCalendar("UTC", "XX")
    with pytest.raises(ValueError, match="weekend"):
        BusinessCalendar("UTC", weekend=frozenset(range(7)))
    with pytest.raises(ValueError, match="negative"):
        ENGLAND.add_business_days(london(2026, 5, 12, 10, 0), -1)
    with pytest.raises(ValueError, match="not a weekday"):
        weekday_numbers(["friday", "sabbath"])


@pytest.mark.parametrize("cal", [ENGLAND, SCOTLAND, VIETNAM, NSW], ids=["ENG", "SCT", "VN", "NSW"])
def test_adding_matches_a_day_by_day_walk_and_counting(cal: BusinessCalendar) -> None:
    """Cross-check the cached bisect and the week arithmetic against the obvious slow walk, across years."""
    day = date(2026, 11, 1)
    while day < date(2027, 3, 1):
        received = datetime(day.year, day.month, day.day, 12, 0, tzinfo=cal.zone)
        walk = cal.receipt_day(received)
        for n in range(0, 40):
            if n:
                walk += timedelta(days=1)
                while walk.weekday() in cal.weekend or not cal.is_business_day(walk):
                    walk += timedelta(days=1)
            due = cal.add_business_days(received, n)
            assert due.date() == walk, (received, n)
            assert cal.business_days_between(cal.receipt_day(received), due) == n
        day += timedelta(days=3)
    assert cal.business_days_between(date(2027, 1, 1), date(2026, 1, 1)) == -cal.business_days_between(
        date(2026, 1, 1), date(2027, 1, 1)
    )


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 5, 9), date(2026, 5, 15), 5),  # Saturday to Friday: Monday to Friday count
        (date(2026, 5, 15), date(2026, 5, 17), 0),  # Friday to Sunday: the start itself never counts
        (date(2026, 5, 22), date(2026, 5, 26), 1),  # over the Spring Bank Holiday
        (date(2026, 5, 22), date(2026, 5, 22), 0),
        (date(2026, 5, 26), date(2026, 5, 22), -1),
    ],
)
def test_business_days_between_counts_after_start_up_to_end(start: date, end: date, count: int) -> None:
    assert ENGLAND.business_days_between(start, end) == count


def test_business_days_in_a_year() -> None:
    # 2026 has 261 weekdays; England and Wales close on 8 of them (Boxing Day is a Saturday).
    assert ENGLAND.business_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253
    assert (
        BusinessCalendar("Europe/London").business_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 261
    )


def test_one_deadline_takes_well_under_a_tenth_of_a_millisecond() -> None:
    received = london(2026, 5, 22, 10, 0)
    ENGLAND.add_business_days(received, 35)  # warm the per-year caches
    runs = 2000
    best = min(timeit.repeat(lambda: ENGLAND.add_business_days(received, 35), number=runs, repeat=3))
    assert best / runs < 1e-4
