"""Case codes and letter links in the database: the per-case nonce, and single-use links with their hashes.

The letter worker calls `letter_params` when it renders a complainant letter, in a transaction of its own
that commits before the mail leaves: the link printed in a letter therefore always exists, and a failed or
retried delivery replaces that letter's link (one link per letter, the last copy sent wins). A database
reader sees only hashes and nonces: no code, no usable link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from engine.cases.tables import Case
from engine.complaints import case_codes
from engine.complaints.settings import TrackingSettings
from engine.complaints.tables import CaseTracking, TrackingLink
from engine.core.clock import Clock
from engine.core.errors import NotFound
from engine.store.db import Database

TRACKING = CaseTracking.__table__
LINK = TrackingLink.__table__
CASE = Case.__table__
LINK_NOT_FOUND = "this link does not open a case: it was used already, has expired, or is not known"
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def nonce_in(conn: Connection, case_id: int, now: dt.datetime) -> str:
    """The case's code nonce, drawn (and its tracking row created) the first time a code is asked for.

    Cases logged by staff through `start_case`, and linked dispute cases, have no intake row yet; the first
    letter gives them one. Racing writers never overwrite a nonce once set (the update is conditional and
    the insert sits in a savepoint), so a code already printed stays the code.
    """
    nonce = conn.scalar(select(TRACKING.c.code_nonce).where(TRACKING.c.case_id == case_id))
    if nonce:
        return nonce
    fresh = case_codes.new_nonce()
    updated = conn.execute(
        update(TRACKING)
        .where(TRACKING.c.case_id == case_id, TRACKING.c.code_nonce.is_(None))
        .values(code_nonce=fresh)
    ).rowcount
    if not updated:
        try:
            with conn.begin_nested():
                conn.execute(
                    TRACKING.insert().values(
                        case_id=case_id, token_hash=None, created_at=now, code_nonce=fresh
                    )
                )
        except IntegrityError:  # another writer created the row first: its nonce is the one
            pass
    return conn.scalar(select(TRACKING.c.code_nonce).where(TRACKING.c.case_id == case_id)) or fresh


def code_in(
    conn: Connection, settings: TrackingSettings, case_id: int, now: dt.datetime, reference: str | None = None
) -> str:
    """The case's code, grouped for print (``ABCD-EFGH``); NotFound for a case that does not exist.
    A caller that has the case's reference at hand (intake) passes it and saves a query."""
    if reference is None:
        reference = conn.scalar(select(CASE.c.reference).where(CASE.c.id == case_id))
    if reference is None:
        raise NotFound(f"no case with the id {case_id}")
    return case_codes.display(case_codes.derive(settings.secret_key, reference, nonce_in(conn, case_id, now)))


def rotate_code(db: Database, clock: Clock, settings: TrackingSettings, case_id: int) -> str:
    """A new code for the case (a new nonce): the old one stops working at once; returns the new one.

    Links already sent stay valid: each is its own credential with its own expiry.
    """
    with db.transaction() as conn:
        conn.execute(update(TRACKING).where(TRACKING.c.case_id == case_id).values(code_nonce=None))
        return code_in(conn, settings, case_id, clock.now())


def issue_link_in(
    conn: Connection, settings: TrackingSettings, now: dt.datetime, case_id: int, letter_id: int
) -> str:
    """A fresh single-use token for one letter (replacing that letter's earlier one); only its hash is
    kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    conn.execute(LINK.delete().where(LINK.c.letter_id == letter_id))
    conn.execute(
        LINK.insert().values(
            token_hash=token_hash(token),
            case_id=case_id,
            letter_id=letter_id,
            created_at=now,
            expires_at=now + settings.link_ttl,
            used_at=None,
        )
    )
    return token


def letter_params(
    conn: Connection, settings: TrackingSettings, now: dt.datetime, case_id: int, letter_id: int
) -> dict[str, Any]:
    """What every complainant letter prints: the case code, the tracking page and this letter's link."""
    return {
        "case_code": code_in(conn, settings, case_id, now),
        "tracking_url": settings.track_url,
        "tracking_link": settings.link_url(issue_link_in(conn, settings, now, case_id, letter_id)),
    }


def redeem_link(db: Database, clock: Clock, token: str | None) -> int:
    """The case a letter's link opens, marking the link used in the same transaction.

    Used before, expired, or never issued: the same NotFound, so a link's fate tells nobody anything. The
    update is conditional on `used_at IS NULL`, so of two requests racing with one link only one wins.
    """
    now = clock.now()
    digest = token_hash(token or "")
    with db.transaction() as conn:
        row = conn.execute(
            select(LINK.c.id, LINK.c.case_id, LINK.c.token_hash, LINK.c.expires_at, LINK.c.used_at).where(
                LINK.c.token_hash == digest
            )
        ).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            raise NotFound(LINK_NOT_FOUND)
        if row.used_at is not None or row.expires_at <= now:
            raise NotFound(LINK_NOT_FOUND)
        won = conn.execute(
            update(LINK).where(LINK.c.id == row.id, LINK.c.used_at.is_(None)).values(used_at=now)
        ).rowcount
        if not won:
            raise NotFound(LINK_NOT_FOUND)
        return row.case_id


def prune_links(db: Database, clock: Clock) -> int:
    """Forget links that expired (used or not): their hashes open nothing any more."""
    with db.transaction() as conn:
        return conn.execute(LINK.delete().where(LINK.c.expires_at <= clock.now())).rowcount
