"""Dispute-resolution provider organisations (ISO 10003): bodies disputes are referred to, and their users.

Administrators create, change and deactivate organisations and say which provider users work for which. At
referral the dispute team chooses an active organisation from a list (the `dispute_referral` form's
`provider_organisation`, whose options the engine supplies under `provider_organisations`); the dispute case
records the organisation's slug, and the access policy lets that organisation's users see the case.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from engine.access import policy as access
from engine.core.actors import Actor
from engine.core.clock import Clock
from engine.core.errors import ConflictError, FormInvalid, NotFound
from engine.disputes.tables import ProviderOrganisation, ProviderUser
from engine.identity.tables import User
from engine.store.db import Database

KINDS = ("ombudsman", "adr_body", "arbitrator")
# The case-data key under which a form's choice of organisation finds its options (form-js `valuesKey`).
OPTIONS_KEY = "provider_organisations"
FIELDS = ("name", "kind", "email", "phone", "website", "address")
ORG = ProviderOrganisation.__table__
MEMBER = ProviderUser.__table__
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation as lists and the admin pages show it, with its users' usernames."""

    slug: str
    name: str
    kind: str
    email: str | None
    phone: str | None
    website: str | None
    address: str | None
    active: bool
    users: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


def _check(values: Mapping[str, Any], creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key in FIELDS:
        if key not in values:
            continue
        value = values[key]
        clean[key] = value.strip() or None if isinstance(value, str) else value
    if (creating or "name" in clean) and not clean.get("name"):
        errors["name"] = ["Give the organisation's name."]
    if (creating or "kind" in clean) and clean.get("kind") not in KINDS:
        errors["kind"] = [f"Choose one of {', '.join(KINDS)}."]
    email = clean.get("email")
    if email and ("@" not in email or " " in email):
        errors["email"] = ["Give an e-mail address such as disputes@ombudsman.example."]
    website = clean.get("website")
    if website and not website.startswith(("https://", "http://")):
        errors["website"] = ["Give the address with https://."]
    if errors:
        raise FormInvalid(errors)
    return clean


def create(db: Database, clock: Clock, actor: Actor, slug: str, values: Mapping[str, Any]) -> Organisation:
    """A new active organisation; `slug` (lower-case letters, digits, '.', '-', '_') is its lasting id."""
    access.require(actor, access.Action.MANAGE_PROVIDERS)
    errors = (
        {} if slug and _SLUG.match(slug) else {"slug": ["Use lower-case letters, digits, '.', '-' or '_'."]}
    )
    try:
        clean = _check(values, creating=True)
    except FormInvalid as exc:
        errors.update(exc.errors)
    if errors:
        raise FormInvalid(errors)
    now = clock.now()
    with db.transaction() as conn:
        if conn.scalar(select(ORG.c.id).where(ORG.c.slug == slug)) is not None:
            raise FormInvalid({"slug": [f"An organisation {slug} exists already."]})
        conn.execute(ORG.insert().values(slug=slug, active=True, created_at=now, updated_at=now, **clean))
    return get(db, slug)


def change(db: Database, clock: Clock, actor: Actor, slug: str, values: Mapping[str, Any]) -> Organisation:
    """Change the details of an organisation (name, kind, contact details); the slug stays."""
    access.require(actor, access.Action.MANAGE_PROVIDERS)
    clean = _check(values, creating=False)
    with db.transaction() as conn:
        _id_of(conn, slug)
        if clean:
            conn.execute(update(ORG).where(ORG.c.slug == slug).values(updated_at=clock.now(), **clean))
    return get(db, slug)


def set_active(db: Database, clock: Clock, actor: Actor, slug: str, active: bool) -> Organisation:
    """Deactivate (or reactivate) an organisation: a deactivated one is offered at no new referral, and its
    users keep seeing the cases referred to it before."""
    access.require(actor, access.Action.MANAGE_PROVIDERS)
    with db.transaction() as conn:
        _id_of(conn, slug)
        conn.execute(update(ORG).where(ORG.c.slug == slug).values(active=active, updated_at=clock.now()))
    return get(db, slug)


def add_user(db: Database, actor: Actor, slug: str, username: str) -> Organisation:
    """Make provider user `username` a user of the organisation (a user works for one organisation)."""
    access.require(actor, access.Action.MANAGE_PROVIDERS)
    with db.transaction() as conn:
        org_id = _id_of(conn, slug)
        user = conn.execute(select(User.id, User.roles).where(User.username == username)).first()
        if user is None:
            raise FormInvalid({"username": [f"No user named {username}."]})
        if access.PROVIDER not in user.roles.split():
            raise FormInvalid({"username": [f"{username} does not have the role provider."]})
        current = conn.scalar(select(MEMBER.c.organisation_id).where(MEMBER.c.user_id == user.id))
        if current is not None and current != org_id:
            raise ConflictError(f"{username} works for another organisation; remove them there first")
        if current is None:
            conn.execute(MEMBER.insert().values(user_id=user.id, organisation_id=org_id))
    return get(db, slug)


def remove_user(db: Database, actor: Actor, slug: str, username: str) -> Organisation:
    access.require(actor, access.Action.MANAGE_PROVIDERS)
    with db.transaction() as conn:
        org_id = _id_of(conn, slug)
        user_id = conn.scalar(select(User.id).where(User.username == username))
        conn.execute(MEMBER.delete().where(MEMBER.c.user_id == user_id, MEMBER.c.organisation_id == org_id))
    return get(db, slug)


def get(db: Database, slug: str) -> Organisation:
    with db.reading() as conn:
        found = _read(conn, ORG.c.slug == slug)
    if not found:
        raise NotFound(f"no provider organisation {slug}")
    return found[0]


def listing(db: Database, actor: Actor, *, active_only: bool = False) -> list[Organisation]:
    """Organisations by name; `active_only` for the referral's list."""
    access.require(actor, access.Action.READ_PROVIDERS)
    with db.reading() as conn:
        return _read(conn, ORG.c.active.is_(True) if active_only else None)


def options(conn: Connection) -> list[dict[str, str]]:
    """The referral form's choices: active organisations as form-js `{label, value}` options."""
    rows = conn.execute(
        select(ORG.c.slug, ORG.c.name).where(ORG.c.active.is_(True)).order_by(ORG.c.name, ORG.c.slug)
    ).all()
    return [{"label": r.name, "value": r.slug} for r in rows]


def uses_options(definition: Mapping[str, Any] | None) -> bool:
    """Whether a form offers a choice of organisation (a component whose valuesKey is OPTIONS_KEY)."""
    if not definition:
        return False
    stack = list(definition.get("components") or [])
    while stack:
        comp = stack.pop()
        if comp.get("valuesKey") == OPTIONS_KEY:
            return True
        stack.extend(comp.get("components") or [])
    return False


def _id_of(conn: Connection, slug: str) -> int:
    org_id = conn.scalar(select(ORG.c.id).where(ORG.c.slug == slug))
    if org_id is None:
        raise NotFound(f"no provider organisation {slug}")
    return org_id


def _read(conn: Connection, condition: Any) -> list[Organisation]:
    query = select(ORG).order_by(ORG.c.name, ORG.c.slug)
    if condition is not None:
        query = query.where(condition)
    rows = conn.execute(query).all()
    members: dict[int, list[str]] = {}
    for org_id, username in conn.execute(
        select(MEMBER.c.organisation_id, User.username)
        .join(User, User.id == MEMBER.c.user_id)
        .where(MEMBER.c.organisation_id.in_([r.id for r in rows] or [-1]))
        .order_by(User.username)
    ):
        members.setdefault(org_id, []).append(username)
    return [
        Organisation(
            slug=r.slug,
            name=r.name,
            kind=r.kind,
            email=r.email,
            phone=r.phone,
            website=r.website,
            address=r.address,
            active=r.active,
            users=members.get(r.id, []),
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
