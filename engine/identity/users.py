"""People, groups and roles. A lane's id is a group's id; roles say what someone may do across cases."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.core.actors import ROLES, Actor
from engine.core.clock import Clock
from engine.core.errors import FormInvalid, NotFound
from engine.identity import passwords
from engine.identity.tables import Group, Membership, User

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


# Checked against when a user is unknown or has no password: random salt and digest, matching nothing.
_DUMMY_HASH = "$".join(
    (
        "scrypt",
        base64.b64encode(secrets.token_bytes(16)).decode(),
        base64.b64encode(secrets.token_bytes(32)).decode(),
    )
)


def check_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches; the same scrypt work is done when there is nothing to match against,
    so the time a wrong answer takes never tells an unknown username from a known one."""
    real = stored is not None and stored.startswith("scrypt$")
    _, salt_b64, digest_b64 = (stored if stored is not None and real else _DUMMY_HASH).split("$")
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64)) and real


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
    password_policy: bool = True,
) -> User:
    """Create or update a user; groups are created on first mention.

    A new password must pass the policy (engine.identity.passwords); only the demo users, never created in
    production, skip it.
    """
    errors: dict[str, list[str]] = {}
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        errors["username"] = ["Use letters, digits, '.', '-' or '_'."]
    unknown = sorted(set(roles or []) - ROLES)
    if unknown:
        errors["roles"] = [f"Unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(ROLES))}."]
    if password is not None and password_policy:
        weak = passwords.problems(username, password)
        if weak:
            errors["password"] = weak
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
    if not check_password(user.password_hash if user else None, password) or user is None:
        return None
    return actor_of(user)


def signed_in_user(session: Session, username: str) -> tuple[Actor, str | None]:
    """An active user as the pages need them on each request: the actor and their chosen language."""
    user = session.scalar(
        select(User)
        .where(User.username == username, User.active.is_(True))
        .options(selectinload(User.memberships))
    )
    if user is None:
        raise NotFound(f"no active user named {username}")
    return actor_of(user), user.language


def set_language(session: Session, username: str, language: str | None, known: Collection[str]) -> None:
    """Remember the language of the pages a person chose (None: follow the browser)."""
    if language is not None and language not in known:
        raise FormInvalid({"language": ["Choose one of the languages offered."]})
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise NotFound(f"no active user named {username}")
    user.language = language
    session.flush()


def change_password(session: Session, username: str, current: str, new: str, repeated: str) -> None:
    """A person changes their own password: the current one first, then the policy (identity.passwords).

    Every problem is named by its field (`current`, `new`, `repeated`), so a page shows each beside its box.
    """
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    errors: dict[str, list[str]] = {}
    if not check_password(user.password_hash if user else None, current) or user is None:
        errors["current"] = ["This is not your current password."]
    weak = passwords.problems(username, new)
    if weak:
        errors["new"] = weak
    elif new == current:
        errors["new"] = ["Choose a password different from the current one."]
    if new != repeated:
        errors["repeated"] = ["The two new passwords are not the same."]
    if errors:
        raise FormInvalid(errors)
    assert user is not None
    user.password_hash = hash_password(new)
    session.flush()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).options(selectinload(User.memberships)).order_by(User.username)))
