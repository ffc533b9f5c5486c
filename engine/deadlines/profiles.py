"""SLA profiles: the deadlines of one regime (FCA, ASIC, CFPB...), loaded from TOML that process owners edit.

Regimes differ in numbers, day counting and zones, not in kinds of deadline; so every profile names the same
deadlines (``REQUIRED_DEADLINES``) and the process diagrams refer to them by name, never to a figure.
The file format is documented at the top of ``processes/sla_profiles.toml``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from engine.deadlines.calendar import BusinessCalendar, require_aware, weekday_numbers
from engine.deadlines.extensions import (
    POLICY_KEYS,
    DeadlinePolicy,
    adjust_due,
    check_kinds,
    combined,
    parse_policy,
)

REQUIRED_DEADLINES = (
    "acknowledge",
    "summary_resolution",
    "holding_reply",
    "final_response",
    "complainant_reply",
    "reminder",
    "provider_reply",
    "implementation",
    "survey",
)
ENV_VAR = "REDRESSAL_SLA_PROFILES"
_BUSINESS = re.compile(r"^(\d+)\s+(?:business|working)\s+days?$", re.IGNORECASE)
_ISO = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_PROFILE_KEYS = {
    "title", "extends", "timezone", "holidays", "extra_closed_days", "weekend", "cutoff",
    "close_of_business", "warning_share", "deadlines",
}  # fmt: skip
_DEADLINE_KEYS = {"duration", "regulatory", "from", "pausable", "note", "met_by", "repeat"}
_WATCH_KEYS = ("met_by", "repeat")  # inherited from the parent's deadline of the same name when not given
_DEADLINE_KEYS |= POLICY_KEYS  # extensions, on_breach, end_of_day, roll_to_business_day (extensions.py)


class ProfileError(ValueError):
    """A profiles file a process owner must fix; the message names the file, the profile and the field."""


@dataclass(frozen=True)
class Duration:
    """Calendar time (ISO 8601 ``PnWnDTnHnM``) or a count of business days: regulators state one or the
    other, never a mix.

    Days and weeks are wall-clock days in the profile's zone (8 weeks end at the same local time across a
    DST change); hours and minutes are elapsed time (``PT24H`` is 24 real hours).
    """

    text: str
    days: int = 0
    elapsed: timedelta = timedelta(0)
    business_days: int | None = None

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``"P8W"``, ``"P30D"``, ``"PT24H"``, ``"3 business days"``; ValueError explains the format."""
        if match := _BUSINESS.match(text.strip()):
            return cls(text, business_days=int(match[1]))
        match = _ISO.match(text.strip().upper())
        if not match or not any(match.groups()):
            raise ValueError(
                f"{text!r} is not a duration; write ISO 8601 weeks/days/hours/minutes/seconds such as 'P8W', "
                "'P30D', 'PT24H' or 'PT8S' (months and years vary in length, so they are not accepted) "
                "or 'N business days'"
            )
        weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        elapsed = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        return cls(text, days=7 * weeks + days, elapsed=elapsed)


@dataclass(frozen=True)
class DeadlineRule:
    """One named deadline; ``pausable`` defaults to ``not regulatory``, so only internal clocks stop."""

    name: str
    duration: Duration
    regulatory: bool
    from_: str = "receipt"
    pausable: bool | None = None
    note: str = ""
    # The `sla_event`s any of which meets the deadline; the engine watches only deadlines that name one.
    met_by: tuple[str, ...] = ()
    # Staff reminders repeat at this interval from the warning point until the deadline is met.
    repeat: Duration | None = None
    policy: DeadlinePolicy | None = None  # extensions, breach outcome, last-day rules (extensions.py)

    def __post_init__(self) -> None:
        if self.pausable is None:
            object.__setattr__(self, "pausable", not self.regulatory)

    @property
    def watched(self) -> bool:
        """Whether the engine arms this deadline for every case (it names the event that meets it)."""
        return bool(self.met_by)


