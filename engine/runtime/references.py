"""Case references people can read aloud on the phone: prefix, year, six Crockford base32 characters.

Random rather than sequential so concurrent starts never contend on a counter, and so a reference says
nothing about how many complaints an organisation receives.
"""

from __future__ import annotations

import datetime as dt
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: nothing to misread


def new_reference(prefix: str, now: dt.datetime) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{prefix}-{now.year}-{body}"
