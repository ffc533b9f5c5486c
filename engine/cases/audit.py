"""The audit trail's hash chain: each event's hash covers the previous one, so editing history shows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def event_hash(
    prev_hash: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    task_id: str | None,
    element: str | None,
    status_before: str | None,
    status_after: str | None,
    detail: str,
) -> str:
    body = json.dumps(
        [
            prev_hash,
            seq,
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor,
            action,
            task_id,
            element,
            status_before,
            status_after,
            detail,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def verify_chain(events: list[Any]) -> int | None:
    """The seq of the first event whose hash does not check out, or None when the chain is intact."""
    prev = GENESIS
    for ev in events:
        expected = event_hash(
            prev,
            ev.seq,
            ev.at,
            ev.actor,
            ev.action,
            ev.task_id,
            ev.element,
            ev.status_before,
            ev.status_after,
            ev.detail,
        )
        if ev.prev_hash != prev or ev.hash != expected:
            return ev.seq
        prev = ev.hash
    return None
