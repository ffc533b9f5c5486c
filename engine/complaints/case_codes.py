"""Case codes: a short secret a person can type from a letter or read out on the phone.

A code is 8 characters of Crockford's base32 (no I, L, O or U), shown as ``ABCD-EFGH``: 40 bits, so about
a trillion codes per reference, against a throttle of a few attempts per quarter hour
(engine.complaints.throttle). Input is read leniently, the way Crockford's alphabet intends: any letter
case, spaces and dashes ignored, and ``I``/``L`` read as 1, ``O`` as 0.

The code is never stored. It is HMAC-SHA256(server secret key, reference + per-case nonce), so the letter
worker can print it on any letter at render time, while a copy of the database alone reveals no code
(the key lives in configuration, engine.complaints.settings). Rotating a code is drawing a new nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 8
_BITS = 5 * LENGTH
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", " ": None, "-": None, "\t": None})


def new_nonce() -> str:
    """A fresh per-case nonce (128 bits, hex): a new nonce is a new code."""
    return secrets.token_hex(16)


def derive(secret_key: bytes, reference: str, nonce: str) -> str:
    """The 8-character code (not grouped) of a case: HMAC(secret, reference + NUL + nonce), first 40 bits."""
    mac = hmac.new(secret_key, f"{reference}\x00{nonce}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(mac[:8], "big") >> (64 - _BITS)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def display(code: str) -> str:
    """``ABCDEFGH`` -> ``ABCD-EFGH``: two groups of four are easier to read out and to type."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalise(typed: str | None) -> str:
    """What a person typed, as a code to compare: upper case, no spaces or dashes, I/L -> 1, O -> 0.

    Anything else outside the alphabet (a U, a punctuation mark) stays, so such input simply never matches.
    """
    return (typed or "").upper().translate(_READ_AS)


def normalise_reference(typed: str | None) -> str:
    """A reference as typed (``cmp-2026-7k3q9d2x ``) as stored: upper case, no surrounding or inner spaces."""
    return "".join((typed or "").split()).upper()


def matches(secret_key: bytes, reference: str, nonce: str, typed: str | None) -> bool:
    """Whether `typed` is the case's code; compared in constant time."""
    return hmac.compare_digest(derive(secret_key, reference, nonce), normalise(typed))
