"""Which cases a dispute-resolution provider may see: those whose data names the provider's organisation.

Rule: a case is a provider user's when its data has `provider_organisation`, `provider` or `provider_name`
equal to one of the names of the user's organisation (engine.disputes.organisations): its slug, or the
username of any of its users (cases referred before organisations existed named the provider's username;
migration 0011 made each such provider an organisation of their own). Either key may also hold an object
whose `id` or `username` is such a name. A provider user of no organisation is matched by username alone.
The dispute team records the organisation at referral, so access follows the case's own record. Only cases
of the dispute processes are considered; the complaint behind a dispute stays staff-only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Set
from typing import Any

from sqlalchemy import Connection, select

from engine.cases.store import CASE
from engine.core.errors import NotFound
from engine.disputes.tables import ProviderOrganisation, ProviderUser
from engine.identity.tables import User
from engine.store.db import Database

PROVIDER_PROCESSES = ("dispute_resolution",)
_KEYS = ("provider_organisation", "provider", "provider_name")
_ORG = ProviderOrganisation.__table__
_MEMBER = ProviderUser.__table__


def names_provider(data: Mapping[str, Any], names: str | Set[str]) -> bool:
    """Whether case data names one of `names` (a username, or the names of an organisation)."""
    wanted = {names} if isinstance(names, str) else names
    for key in _KEYS:
        value = data.get(key)
        if isinstance(value, str) and value in wanted:
            return True
        if isinstance(value, Mapping) and ({value.get("id"), value.get("username")} & wanted):
            return True
    return False


def names_of(conn: Connection, username: str) -> frozenset[str]:
    """The names a case may give to be this provider user's: their organisation's slug and the usernames of
    its users; just the username for a provider user of no organisation."""
    org_id = conn.scalar(
        select(_MEMBER.c.organisation_id)
        .join(User, User.id == _MEMBER.c.user_id)
        .where(User.username == username)
    )
    if org_id is None:
        return frozenset({username})
    slug: str = conn.scalar(select(_ORG.c.slug).where(_ORG.c.id == org_id)) or username
    users = conn.scalars(
        select(User.username)
        .join(_MEMBER, _MEMBER.c.user_id == User.id)
        .where(_MEMBER.c.organisation_id == org_id)
    ).all()
    return frozenset({slug, *users})


def case_ids(db: Database, username: str) -> list[int]:
    """Ids of the provider's cases, from the case rows' summaries (kept current on every save): no
    workflow state is loaded. The dispute process lists the keys above in `summary_fields`."""
    with db.reading() as conn:
        names = names_of(conn, username)
        rows = conn.execute(
            select(CASE.c.id, CASE.c.summary).where(CASE.c.process_id.in_(PROVIDER_PROCESSES))
        ).all()
    return [row.id for row in rows if names_provider(json.loads(row.summary or "{}"), names)]


def check(db: Database, reference: str, username: str) -> None:
    """NotFound (not 403) for a case that is not the provider's, so references of others stay unconfirmed."""
    with db.reading() as conn:
        names = names_of(conn, username)
        row = conn.execute(
            select(CASE.c.summary).where(
                CASE.c.reference == reference, CASE.c.process_id.in_(PROVIDER_PROCESSES)
            )
        ).first()
    if row is not None and names_provider(json.loads(row.summary or "{}"), names):
        return
    raise NotFound(f"no case with the reference {reference}")
