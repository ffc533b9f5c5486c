"""`deadline(name)` for a case: its SLA profile, its calendar, the times its deadlines count from.

The case's data carries what the computation needs, so it travels with the workflow state and is fixed
when a timer is armed: `sla_profile` (chosen at receipt by DMN, maybe changed at assessment), `received_at`,
`sla_times` (other events deadlines count from, such as `communicated`). The time the case spent waiting
for the complainant is kept on the case row, not in the data, and is passed in: it moves internal
deadlines only.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.deadlines import SlaProfile, default_profiles_path, load_profiles


@functools.lru_cache(maxsize=8)
def _profiles(path: str) -> dict[str, SlaProfile]:
    return load_profiles(Path(path))


def profiles(path: str | None = None) -> dict[str, SlaProfile]:
    # lru_cache is thread-safe; at worst two threads load the file once each on first use.
    return _profiles(str(path or default_profiles_path()))


def profile_for(data: Mapping[str, Any], path: str | None = None) -> SlaProfile:
    known = profiles(path)
    name = data.get("sla_profile") or "default"
    if name not in known:
        raise ValueError(f"the SLA profile {name!r} is not defined (known: {', '.join(sorted(known))})")
    return known[name]


def _instant(value: Any, what: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        moment = dt.datetime.fromisoformat(value)
    else:
        raise ValueError(f"{what} is missing from the case data")
    if moment.tzinfo is None:
        raise ValueError(f"{what} ({value}) has no UTC offset")
    return moment


def _times(data: Mapping[str, Any]) -> dict[str, dt.datetime]:
    times = {"receipt": _instant(data.get("received_at"), "received_at")}
    for event, value in (data.get("sla_times") or {}).items():
        times[event] = _instant(value, f"sla_times.{event}")
    return times


def recomputable(data: Mapping[str, Any], name: str, path: str | None = None) -> bool:
    """Whether the deadline's start is on record (a start that defaulted to "now" cannot be recomputed)."""
    return profile_for(data, path).rule(name).from_ in _times(data)


def start_of(data: Mapping[str, Any], name: str, now: dt.datetime, path: str | None = None) -> dt.datetime:
    return _times(data).get(profile_for(data, path).rule(name).from_, now)


def due(
    data: Mapping[str, Any],
    name: str,
    now: dt.datetime,
    path: str | None = None,
    paused: dt.timedelta = dt.timedelta(0),
) -> dt.datetime:
    """When the named deadline of the case whose data this is falls due.

    A deadline counts from an event (receipt by default). When the case has not recorded that event, it
    counts from now, the moment its timer is armed: a reply deadline armed as the decision goes out counts
    from the decision going out.
    """
    profile = profile_for(data, path)
    times = _times(data)
    times.setdefault(profile.rule(name).from_, now)
    return profile.due(name, times, paused, extensions_taken(data, name))


def extensions_taken(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """The durations of the extensions taken on deadline `name`, as recorded when each was taken
    (`sla_extensions` in the case data, written by engine.deadlines.extend)."""
    taken = (data.get("sla_extensions") or {}).get(name) or []
    return tuple(str(e["by"]) for e in taken if isinstance(e, Mapping) and e.get("by"))
