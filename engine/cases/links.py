"""Relations between cases other than parent and child: one row per relation, read from both sides.

`merged_into`: a duplicate complaint was merged into an original (seen from the original: `merged_from`).
`reopened_from`: a closed complaint was reopened as a new case (seen from the original: `reopened_as`).
Measures count reopened or merged cases by these rows; the case page lists them beside the linked dispute.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, or_, select

from engine.cases.tables import Case, CaseLink

MERGED_INTO = "merged_into"
REOPENED_FROM = "reopened_from"
# What a relation is called when it is read from the other case.
INVERSE = {MERGED_INTO: "merged_from", REOPENED_FROM: "reopened_as"}
LINK = CaseLink.__table__
CASE = Case.__table__


def add(conn: Connection, case_id: int, linked_case_id: int, kind: str, at: dt.datetime, by: str) -> None:
    """Write one relation, in the transaction of the change that made it."""
    conn.execute(
        LINK.insert().values(
            case_id=case_id, linked_case_id=linked_case_id, kind=kind, created_at=at, created_by=by
        )
    )


def of_case(conn: Connection, case_id: int) -> list[dict[str, Any]]:
    """Every relation of a case, named as seen from it, with the other case's reference and state."""
    rows = conn.execute(
        select(LINK, CASE.c.reference, CASE.c.status, CASE.c.outcome, CASE.c.process_id)
        .join(
            CASE,
            or_(
                (LINK.c.case_id == case_id) & (CASE.c.id == LINK.c.linked_case_id),
                (LINK.c.linked_case_id == case_id) & (CASE.c.id == LINK.c.case_id),
            ),
        )
        .where(or_(LINK.c.case_id == case_id, LINK.c.linked_case_id == case_id))
        .order_by(LINK.c.created_at, LINK.c.id)
    ).all()
    return [
        {
            "relation": r.kind if r.case_id == case_id else INVERSE.get(r.kind, r.kind),
            "reference": r.reference,
            "process_id": r.process_id,
            "status": r.status,
            "outcome": r.outcome,
            "at": r.created_at,
            "by": r.created_by,
        }
        for r in rows
    ]


def linked_ids(conn: Connection, case_id: int, kind: str) -> list[int]:
    """Ids of the cases this case points at with `kind` (the original a duplicate was merged into)."""
    return list(
        conn.scalars(select(LINK.c.linked_case_id).where(LINK.c.case_id == case_id, LINK.c.kind == kind))
    )


def pointing_at(conn: Connection, case_id: int, kind: str) -> list[int]:
    """Ids of the cases that point at this one with `kind` (the cases a closed complaint was reopened as)."""
    return list(
        conn.scalars(select(LINK.c.case_id).where(LINK.c.linked_case_id == case_id, LINK.c.kind == kind))
    )