@dataclass(frozen=True)
class SlaProfile:
    """A calendar plus named deadlines; computes due and warning instants from the case's event times."""

    name: str
    title: str
    calendar: BusinessCalendar
    deadlines: Mapping[str, DeadlineRule] = field(hash=False)
    warning_share: float = 0.75

    def __post_init__(self) -> None:
        object.__setattr__(self, "deadlines", MappingProxyType(dict(self.deadlines)))  # read-only view

    def __reduce__(self) -> tuple[type[SlaProfile], tuple[object, ...]]:
        """Pickle with a plain dict (a mappingproxy cannot be pickled), so profiles can cross processes."""
        return (SlaProfile, (self.name, self.title, self.calendar, dict(self.deadlines), self.warning_share))

    @property
    def version(self) -> str:
        """Hash of the calendar version and every rule, stored beside due dates like the calendar's."""
        rules = {
            n: [r.duration.text, r.regulatory, r.from_, r.pausable]
            + ([list(r.met_by), r.repeat.text if r.repeat else None] if r.watched else [])
            for n, r in sorted(self.deadlines.items())
        }
        for n, r in self.deadlines.items():
            if r.policy is not None:  # profiles without policies keep the versions they always had
                rules[n].append(r.policy.fingerprint())
        payload = json.dumps([self.calendar.version, self.warning_share, rules], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def rule(self, name: str) -> DeadlineRule:
        """The rule called ``name``; KeyError lists the known names so a typo in a diagram is obvious."""
        try:
            return self.deadlines[name]
        except KeyError:
            known = ", ".join(sorted(self.deadlines))
            raise KeyError(
                f"profile {self.name!r} has no deadline {name!r}; known deadlines: {known}"
            ) from None

    def start(self, name: str, times: Mapping[str, datetime]) -> datetime:
        """The instant deadline ``name`` counts from: ``times[rule.from_]``, which must be aware."""
        rule = self.rule(name)
        if rule.from_ not in times:
            raise KeyError(
                f"deadline {name!r} of profile {self.name!r} counts from event {rule.from_!r}, "
                f"but times only has {sorted(times)}"
            )
        return require_aware(times[rule.from_], f"times[{rule.from_!r}]")

    def due(
        self,
        name: str,
        times: Mapping[str, datetime],
        paused: timedelta = timedelta(0),
        extensions: tuple[str, ...] = (),
    ) -> datetime:
        """Due instant of ``name`` in the profile's zone.

        Pausable deadlines move later by ``paused``. For business-day deadlines the paused time is simply
        added after the business-day count (a 3-day pause moves close of business 3 calendar days on, possibly
        onto a closed day): predictable for staff, and only internal clocks pause by default.
        Regulatory deadlines ignore ``paused`` unless their rule says ``pausable = true``.
        ``extensions`` are the durations of extensions taken (see extensions.py), added to the rule's own.
        """
        if paused < timedelta(0):
            raise ValueError(f"paused must not be negative, got {paused}")
        rule, start, cal = self.rule(name), self.start(name, times), self.calendar
        duration = combined(rule.duration, extensions, Duration.parse) if extensions else rule.duration
        if duration.business_days is not None:
            due = cal.add_business_days(start, duration.business_days)
        else:
            wall = cal.local(start) + timedelta(days=duration.days)  # same-zone arithmetic is wall-clock
            due = adjust_due(_shift(wall, duration.elapsed, cal.zone), rule.policy, cal)
        return _shift(due, paused if rule.pausable else timedelta(0), cal.zone)

    def warning_at(
        self, name: str, times: Mapping[str, datetime], paused: timedelta = timedelta(0)
    ) -> datetime:
        """``start + warning_share * (due - start)`` in elapsed time, so staff are warned before a breach."""
        start = self.start(name, times).astimezone(UTC)
        span = self.due(name, times, paused).astimezone(UTC) - start
        return (start + span * self.warning_share).astimezone(self.calendar.zone)


def _inherit_watch(rule: DeadlineRule, parent: DeadlineRule | None) -> DeadlineRule:
    """A child profile that restates a deadline's figures keeps what meets it and how often it reminds."""
    if parent is None:
        return rule
    kept = {k: getattr(parent, k) for k in _WATCH_KEYS if not getattr(rule, k)}
    return replace(rule, **kept) if kept else rule


def _shift(instant: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """Add elapsed time through UTC, which also normalises a wall time that fell into a DST gap."""
    return (instant.astimezone(UTC) + delta).astimezone(zone)


def default_profiles_path() -> Path:
    """``$REDRESSAL_SLA_PROFILES`` if set, else ``processes/sla_profiles.toml`` of this repository."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(__file__).resolve().parents[2] / "processes" / "sla_profiles.toml"


def load_profiles(path: str | os.PathLike[str] | None = None) -> dict[str, SlaProfile]:
    """Load and validate every profile of a TOML file (default: ``default_profiles_path()``).

    Validates everything up front, so a bad edit fails when the file is loaded, not when a case hits it.
    """
    path = Path(path) if path is not None else default_profiles_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(
            f"{path}: file not found; create it or point {ENV_VAR} at a profiles file."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc}); fix the syntax there.") from None
    return _Loader(path, raw).load_all()


class _Loader:
    """Parses each profile's own fields (errors name the profile that wrote them), then ``extends``."""

    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        extra = sorted(set(raw) - {"profiles"})
        if extra:
            raise ProfileError(
                f"{path}: unknown top-level key {extra[0]!r}; put every profile under [profiles.NAME]."
            )
        profiles = raw.get("profiles")
        if not isinstance(profiles, dict) or not profiles:
            raise ProfileError(f"{path}: no profiles found; add at least one [profiles.NAME] table.")
        self.raw: dict[str, Any] = profiles
        self.merged: dict[str, dict[str, Any]] = {}

    def fail(self, profile: str, field_: str, problem: str) -> NoReturn:
        raise ProfileError(f"{self.path}: profile '{profile}', field '{field_}': {problem}.")

    def load_all(self) -> dict[str, SlaProfile]:
        return {name: self.build(name) for name in self.raw}

    def resolve(self, name: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
        if name in self.merged:
            return self.merged[name]
        own = self.parse_own(name)
        parent = own.pop("extends", None)
        if parent is None:
            merged = own
        elif parent not in self.raw:
            self.fail(
                name, "extends", f"there is no profile {parent!r}; use one of {', '.join(sorted(self.raw))}"
            )
        elif parent in (*chain, name):
            self.fail(name, "extends", f"{' -> '.join((*chain, name, parent))} is a cycle; break it")
        else:
            base = self.resolve(parent, (*chain, name))
            inherited = base.get("deadlines", {})
            own_rules = {
                d: _inherit_watch(rule, inherited.get(d)) for d, rule in own.get("deadlines", {}).items()
            }
            merged = {**base, **own, "deadlines": {**inherited, **own_rules}}
        self.merged[name] = merged
        return merged

    def build(self, name: str) -> SlaProfile:
        p = self.resolve(name)
        if "timezone" not in p:
            self.fail(name, "timezone", 'missing; add an IANA zone such as timezone = "Europe/London"')
        missing = [d for d in REQUIRED_DEADLINES if d not in p.get("deadlines", {})]
        if missing:
            self.fail(
                name, "deadlines", f"missing {', '.join(missing)}; define them or extend a profile that does"
            )
        country, subdivision = p.get("holidays", (None, None))
        calendar = BusinessCalendar(
            timezone=p["timezone"],
            country=country,
            subdivision=subdivision,
            extra_closed_days=p.get("extra_closed_days", frozenset()),
            weekend=p.get("weekend", frozenset({5, 6})),
            close_of_business=p.get("close_of_business", time(17, 0)),
            cutoff=p.get("cutoff"),
        )
        return SlaProfile(name, p.get("title", name), calendar, p["deadlines"], p.get("warning_share", 0.75))

    def parse_own(self, name: str) -> dict[str, Any]:
        raw = self.raw[name]
        if not isinstance(raw, dict):
            self.fail(name, name, "must be a table written as [profiles.NAME]")
        for key in raw:
            if key not in _PROFILE_KEYS:
                self.fail(name, key, f"unknown field; allowed fields are {', '.join(sorted(_PROFILE_KEYS))}")
        out: dict[str, Any] = {}
        for key in ("title", "extends", "timezone"):
            if key in raw:
                out[key] = self.text(name, key, raw[key])
        if "timezone" in out:
            try:
                ZoneInfo(out["timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                self.fail(
                    name,
                    "timezone",
                    f"{out['timezone']!r} is not a known time zone; use e.g. 'Europe/London'",
                )
        if "holidays" in raw:
            out["holidays"] = self.holidays(name, raw["holidays"])
        if "extra_closed_days" in raw:
            out["extra_closed_days"] = frozenset(
                self.day(name, v) for v in self.items(name, "extra_closed_days", raw)
            )
        if "weekend" in raw:
            try:
                out["weekend"] = weekday_numbers(self.items(name, "weekend", raw))
            except ValueError as exc:
                self.fail(name, "weekend", str(exc))
        for key in ("cutoff", "close_of_business"):
            if key in raw:
                out[key] = self.clock(name, key, raw[key])
        if "warning_share" in raw:
            share = raw["warning_share"]
            if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
                self.fail(name, "warning_share", f"{share!r} must be a number between 0 and 1, such as 0.75")
            out["warning_share"] = float(share)
        if "deadlines" in raw:
            table = raw["deadlines"]
            if not isinstance(table, dict):
                self.fail(name, "deadlines", "must be a table written as [profiles.NAME.deadlines]")
            out["deadlines"] = {d: self.deadline(name, d, spec) for d, spec in table.items()}
        return out

    def deadline(self, profile: str, name: str, spec: Any) -> DeadlineRule:
        where = f"deadlines.{name}"
        if not isinstance(spec, dict):
            self.fail(profile, where, 'must be a table such as { duration = "P8W", regulatory = true }')
        for key in spec:
            if key not in _DEADLINE_KEYS:
                self.fail(
                    profile,
                    f"{where}.{key}",
                    f"unknown field; allowed are {', '.join(sorted(_DEADLINE_KEYS))}",
                )
        for key in ("duration", "regulatory"):
            if key not in spec:
                self.fail(
                    profile,
                    f"{where}.{key}",
                    "missing; every deadline states its duration and whether it is regulatory",
                )
        try:
            duration = Duration.parse(self.text(profile, f"{where}.duration", spec["duration"]))
        except ValueError as exc:
            self.fail(profile, f"{where}.duration", str(exc))
        flags = {k: spec[k] for k in ("regulatory", "pausable") if k in spec}
        for key, value in flags.items():
            if not isinstance(value, bool):
                self.fail(profile, f"{where}.{key}", f"{value!r} must be true or false")

        def fail_policy(field_: str, problem: str) -> NoReturn:
            self.fail(profile, f"{where}.{field_}", problem)

        policy = parse_policy(spec, Duration.parse, fail_policy)
        check_kinds(duration, policy, fail_policy)
        return DeadlineRule(
            name,
            duration,
            spec["regulatory"],
            self.text(profile, f"{where}.from", spec.get("from", "receipt")),
            spec.get("pausable"),
            self.text(profile, f"{where}.note", spec.get("note", ""), empty_ok=True),
            self.met_by(profile, where, spec),
            self.repeat(profile, where, spec),
            policy=policy,
        )

    def met_by(self, profile: str, where: str, spec: dict[str, Any]) -> tuple[str, ...]:
        if "met_by" not in spec:
            return ()
        value = spec["met_by"]
        events = [value] if isinstance(value, str) else value
        if (
            not isinstance(events, list)
            or not events
            or not all(isinstance(e, str) and re.fullmatch(r"[A-Za-z0-9_]+", e) for e in events)
        ):
            self.fail(
                profile,
                f"{where}.met_by",
                f'{value!r} must name the sla_event that meets the deadline, such as "acknowledged" '
                'or ["holding_sent", "communicated"]',
            )
        return tuple(events)

    def repeat(self, profile: str, where: str, spec: dict[str, Any]) -> Duration | None:
        if "repeat" not in spec:
            return None
        try:
            repeat = Duration.parse(self.text(profile, f"{where}.repeat", spec["repeat"]))
        except ValueError as exc:
            self.fail(profile, f"{where}.repeat", str(exc))
        if repeat.business_days is not None or (repeat.days == 0 and repeat.elapsed <= timedelta(0)):
            self.fail(
                profile, f"{where}.repeat", f"{repeat.text!r} must be calendar time such as 'P7D' or 'PT4H'"
            )
        return repeat

    def holidays(self, profile: str, spec: Any) -> tuple[str | None, str | None]:
        if not isinstance(spec, dict) or set(spec) - {"country", "subdivision"}:
            self.fail(profile, "holidays", 'must be a table such as { country = "GB", subdivision = "ENG" }')
        country = self.text(profile, "holidays.country", spec["country"]) if "country" in spec else None
        subdivision = (
            self.text(profile, "holidays.subdivision", spec["subdivision"]) if "subdivision" in spec else None
        )
        if subdivision and not country:
            self.fail(profile, "holidays.subdivision", 'needs a country; add country = "GB" or similar')
        if country:
            try:
                holidays.country_holidays(country, subdiv=subdivision)
            except NotImplementedError as exc:
                self.fail(
                    profile,
                    "holidays",
                    f"{exc}; use an ISO country code and subdivision the holidays package knows",
                )
        return country, subdivision

    def text(self, profile: str, field_: str, value: Any, empty_ok: bool = False) -> str:
        if not isinstance(value, str) or not (value.strip() or empty_ok):
            self.fail(profile, field_, f"{value!r} must be a non-empty string")
        return value

    def items(self, profile: str, field_: str, raw: dict[str, Any]) -> list[Any]:
        if not isinstance(raw[field_], list):
            self.fail(profile, field_, 'must be a list such as ["sat", "sun"]')
        return raw[field_]

    def day(self, profile: str, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(profile, "extra_closed_days", f"{value!r} is not a date; write YYYY-MM-DD")

    def clock(self, profile: str, field_: str, value: Any) -> time:
        if isinstance(value, time) and value.tzinfo is None:
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{2}:\d{2}", value):
            try:
                return time.fromisoformat(value)
            except ValueError:
                pass
        self.fail(profile, field_, f'{value!r} is not a local time; write HH:MM such as "17:00"')
