"""Case references people can read aloud on the phone: prefix, year, eight Crockford base32 characters.

Random rather than sequential so concurrent starts never contend on a counter, and so a reference says
nothing about how many complaints an organisation receives. Eight characters (40 bits) keep collisions
rare at millions of cases a year (six gave a few per 100,000 by the birthday bound); the engine redraws on
the rare collision.
"""

from __future__ import annotations

import datetime as dt
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: nothing to misread


def new_reference(prefix: str, now: dt.datetime) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{now.year}-{body}"
