"""Which cases a dispute-resolution provider may see: those whose data names the provider.

Rule: a case is a provider's when its data has `provider` or `provider_name` equal to the provider's
username, or either of them is an object whose `id` or `username` is. The dispute team records it when the
referral is made (the `dispute_referral` form's `provider_name`), so access follows the case's own record.
Only cases of the dispute processes are considered; the complaint behind a dispute stays staff-only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from engine.cases.store import CASE
from engine.core.errors import NotFound
from engine.store.db import Database

PROVIDER_PROCESSES = ("dispute_resolution",)
_KEYS = ("provider", "provider_name")


def names_provider(data: Mapping[str, Any], username: str) -> bool:
    for key in _KEYS:
        value = data.get(key)
        if isinstance(value, str) and value == username:
            return True
        if isinstance(value, Mapping) and username in (value.get("id"), value.get("username")):
            return True
    return False


def case_ids(db: Database, username: str) -> list[int]:
    """Ids of the provider's cases, from the case rows' summaries (kept current on every save): no
    workflow state is loaded. The dispute process lists `provider` and `provider_name` in `summary_fields`."""
    with db.reading() as conn:
        rows = conn.execute(
            select(CASE.c.id, CASE.c.summary).where(CASE.c.process_id.in_(PROVIDER_PROCESSES))
        ).all()
    return [row.id for row in rows if names_provider(json.loads(row.summary or "{}"), username)]


def check(db: Database, reference: str, username: str) -> None:
    """NotFound (not 403) for a case that is not the provider's, so references of others stay unconfirmed."""
    with db.reading() as conn:
        row = conn.execute(
            select(CASE.c.summary).where(
                CASE.c.reference == reference, CASE.c.process_id.in_(PROVIDER_PROCESSES)
            )
        ).first()
    if row is not None and names_provider(json.loads(row.summary or "{}"), username):
        return
    raise NotFound(f"no case with the reference {reference}")
