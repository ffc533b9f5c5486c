"""Checks run before anything uses the SLA profiles: at `redressal serve`, `worker` and `processes validate`.

Profiles used to be loaded when the first case needed a deadline, so a bad edit of `sla_profiles.toml` let
the server start and then failed every intake with a 422. Checking at start refuses to run instead, naming the
file, the profile, the deadline and what is wrong; and a decision table that picks a profile the file does not
define is reported with the processes it belongs to.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from lxml import etree

from engine.core.errors import Problem
from engine.deadlines.profiles import ProfileError, SlaProfile, default_profiles_path, load_profiles

# The decision that picks a case's profile (processes/sla_profile.dmn), and its output.
PROFILE_DECISION = "sla_profile"
_DMN_NS = "{*}"
_LITERAL = re.compile(r'^\s*"([^"\\]*)"\s*$')


def check_profiles(path: str | os.PathLike[str] | None = None) -> dict[str, SlaProfile]:
    """Load every profile and compute each of its deadlines once; ProfileError says what to fix.

    Loading validates the file's syntax, fields, durations, holiday codes and required deadlines; computing a
    deadline for a sample receipt also exercises the calendar (its holidays for this year and the next).
    """
    where = Path(path) if path is not None else default_profiles_path()
    profiles = load_profiles(where)
    sample = dt.datetime.now(dt.UTC)
    for profile in profiles.values():
        times = {rule.from_: sample for rule in profile.deadlines.values()}
        for name, rule in profile.deadlines.items():
            try:
                profile.due(name, times)
                if rule.policy is not None and rule.policy.extensions:
                    profile.due(name, times, extensions=tuple(s.by.text for s in rule.policy.extensions))
            except (ValueError, KeyError, OverflowError) as exc:
                raise ProfileError(
                    f"{where}: profile '{profile.name}', deadline '{name}': cannot be computed ({exc})."
                ) from None
    return profiles


def check_profile_choices(dmn_files: dict[str, bytes], profiles: dict[str, SlaProfile]) -> list[Problem]:
    """Every profile the `sla_profile` decision can output must exist, or the cases it picks fail."""
    problems = []
    known = ", ".join(sorted(profiles))
    for file, content in dmn_files.items():
        try:
            root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue  # the process validation reports it
        for decision in root.iter(f"{_DMN_NS}decision"):
            if decision.get("id") != PROFILE_DECISION:
                continue
            for rule in decision.iter(f"{_DMN_NS}rule"):
                for entry in rule.iter(f"{_DMN_NS}outputEntry"):
                    text = entry.findtext(f"{_DMN_NS}text") or ""
                    match = _LITERAL.match(text)
                    if match and match[1] not in profiles:
                        problems.append(
                            Problem(
                                file,
                                f"the decision '{PROFILE_DECISION}' chooses the SLA profile {match[1]!r}, "
                                f"which the profiles file does not define; use one of {known}",
                                element=rule.get("id"),
                                line=entry.sourceline,
                            )
                        )
    return problems
