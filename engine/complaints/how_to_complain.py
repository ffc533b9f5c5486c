"""The facts of the "How to complain" page (ISO 10002 clause 7.1): the steps, their periods, who else helps.

ISO 10002 asks that information about the complaints process be easy to find: how to complain, what happens
next and when, and where to go if the answer does not satisfy. The figures come from the SLA profile the
`sla_profile` decision table gives a complaint from the jurisdiction (engine/deadlines/choice.py, with the
organisation's default jurisdiction when the reader names none: the caller passes
`REDRESSAL_DEFAULT_JURISDICTION`), the bodies from processes/adr_bodies.toml. This returns data, never
sentences: each step is an id the page words in its language, each period an amount and a unit as the profile
counts it (business days where the rule says business days, calendar days where it says days).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.deadlines import SlaProfile, load_profiles
from engine.deadlines.choice import choose_profile
from engine.deadlines.profiles import DeadlineRule, Duration
from engine.disputes.bodies import AdrBody, bodies_for

# The steps a complaint goes through, in order, with the profile deadline that says how long each may take.
# `assessed` is when a simple complaint may be settled (summary resolution); `investigated` is when, if the
# investigation runs longer, we write to say so (holding reply); `response` is the final response.
STEPS: tuple[tuple[str, str | None], ...] = (
    ("received", None),
    ("acknowledged", "acknowledge"),
    ("assessed", "summary_resolution"),
    ("investigated", "holding_reply"),
    ("response", "final_response"),
)
UNITS = ("business_days", "calendar_days", "weeks", "hours", "minutes")


@dataclass(frozen=True)
class Span:
    """A length of time as the profile counts it: `amount` of `unit` (one of UNITS)."""

    amount: int
    unit: str

    @classmethod
    def of(cls, duration: Duration) -> Span:
        if duration.business_days is not None:
            return cls(duration.business_days, "business_days")
        minutes = int(duration.elapsed.total_seconds() // 60)
        if not minutes:
            weeks = "W" in duration.text.upper() and "D" not in duration.text.upper()
            return cls(duration.days // 7, "weeks") if weeks else cls(duration.days, "calendar_days")
        minutes += duration.days * 24 * 60
        return cls(minutes // 60, "hours") if minutes % 60 == 0 else cls(minutes, "minutes")


@dataclass(frozen=True)
class Step:
    """One step: by when it happens (`within`, counted from `counted_from`: receipt for all but rare cases),
    whether a regulator sets it, the extensions the rules allow in order, and whether an answer not given in
    time counts as the complaint accepted (`deemed_upheld`: Poland)."""

    id: str
    deadline: str | None
    within: Span | None
    counted_from: str
    regulatory: bool
    extensions: tuple[Span, ...] = ()
    deemed_upheld: bool = False


@dataclass(frozen=True)
class HowToComplain:
    """Everything the page states as fact, for one jurisdiction (None: the profile for "elsewhere")."""

    jurisdiction: str | None
    profile: str
    profile_title: str
    timezone: str
    steps: tuple[Step, ...]
    bodies: tuple[AdrBody, ...]  # who else can help; empty where the file names none for the profile


def _step(step_id: str, rule: DeadlineRule | None, name: str | None) -> Step:
    if rule is None:
        return Step(step_id, name, None, "receipt", False)
    policy = rule.policy
    return Step(
        id=step_id,
        deadline=name,
        within=Span.of(rule.duration),
        counted_from=rule.from_,
        regulatory=rule.regulatory,
        extensions=tuple(Span.of(s.by) for s in policy.extensions) if policy else (),
        deemed_upheld=bool(policy and policy.on_breach == "deemed_upheld"),
    )


def how_to_complain(
    jurisdiction: str | None,
    category: str | None = None,
    *,
    profiles: dict[str, SlaProfile] | None = None,
    decision_path: str | os.PathLike[str] | None = None,
    bodies_path: str | os.PathLike[str] | None = None,
) -> HowToComplain:
    """The facts for a complaint from `jurisdiction` (an ISO 3166 code; the caller falls back to the
    organisation's default), optionally about `category`, made through the web form."""
    known = profiles if profiles is not None else load_profiles()
    name = choose_profile(jurisdiction, category, path=decision_path)
    profile = known[name]
    steps = tuple(
        _step(step_id, profile.deadlines.get(deadline) if deadline else None, deadline)
        for step_id, deadline in STEPS
    )
    return HowToComplain(
        jurisdiction=jurisdiction,
        profile=name,
        profile_title=profile.title,
        timezone=str(profile.calendar.zone),
        steps=steps,
        bodies=bodies_for(name, bodies_path),
    )
