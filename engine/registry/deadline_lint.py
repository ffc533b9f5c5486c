"""Warnings for deadlines a process can never meet: the profile names an event the diagram marks nowhere.

The engine watches a profile deadline for a process when the diagram marks one of the deadline's `met_by`
events (`sla_event`). A deadline that is half-wired (its start happens in the process but nothing meets it)
would silently go unwatched, so `redressal processes validate` says so. A deadline counts as starting in
the process when the diagram marks its `from` event, or when it counts from receipt and the process watches
other receipt deadlines (a dispute, which watches none, is not held to a complaint's acknowledgement).
Belongs in `engine/deadlines/` after the restructure.
"""

from __future__ import annotations

from engine.deadlines import SlaProfile


def unmet_deadlines(
    file: str, process_id: str, elements: dict[str, dict], profiles: dict[str, SlaProfile]
) -> list[str]:
    """One line per deadline (across profiles) whose `met_by` events no element of the process marks."""
    marked = {e["sla_event"] for e in elements.values() if e.get("sla_event")}
    rules = [r for p in profiles.values() for r in p.deadlines.values() if r.watched]
    receipt_watched = any(r.from_ == "receipt" and marked.intersection(r.met_by) for r in rules)
    found: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for profile in profiles.values():
        for rule in profile.deadlines.values():
            if not rule.watched or marked.intersection(rule.met_by):
                continue
            starts = rule.from_ in marked or (rule.from_ == "receipt" and receipt_watched)
            if starts:
                found.setdefault((rule.name, rule.met_by), []).append(profile.name)
    return [
        f"warning {file}: {process_id}: deadline '{name}' is met by "
        f"{' or '.join(repr(e) for e in met_by)}, which no element marks with sla_event; the engine will "
        f"not watch it (profiles: {', '.join(sorted(names))})"
        for (name, met_by), names in sorted(found.items())
    ]
