"""Which complaint this browser may see: a case id in the signed session cookie, never a secret in a URL.

A typed case code or a letter's single-use link opens a complaint once; from then on the session cookie
(Secure, HttpOnly, SameSite=Lax) carries it, and it lapses after a spell of inactivity.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, session

KEY = "tracked"


@dataclass(frozen=True)
class Tracked:
    case_id: int
    reference: str


def remember(case_id: int, reference: str) -> None:
    # A complaint opened in this browser replaces the one before. The session lives in the signed cookie
    # itself (no server-side id that someone could plant beforehand), so there is nothing to rotate.
    session[KEY] = {"case_id": case_id, "reference": reference, "seen": int(time.time())}
    session.permanent = False


def current() -> Tracked | None:
    """The tracked complaint, or None when there is none or it lapsed; touching it keeps it alive."""
    data = session.get(KEY)
    if not isinstance(data, dict):
        return None
    idle = current_app.config["REDRESSAL_TRACK_IDLE_MINUTES"] * 60
    now = int(time.time())
    if now - int(data.get("seen", 0)) > idle:
        session.pop(KEY, None)
        return None
    if now - int(data["seen"]) > 60:
        data["seen"] = now
        session[KEY] = data
    return Tracked(int(data["case_id"]), str(data["reference"]))


def forget() -> None:
    session.pop(KEY, None)
