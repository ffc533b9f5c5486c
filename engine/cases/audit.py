"""The audit trail's hash chain: each event's hash covers the previous one, so editing history shows.

A chained event can never be changed without breaking every later hash, so events carry no personal data:
what happened, by whom, to which fields, and a salted digest of the values (`personal`). The values live in
the case's data, which retention and erasure may pseudonymise later without touching the chain. The salt is
the case's own (`case.audit_salt`): while it exists, an auditor can show that given values are the ones an
event recorded (`matches`); erasing it leaves digests that tell nothing about low-entropy values such as an
e-mail address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
DIGEST_PREFIX = "hmac-sha256:"


def new_salt() -> str:
    return secrets.token_hex(16)


def personal_digest(salt: str, value: Any) -> str:
    """HMAC-SHA256 of the value's canonical JSON under the case's salt."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return DIGEST_PREFIX + hmac.new(bytes.fromhex(salt), canonical.encode(), hashlib.sha256).hexdigest()


def personal(salt: str, value: Any) -> dict[str, Any]:
    """What an event keeps of submitted values: the field names and the salted digest, never the values."""
    fields = sorted(str(k) for k in value) if isinstance(value, Mapping) else []
    return {"fields": fields, "digest": personal_digest(salt, value)}


def matches(salt: str, value: Any, recorded: Mapping[str, Any]) -> bool:
    """Whether `value` is what an event's `personal` part recorded (for audits, while the salt exists)."""
    return hmac.compare_digest(personal_digest(salt, value), str(recorded.get("digest", "")))


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
