"""Business calendars: which days count, and when a business day ends.

Regulators count many deadlines in business days of a given region (FCA DISP 1.5: "by close of the third
business day following the day of receipt"; Vietnam: working days that skip Tet). A calendar turns an instant
of receipt into the day it counts on and the close of business N business days later, in the calendar's own
time zone, so a complaint lodged at 23:30 UTC counts on the Sydney date, not the server's.
"""

from __future__ import annotations

import hashlib
import json
import threading
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ONE_DAY = timedelta(days=1)


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """Refuse naive datetimes: the receipt day depends on the zone, so a guess would move deadlines."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} {value.isoformat()} has no UTC offset; pass an aware datetime "
            "(e.g. 2026-05-04T09:00:00+01:00), because the business day it falls on depends on the zone"
        )
    return value


@dataclass(frozen=True)
class BusinessCalendar:
    """The business days of one jurisdiction, immutable so a case can pin the calendar that timed it.

    ``weekend`` holds Python weekday numbers (Monday=0). ``cutoff`` defaults to ``close_of_business``: a
    receipt strictly after it counts on the next business day. Holidays come from the ``holidays`` package
    and are cached per year, because a deadline is computed every time a case is saved.
    """

    timezone: str = "UTC"
    country: str | None = None
    subdivision: str | None = None
    extra_closed_days: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    close_of_business: time = time(17, 0)
    cutoff: time | None = None
    _zone: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _source: holidays.HolidayBase | None = field(init=False, repr=False, compare=False, hash=False)
    _closed: dict[int, frozenset[date]] = field(init=False, repr=False, compare=False, hash=False)
    _open: dict[int, tuple[int, ...]] = field(init=False, repr=False, compare=False, hash=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False, hash=False)
    _version: str = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        try:
            setattr_(self, "_zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {self.timezone!r}; use an IANA name such as 'Europe/London'"
            ) from exc
        setattr_(self, "extra_closed_days", frozenset(self.extra_closed_days))
        setattr_(self, "weekend", frozenset(self.weekend))
        if not self.weekend <= set(range(7)) or len(self.weekend) == 7:
            raise ValueError(
                f"weekend {sorted(self.weekend)} must be weekday numbers 0-6 leaving a working day"
            )
        if self.cutoff is None:
            setattr_(self, "cutoff", self.close_of_business)
        if self.subdivision and not self.country:
            raise ValueError(f"holiday subdivision {self.subdivision!r} needs a country")
        source = None
        if self.country:
            try:
                source = holidays.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError as exc:
                raise ValueError(f"unknown holiday country or subdivision: {exc}") from exc
        setattr_(self, "_source", source)
        setattr_(self, "_closed", {})
        setattr_(self, "_open", {})
        setattr_(self, "_lock", threading.Lock())
        setattr_(self, "_version", self._compute_version())

    def __reduce__(self) -> tuple[type[BusinessCalendar], tuple[object, ...]]:
        """Pickle by definition only (caches and the lock are rebuilt), so profiles can cross processes."""
        definition = (self.timezone, self.country, self.subdivision, self.extra_closed_days, self.weekend)
        return (BusinessCalendar, (*definition, self.close_of_business, self.cutoff))

    # -- definition ---------------------------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        """The calendar's zone; due datetimes are expressed in it."""
        return self._zone

    @property
    def version(self) -> str:
        """Short hash of the definition and the holidays data, stored with each due date it computes.

        A later edit (a new closure day, an upgraded ``holidays`` release) yields a new version, so past
        breaches can be shown as computed at the time rather than silently recomputed.
        """
        return self._version

    def _compute_version(self) -> str:
        definition = {
            "timezone": self.timezone,
            "country": self.country,
            "subdivision": self.subdivision,
            "extra_closed_days": sorted(d.isoformat() for d in self.extra_closed_days),
            "weekend": sorted(self.weekend),
            "close_of_business": self.close_of_business.isoformat(),
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "holidays": holidays.__version__,
        }
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        return digest[:12]

    # -- days ---------------------------------------------------------------------------------------
    def closed_days(self, year: int) -> frozenset[date]:
        """Public holidays plus extra closed days of ``year`` (weekends excluded), computed once per year."""
        cached = self._closed.get(year)
        if cached is not None:
            return cached
        with self._lock:  # the holidays object fills itself lazily and is not thread-safe
            cached = self._closed.get(year)
            if cached is None:
                days = {d for d in self.extra_closed_days if d.year == year}
                if self._source is not None:
                    self._source.get(date(year, 1, 1))  # expands the lazy object for that year
                    days.update(d for d in self._source if d.year == year)
                cached = frozenset(days)
                self._closed[year] = cached
        return cached

    def is_business_day(self, d: date) -> bool:
        """True unless ``d`` is a weekend day, a public holiday or an extra closed day."""
        if isinstance(d, datetime):
            raise TypeError("is_business_day takes a date; use receipt_day() for an instant")
        return d.weekday() not in self.weekend and d not in self.closed_days(d.year)

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after ``d``."""
        d += _ONE_DAY
        while not self.is_business_day(d):
            d += _ONE_DAY
        return d

    def local(self, instant: datetime) -> datetime:
        """``instant`` (aware) seen in the calendar's zone."""
        return require_aware(instant, "instant").astimezone(self._zone)

    def receipt_day(self, received_at: datetime) -> date:
        """The business day a receipt counts on: the next one if received on a closed day or after cut-off."""
        local = self.local(received_at)
        day = local.date()
        if not self.is_business_day(day) or local.time() > self.cutoff:
            return self.next_business_day(day)
        return day

    def close_of(self, d: date) -> datetime:
        """Close of business on ``d`` as an aware datetime in the calendar's zone."""
        return datetime.combine(d, self.close_of_business, tzinfo=self._zone)

    def add_business_days(self, received_at: datetime, n: int) -> datetime:
        """Close of business of the ``n``-th business day after the receipt day (``n=0``: the receipt day)."""
        if n < 0:
            raise ValueError(f"business days must not be negative, got {n}")
        day = self.receipt_day(received_at)
        year, open_days = day.year, self.business_ordinals(day.year)
        index = bisect_left(open_days, day.toordinal()) + n
        while index >= len(open_days):
            index -= len(open_days)
            year += 1
            open_days = self.business_ordinals(year)
        return self.close_of(date.fromordinal(open_days[index]))

    def business_ordinals(self, year: int) -> tuple[int, ...]:
        """Sorted ordinals of ``year``'s business days, cached, so adding N days is a bisect, not a walk."""
        cached = self._open.get(year)
        if cached is None:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            cached = tuple(o for o in range(first, last + 1) if self.is_business_day(date.fromordinal(o)))
            self._open[year] = cached
        return cached

    def business_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Business days ``d`` with ``start < d <= end`` (negative if ``end`` is earlier).

        Datetimes are turned into local dates (no cut-off), so
        ``business_days_between(receipt_day(t), add_business_days(t, n)) == n``. Counts whole weeks
        arithmetically, so long report ranges stay cheap.
        """
        a, b = self._as_date(start), self._as_date(end)
        if b < a:
            return -self.business_days_between(b, a)
        weeks, rest = divmod((b - a).days, 7)
        count = weeks * (7 - len(self.weekend))
        count += sum((b - timedelta(days=i)).weekday() not in self.weekend for i in range(rest))
        for year in range(a.year, b.year + 1):
            count -= sum(a < d <= b and d.weekday() not in self.weekend for d in self.closed_days(year))
        return count

    def _as_date(self, value: date | datetime) -> date:
        return self.local(value).date() if isinstance(value, datetime) else value


def weekday_numbers(names: Iterable[str]) -> frozenset[int]:
    """Map names like ``["fri", "sat"]`` (or full names) to weekday numbers; ValueError names a bad entry."""
    numbers = set()
    for name in names:
        key = str(name).strip().lower()
        index = next((i for i, short in enumerate(WEEKDAY_NAMES) if key in (short, _FULL_NAMES[i])), None)
        if index is None:
            raise ValueError(f"{name!r} is not a weekday; use {', '.join(WEEKDAY_NAMES)}")
        numbers.add(index)
    return frozenset(numbers)
