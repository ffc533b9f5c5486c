"""What a regime lets a deadline do beyond its duration: be extended, end at the end of a day, skip closed
last days, and decide the outcome when it passes.

Kept apart from ``profiles.py`` (which parses the numbers every regime has) because these rules exist only in
some regimes: Poland's particularly complex cases (up to 60 days, with a notice before day 30), China's
NFRA extensions (15 -> 30 days, then a further 30 with a superior's approval), Poland's "a complaint not
answered in time is deemed accepted", and civil codes that move a period's last day off a public holiday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

# Durations and calendars are engine.deadlines.profiles.Duration and calendar.BusinessCalendar; typed `Any`
# here because profiles.py imports this module (no import cycles).
Duration = Any
BusinessCalendar = Any

# Deadline keys this module parses, beside those of profiles.py.
POLICY_KEYS = frozenset({"extensions", "on_breach", "end_of_day", "roll_to_business_day"})
_STEP_KEYS = frozenset({"by", "times", "second_approver", "state_to_establish", "note"})
# What a breach may decide, and the case outcome it records.
BREACH_OUTCOMES = {"deemed_upheld": "upheld"}
_END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class ExtensionStep:
    """One extension a regime allows: by how much, and what the decision to take it needs."""

    by: Duration
    second_approver: bool = False
    state_to_establish: bool = False
    note: str = ""


@dataclass(frozen=True)
class DeadlinePolicy:
    """The optional rules of one deadline; ``None`` on a rule that has none, so old profiles hash the same."""

    extensions: tuple[ExtensionStep, ...] = ()
    on_breach: str | None = None
    end_of_day: bool = False
    roll_to_business_day: bool = False

    def fingerprint(self) -> list[Any]:
        """What the profile's version hashes: a changed extension or breach rule is a new version."""
        steps = [[s.by.text, s.second_approver, s.state_to_establish] for s in self.extensions]
        return [steps, self.on_breach, self.end_of_day, self.roll_to_business_day]

    def step(self, taken: int) -> ExtensionStep | None:
        """The extension that would be the ``taken + 1``-th, or None when the regime allows no more."""
        return self.extensions[taken] if taken < len(self.extensions) else None

    @property
    def breach_outcome(self) -> str | None:
        """The case outcome a breach decides (``upheld`` for "deemed accepted"), or None."""
        return BREACH_OUTCOMES.get(self.on_breach or "")


def parse_policy(
    spec: dict[str, Any], parse_duration: Callable[[str], Duration], fail: Callable
) -> DeadlinePolicy | None:
    """Read the policy keys of one deadline table; ``fail(field, problem)`` reports with file and profile."""
    if not POLICY_KEYS & set(spec):
        return None
    steps: list[ExtensionStep] = []
    raw_steps = spec.get("extensions", [])
    if not isinstance(raw_steps, list):
        fail(
            "extensions", 'must be a list such as [{ by = "P15D" }, { by = "P30D", second_approver = true }]'
        )
    for index, raw in enumerate(raw_steps, start=1):
        where = f"extensions[{index}]"
        if not isinstance(raw, dict):
            fail(where, 'must be a table such as { by = "P30D", second_approver = true }')
        unknown = sorted(set(raw) - _STEP_KEYS)
        if unknown:
            fail(f"{where}.{unknown[0]}", f"unknown field; allowed are {', '.join(sorted(_STEP_KEYS))}")
        if "by" not in raw:
            fail(f"{where}.by", 'missing; say how much one extension adds, such as by = "P15D"')
        if not isinstance(raw["by"], str):
            fail(f"{where}.by", f"{raw['by']!r} must be a duration such as 'P15D' or '10 business days'")
        try:
            by = parse_duration(raw["by"])
        except ValueError as exc:
            fail(f"{where}.by", str(exc))
        for key in ("second_approver", "state_to_establish"):
            if key in raw and not isinstance(raw[key], bool):
                fail(f"{where}.{key}", f"{raw[key]!r} must be true or false")
        times = raw.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 10:
            fail(f"{where}.times", f"{times!r} must be a whole number from 1 to 10")
        note = raw.get("note", "")
        if not isinstance(note, str):
            fail(f"{where}.note", f"{note!r} must be a string")
        step = ExtensionStep(
            by, raw.get("second_approver", False), raw.get("state_to_establish", False), note
        )
        steps.extend([step] * times)
    on_breach = spec.get("on_breach")
    if on_breach is not None and on_breach not in BREACH_OUTCOMES:
        fail("on_breach", f"{on_breach!r} is not known; use one of {', '.join(sorted(BREACH_OUTCOMES))}")
    for key in ("end_of_day", "roll_to_business_day"):
        if key in spec and not isinstance(spec[key], bool):
            fail(key, f"{spec[key]!r} must be true or false")
    return DeadlinePolicy(
        tuple(steps), on_breach, spec.get("end_of_day", False), spec.get("roll_to_business_day", False)
    )


def check_kinds(duration: Duration, policy: DeadlinePolicy | None, fail: Callable) -> None:
    """Extensions count the way the deadline does: calendar time onto calendar time, business days onto
    business days (adding 10 business days to "P30D" has no single meaning)."""
    if policy is None:
        return
    business = duration.business_days is not None
    for index, step in enumerate(policy.extensions, start=1):
        if (step.by.business_days is not None) != business:
            kind = "business days" if business else "calendar time"
            fail(f"extensions[{index}].by", f"{step.by.text!r} must be {kind}, as the deadline's duration is")
    if business and (policy.end_of_day or policy.roll_to_business_day):
        fail("end_of_day", "applies to calendar-day deadlines only; business days end at close of business")


def adjust_due(due: dt.datetime, policy: DeadlinePolicy | None, calendar: BusinessCalendar) -> dt.datetime:
    """A calendar-day deadline's last instant under its policy.

    ``end_of_day``: the period ends at the end of its last day (Polish civil code art. 111, Chinese art. 201),
    not at the time of day it started. ``roll_to_business_day``: a last day that is a weekend day or public
    holiday gives way to the next business day (Polish civil code art. 115, Chinese art. 203, Taiwanese
    art. 122).
    """
    if policy is None or not (policy.end_of_day or policy.roll_to_business_day):
        return due
    local = calendar.local(due)
    day = local.date()
    if policy.roll_to_business_day and not calendar.is_business_day(day):
        day = calendar.next_business_day(day)
    clock = _END_OF_DAY if policy.end_of_day else local.time()
    return dt.datetime.combine(day, clock, tzinfo=calendar.zone)


def combined(duration: Duration, taken: Sequence[str], parse_duration: Callable[[str], Duration]) -> Duration:
    """The deadline's duration plus the extensions taken (their texts, as recorded when each was taken).

    One duration, not one step after another, so a Polish 30 + 30 days ends on day 60 even when day 30 was a
    holiday that rolled on.
    """
    days, elapsed, business = duration.days, duration.elapsed, duration.business_days
    for text in taken:
        extra = parse_duration(text)
        if (extra.business_days is None) != (business is None):
            raise ValueError(f"extension {text!r} does not count the way {duration.text!r} does")
        days, elapsed = days + extra.days, elapsed + extra.elapsed
        if business is not None:
            business += extra.business_days or 0
    text = " + ".join([duration.text, *taken])
    return replace(duration, text=text, days=days, elapsed=elapsed, business_days=business)
