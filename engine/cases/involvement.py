"""Staff named as involved in a complaint, kept from its tasks (ISO 10002 clause 4, objectivity).

The rule, in one place:

- At intake, the complaint's `staff_involved` text (free text: "Mr Jones at the Leeds branch, and jsmith")
  names a member of staff when it contains their **username** as a whole word, or their **display name**
  as a whole phrase of at least two words ("Hana Ito", not "Hana": a first name alone names too many
  people), ignoring case. Each person so named is recorded with the source `complaint`, in the same
  transaction that starts the case, and the start's audit event lists them.
- Any member of staff who works cases may record a colleague as involved (source `recorded`) with a note;
  a supervisor may take a record back with a reason. Both are audit events of the case.
- Whoever is recorded is not offered the case's tasks (the inbox leaves them out), and may not claim,
  complete or be assigned one (engine.access.policy.require_task and require_assignee). The system (timers)
  is never involved.

A name the text does not match (a nickname, a misspelling) is not guessed at: staff record it explicitly.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, exists, insert, select

from engine.access import policy as access
from engine.cases.read_models import Involvement
from engine.cases.store import CASE, CASE_COLUMNS, CaseWork
from engine.cases.tables import InvolvedStaff
from engine.core.actors import Actor
from engine.core.errors import FormInvalid, NotFound
from engine.identity.tables import User

INVOLVED = InvolvedStaff.__table__
USER = User.__table__
FROM_COMPLAINT = "complaint"
RECORDED = "recorded"
# The intake field that names staff (forms/complaint_intake.json, the API's `staff_involved`).
FIELD = "staff_involved"


def involved_clause(case_id: Any, username: Any) -> ColumnElement[bool]:
    """SQL: the person `username` is recorded as involved in the case `case_id` (columns or parameters)."""
    return exists().where(INVOLVED.c.case_id == case_id, INVOLVED.c.username == username)


def _names(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.casefold())}(?!\w)", text) is not None


def match(conn: Connection, text: str | None) -> list[str]:
    """Usernames of the active staff the free text names (the rule in the module's docstring), sorted."""
    if not text or not text.strip():
        return []
    folded = text.casefold()
    # Every active user is read (staff are hundreds, and this runs once per complaint that names someone):
    # matching in SQL would fold case differently on SQLite (ASCII only) and PostgreSQL.
    rows = conn.execute(
        select(USER.c.username, USER.c.display_name, USER.c.roles).where(USER.c.active.is_(True))
    ).all()
    found = []
    for r in rows:
        if not set(r.roles.split()) & access.STAFF:
            continue
        display = (r.display_name or "").strip()
        if _names(folded, r.username) or (len(display.split()) >= 2 and _names(folded, display)):
            found.append(r.username)
    return sorted(found)


def record_in(
    conn: Connection, case_id: int, usernames: list[str], source: str, by: str, at, note: str = ""
) -> None:
    """Write the records (in the caller's transaction): the case's start, or `record` below."""
    if usernames:
        conn.execute(
            insert(INVOLVED),
            [
                {
                    "case_id": case_id,
                    "username": u,
                    "source": source,
                    "note": note,
                    "recorded_by": by,
                    "recorded_at": at,
                }
                for u in usernames
            ],
        )


def _load(service, reference: str) -> CaseWork:
    with service.db.reading() as conn:
        row = conn.execute(select(*CASE_COLUMNS).where(CASE.c.reference == reference)).first()
        if row is None:
            raise NotFound(f"no case with the reference {reference}")
        return service.store.load(conn, row)


def record(service, reference: str, username: str, actor: Actor, note: str) -> list[Involvement]:
    """Record that `username` is involved in the complaint: one transaction with its audit event."""
    access.require(actor, access.Action.RECORD_INVOLVEMENT)
    note = (note or "").strip()
    if not note:
        raise FormInvalid({"note": ["Say how they are involved."]})
    with service.db.reading() as conn:
        known = conn.scalar(select(USER.c.id).where(USER.c.username == username))
    if known is None:
        raise FormInvalid({"username": [f"There is no member of staff {username}."]})
    work = _load(service, reference)
    if username in {i.username for i in of_case(service, reference)}:
        return of_case(service, reference)
    work.record(actor.username, "involvement_recorded", username=username, note=note)
    service.commit(
        [work],
        lambda conn, case_id, _result: record_in(
            conn, case_id, [username], RECORDED, actor.username, service.clock.now(), note
        ),
    )
    return of_case(service, reference)


def withdraw(service, reference: str, username: str, actor: Actor, reason: str) -> list[Involvement]:
    """A supervisor takes a record back (a wrong match, say), with a reason: one transaction, audited."""
    access.require(actor, access.Action.SUPERVISE)
    reason = (reason or "").strip()
    if not reason:
        raise FormInvalid({"reason": ["Say why they are not involved after all."]})
    if username not in {i.username for i in of_case(service, reference)}:
        raise NotFound(f"{username} is not recorded as involved in {reference}")
    work = _load(service, reference)
    work.record(actor.username, "involvement_withdrawn", username=username, reason=reason)
    service.commit(
        [work],
        lambda conn, case_id, _result: conn.execute(
            delete(INVOLVED).where(INVOLVED.c.case_id == case_id, INVOLVED.c.username == username)
        ),
    )
    return of_case(service, reference)


def of_case(service, reference: str) -> list[Involvement]:
    """Who is kept from the case's tasks and why: what a supervisor sees beside the case."""
    with service.db.reading() as conn:
        case_id = conn.scalar(select(CASE.c.id).where(CASE.c.reference == reference))
        if case_id is None:
            raise NotFound(f"no case with the reference {reference}")
        rows = conn.execute(
            select(INVOLVED, USER.c.display_name)
            .outerjoin(USER, USER.c.username == INVOLVED.c.username)
            .where(INVOLVED.c.case_id == case_id)
            .order_by(INVOLVED.c.username)
        ).all()
    return [
        Involvement(
            reference=reference,
            username=r.username,
            display_name=r.display_name or "",
            source=r.source,
            note=r.note,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
            reason=access.INVOLVED_REASON,
        )
        for r in rows
    ]
