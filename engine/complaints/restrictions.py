"""Restricting contact with a complainant whose conduct is unreasonable, while the complaint is still handled.

A supervisor proposes the restriction: the one channel left open, the one member of staff who is the
complainant's contact, the date it is reviewed, and the reasons. It takes effect only when a different
supervisor approves it (proposed -> approved or refused). Each step is one transaction with an event on the
case's audit trail (the reasons only as a digest, like every value a person writes). The case page shows the
restrictions; an approved one whose review date has come shows as due for review. The workflow is untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from engine.access import policy as access
from engine.cases.service import CaseService
from engine.cases.store import CASE
from engine.complaints.tables import ContactRestriction
from engine.core.actors import CASEWORK_ROLES, Actor
from engine.core.errors import ConflictError, FormInvalid, NotFound
from engine.identity.tables import User

CHANNELS = ("email", "letter", "phone", "in_person", "portal")
PROPOSED, APPROVED, REFUSED = "proposed", "approved", "refused"
DUE_FOR_REVIEW = "due_for_review"
TABLE = ContactRestriction.__table__


@dataclass(frozen=True, slots=True)
class Restriction:
    """A restriction as the case page shows it; `state` is its status, or `due_for_review` once an approved
    restriction's review date has come."""

    id: int
    reference: str
    channel: str
    contact: str
    review_on: dt.date
    reasons: str
    status: str
    state: str
    proposed_by: str
    proposed_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


def propose(
    service: CaseService,
    reference: str,
    actor: Actor,
    *,
    channel: str,
    contact: str,
    review_on: dt.date | None,
    reasons: str,
) -> Restriction:
    """Propose a restriction on case `reference`; it waits for a second supervisor."""
    access.require(actor, access.Action.RESTRICT_CONTACT)
    now = service.clock.now()
    reasons = (reasons or "").strip()
    contact = (contact or "").strip()
    errors: dict[str, list[str]] = {}
    if channel not in CHANNELS:
        errors["channel"] = [f"Choose one channel: {', '.join(CHANNELS)}."]
    if not reasons:
        errors["reasons"] = ["Say which conduct makes the restriction necessary."]
    if review_on is None or review_on <= now.date():
        errors["review_on"] = ["Give a review date after today."]
    problem = _contact_problem(service, contact)
    if problem:
        errors["contact"] = [problem]
    if errors:
        raise FormInvalid(errors, "The restriction needs more before it can be proposed.")
    work = service.read_case(reference)
    with service.db.reading() as conn:
        pending = conn.scalar(
            select(TABLE.c.id).where(TABLE.c.case_id == work.saved_id, TABLE.c.status == PROPOSED)
        )
    if pending is not None:
        raise ConflictError(f"restriction {pending} on {reference} still waits for approval; decide it first")
    row = {
        "case_id": work.saved_id,
        "channel": channel,
        "contact": contact,
        "review_on": review_on,
        "reasons": reasons,
        "status": PROPOSED,
        "proposed_by": actor.username,
        "proposed_at": now,
        "decided_by": None,
        "decided_at": None,
        "decision_note": "",
    }
    work.record(
        actor.username,
        "contact_restriction_proposed",
        channel=channel,
        contact=contact,
        review_on=review_on.isoformat() if review_on else None,
        personal={"reasons": reasons},
    )
    ids: list[int] = []

    def insert(conn: Connection, *_: Any) -> None:
        ids.append(conn.execute(TABLE.insert().values(**row).returning(TABLE.c.id)).scalar_one())

    service.commit([work], insert)
    return _view({**row, "id": ids[0]}, reference, now.date())


def decide(
    service: CaseService, restriction_id: int, actor: Actor, *, approve: bool, note: str = ""
) -> Restriction:
    """Approve or refuse a proposed restriction; the approver must be a supervisor other than the proposer."""
    access.require(actor, access.Action.RESTRICT_CONTACT)
    if not 0 < restriction_id < 2**31:  # ids are 32-bit; PostgreSQL refuses to compare a bigger number
        raise NotFound(f"no contact restriction {restriction_id}")
    with service.db.reading() as conn:
        row = conn.execute(
            select(TABLE, CASE.c.reference)
            .join(CASE, CASE.c.id == TABLE.c.case_id)
            .where(TABLE.c.id == restriction_id)
        ).first()
    if row is None:
        raise NotFound(f"no contact restriction {restriction_id}")
    if row.status != PROPOSED:
        raise ConflictError(f"restriction {restriction_id} was {row.status} already")
    if row.proposed_by == actor.username:
        raise FormInvalid(
            {"approver": ["A second supervisor must decide: not the person who proposed the restriction."]}
        )
    now = service.clock.now()
    status = APPROVED if approve else REFUSED
    note = (note or "").strip()
    work = service.read_case(row.reference)
    work.record(
        actor.username,
        f"contact_restriction_{status}",
        personal={"note": note} if note else None,
        restriction=restriction_id,
    )

    def settle(conn: Connection, *_: Any) -> None:
        changed = conn.execute(
            update(TABLE)
            .where(TABLE.c.id == restriction_id, TABLE.c.status == PROPOSED)
            .values(status=status, decided_by=actor.username, decided_at=now, decision_note=note)
        )
        if changed.rowcount != 1:
            raise ConflictError(f"restriction {restriction_id} was decided by someone else in the meantime")

    service.commit([work], settle)
    values = {**row._mapping, "status": status, "decided_by": actor.username, "decided_at": now}
    return _view({**values, "decision_note": note}, row.reference, now.date())


def of_case(conn: Connection, case_id: int, reference: str, today: dt.date) -> list[Restriction]:
    """The case's restrictions, newest first, as the case page shows them."""
    rows = conn.execute(
        select(TABLE)
        .where(TABLE.c.case_id == case_id)
        .order_by(TABLE.c.proposed_at.desc(), TABLE.c.id.desc())
    ).all()
    return [_view(dict(r._mapping), reference, today) for r in rows]


def for_case(service: CaseService, reference: str, actor: Actor) -> list[Restriction]:
    """Staff read a case's restrictions (providers never see them)."""
    access.require(actor, access.Action.FIND_DUPLICATES)
    with service.db.reading() as conn:
        case_id = conn.scalar(select(CASE.c.id).where(CASE.c.reference == reference))
        if case_id is None:
            raise NotFound(f"no case with the reference {reference}")
        return of_case(conn, case_id, reference, service.clock.now().date())


def _view(row: dict[str, Any], reference: str, today: dt.date) -> Restriction:
    state = row["status"]
    if state == APPROVED and row["review_on"] <= today:
        state = DUE_FOR_REVIEW
    return Restriction(
        id=row["id"],
        reference=reference,
        channel=row["channel"],
        contact=row["contact"],
        review_on=row["review_on"],
        reasons=row["reasons"],
        status=row["status"],
        state=state,
        proposed_by=row["proposed_by"],
        proposed_at=row["proposed_at"],
        decided_by=row.get("decided_by"),
        decided_at=row.get("decided_at"),
        decision_note=row.get("decision_note") or "",
    )


def _contact_problem(service: CaseService, username: str) -> str | None:
    """Why `username` cannot be the complainant's one contact, or None: an active member of casework staff."""
    if not username:
        return "Name the member of staff who is the complainant's one contact."
    with service.db.reading() as conn:
        user = conn.execute(select(User.roles, User.active).where(User.username == username)).first()
    if user is None or not user.active:
        return f"{username} is not an active user."
    if not CASEWORK_ROLES & set(user.roles.split()):
        return f"{username} does not handle complaints; name a handler or supervisor."
    return None
