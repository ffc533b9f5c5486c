"""Letters a case sent, readable again: re-rendered from the outbox in the language each went in.

The outbox keeps a letter's template, language and parameters, never its text, so both the complainant's
tracking page and the staff case page render it again here, the way the sender did.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from engine.letters.render import COMPLAINANT_TEMPLATES, UnknownTemplate, render
from engine.letters.tables import Outbox

_OUTBOX = Outbox.__table__


@dataclass(frozen=True)
class LetterSent:
    """A letter as the complainant received it (kind is the template's name, e.g. `decision_letter`)."""

    id: int
    kind: str
    language: str
    sent_at: dt.datetime | None
    subject: str
    body: str


def complainant_letters(
    conn: Connection, case_id: int, contact: str, extra: Mapping[str, Any] | None = None
) -> tuple[LetterSent, ...]:
    """The complainant letters sent for a case, oldest first; `extra` parameters replace what was queued
    (the case code, the tracking address). A letter the sender could not render was never sent as such."""
    rows = conn.execute(
        select(_OUTBOX.c.id, _OUTBOX.c.template, _OUTBOX.c.language, _OUTBOX.c.params, _OUTBOX.c.sent_at)
        .where(
            _OUTBOX.c.case_id == case_id,
            _OUTBOX.c.status == "sent",
            _OUTBOX.c.template.in_(COMPLAINANT_TEMPLATES),
        )
        .order_by(_OUTBOX.c.sent_at, _OUTBOX.c.id)
    ).all()
    letters = []
    for row in rows:
        try:
            params: Any = json.loads(row.params or "{}")
            if not isinstance(params, dict):
                continue
            params.setdefault("contact", contact)
            params.update(extra or {})
            rendered = render(row.template, row.language, params)
        except (UnknownTemplate, ValueError, TypeError):
            continue
        letters.append(
            LetterSent(row.id, row.template, rendered.language, row.sent_at, rendered.subject, rendered.body)
        )
    return tuple(letters)
