"""People, groups and roles. A lane's id is a group's id; roles say what someone may do across cases."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.core.actors import ROLES, Actor
from engine.core.clock import Clock
from engine.core.errors import FormInvalid, NotFound
from engine.identity.tables import Group, Membership, User

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_password(stored: str | None, password: str) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt_b64, digest_b64 = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def ensure_group(session: Session, group_id: str, name: str = "") -> Group:
    group = session.get(Group, group_id)
    if group is None:
        group = Group(id=group_id, name=name or group_id.replace("_", " ").capitalize())
        session.add(group)
        session.flush()
    return group


def add_user(
    session: Session,
    clock: Clock,
    username: str,
    *,
    password: str | None = None,
    roles: list[str] | None = None,
    groups: list[str] | None = None,
    display_name: str = "",
    email: str | None = None,
    skills: list[str] | None = None,
) -> User:
    """Create or update a user; groups are created on first mention."""
    errors: dict[str, list[str]] = {}
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        errors["username"] = ["Use letters, digits, '.', '-' or '_'."]
    unknown = sorted(set(roles or []) - ROLES)
    if unknown:
        errors["roles"] = [f"Unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(ROLES))}."]
    if errors:
        raise FormInvalid(errors)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, created_at=clock.now(), display_name=display_name or username)
        session.add(user)
    if display_name:
        user.display_name = display_name
    if email is not None:
        user.email = email
    if password is not None:
        user.password_hash = hash_password(password)
    if roles is not None:
        user.roles = " ".join(sorted(set(roles)))
    if skills is not None:
        user.skills = " ".join(sorted(set(skills)))
    session.flush()
    if groups is not None:
        for group_id in groups:
            ensure_group(session, group_id)
        current = {m.group_id for m in user.memberships}
        for group_id in set(groups) - current:
            user.memberships.append(Membership(group_id=group_id))
        for membership in list(user.memberships):
            if membership.group_id not in groups:
                user.memberships.remove(membership)
    session.flush()
    return user


def actor_of(user: User) -> Actor:
    return Actor(
        username=user.username,
        groups=frozenset(m.group_id for m in user.memberships),
        roles=frozenset(user.roles.split()),
    )


def load_actor(session: Session, username: str) -> Actor:
    user = session.scalar(
        select(User)
        .where(User.username == username, User.active.is_(True))
        .options(selectinload(User.memberships))
    )
    if user is None:
        raise NotFound(f"no active user named {username}")
    return actor_of(user)


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    user = session.scalar(
        select(User)
        .where(User.username == username, User.active.is_(True))
        .options(selectinload(User.memberships))
    )
    if user is None or not check_password(user.password_hash, password):
        return None
    return actor_of(user)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).options(selectinload(User.memberships)).order_by(User.username)))
